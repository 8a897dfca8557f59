namespace DeepNet.Data;

/// <summary>
/// Separable resampling of <see cref="GrayImage"/>s: per axis, area averaging when the axis shrinks and bilinear
/// interpolation when it grows. Each output sample is a weighted sum of source samples whose weights sum to 1.
/// </summary>
internal static class ImageResizer
{
    public const int MaxSide = 16_384;

    public static GrayImage Resize(GrayImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);
        if (width == image.Width && height == image.Height)
        {
            return image.Clone();
        }

        Tap[][] horizontal = Taps(image.Width, width);
        Tap[][] vertical = Taps(image.Height, height);
        float[] source = image.Pixels;
        var rows = new float[image.Height * width];
        for (int y = 0; y < image.Height; y++)
        {
            int line = y * image.Width;
            for (int x = 0; x < width; x++)
            {
                float sum = 0f;
                foreach (Tap tap in horizontal[x])
                {
                    sum += tap.Weight * source[line + tap.Index];
                }

                rows[y * width + x] = sum;
            }
        }

        var target = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float sum = 0f;
                foreach (Tap tap in vertical[y])
                {
                    sum += tap.Weight * rows[tap.Index * width + x];
                }

                target[y * width + x] = sum;
            }
        }

        return new GrayImage(width, height, target);
    }

    internal static Tap[][] Taps(int sourceLength, int targetLength)
    {
        var taps = new Tap[targetLength][];
        double scale = (double)sourceLength / targetLength;
        for (int t = 0; t < targetLength; t++)
        {
            taps[t] = targetLength < sourceLength ? AreaTaps(t, scale, sourceLength) : BilinearTaps(t, scale, sourceLength);
        }

        return taps;
    }

    private static Tap[] AreaTaps(int t, double scale, int sourceLength)
    {
        double start = t * scale;
        double end = (t + 1) * scale;
        var list = new List<Tap>();
        for (int s = (int)Math.Floor(start); s < Math.Min(sourceLength, (int)Math.Ceiling(end)); s++)
        {
            double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
            if (overlap > 1e-12)
            {
                list.Add(new Tap(s, (float)(overlap / scale)));
            }
        }

        return list.ToArray();
    }

    private static Tap[] BilinearTaps(int t, double scale, int sourceLength)
    {
        double centre = Math.Clamp((t + 0.5) * scale - 0.5, 0.0, sourceLength - 1);
        int left = (int)Math.Floor(centre);
        double fraction = centre - left;
        if (left + 1 >= sourceLength || fraction < 1e-12)
        {
            return [new Tap(left, 1f)];
        }

        return [new Tap(left, (float)(1.0 - fraction)), new Tap(left + 1, (float)fraction)];
    }

    internal readonly record struct Tap(int Index, float Weight);
}
