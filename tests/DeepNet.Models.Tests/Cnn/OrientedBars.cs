using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Cnn;

/// <summary>
/// A synthetic image task a CNN must solve by local orientation: 12×12 images holding one bar of length 5 —
/// horizontal (class 0), vertical (1), diagonal (2) or anti-diagonal (3) — at a random place, plus Gaussian noise.
/// </summary>
internal static class OrientedBars
{
    public const int Size = 12;
    public const int Classes = 4;

    public static (float[] Images, int[] Labels) Generate(int count, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var images = new float[count * Size * Size];
        var labels = new int[count];
        (int dy, int dx)[] directions = [(0, 1), (1, 0), (1, 1), (1, -1)];
        for (int n = 0; n < count; n++)
        {
            int label = rng.NextInt(Classes);
            labels[n] = label;
            Span<float> image = images.AsSpan(n * Size * Size, Size * Size);
            for (int i = 0; i < image.Length; i++)
            {
                image[i] = 0.15f * rng.NextGaussian();
            }

            (int dy, int dx) = directions[label];
            int y0 = rng.NextInt(Size - 4 * dy);
            int x0 = dx >= 0 ? rng.NextInt(Size - 4 * dx) : 4 + rng.NextInt(Size - 4);
            for (int t = 0; t < 5; t++)
            {
                image[(y0 + t * dy) * Size + x0 + t * dx] += 1f;
            }
        }

        return (images, labels);
    }
}
