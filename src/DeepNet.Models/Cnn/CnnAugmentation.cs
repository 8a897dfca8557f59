using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>
/// Small random affine distortions of training images (LeCun et al. 1998, Simard et al. 2003): per sample a rotation
/// uniform in ±<paramref name="RotationDegrees"/>, a scale uniform in 1 ± <paramref name="Scale"/> and a shift uniform in
/// ±<paramref name="Shift"/> pixels along each axis, about the image centre. All zero is the identity.
/// </summary>
/// <param name="RotationDegrees">Largest rotation in degrees, [0, 180].</param>
/// <param name="Scale">Largest relative change of size, [0, 0.5].</param>
/// <param name="Shift">Largest translation in pixels per axis, [0, 8].</param>
public sealed record CnnAugmentation(float RotationDegrees = 10f, float Scale = 0.1f, float Shift = 2f)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!(RotationDegrees >= 0f && RotationDegrees <= 180f))
        {
            throw new ArgumentException("augmentation.rotation must be in [0, 180] degrees.", nameof(RotationDegrees));
        }

        if (!(Scale >= 0f && Scale <= 0.5f))
        {
            throw new ArgumentException("augmentation.scale must be in [0, 0.5].", nameof(Scale));
        }

        if (!(Shift >= 0f && Shift <= 8f))
        {
            throw new ArgumentException("augmentation.shift must be in [0, 8] pixels.", nameof(Shift));
        }
    }
}

/// <summary>
/// Applies <see cref="CnnAugmentation"/> to batches in place: four uniforms per sample from the given generator (angle,
/// scale, shift x, shift y, in that order), bilinear resampling by the inverse map, zero outside the image; every channel
/// of a sample gets the same transform. Allocates one image of scratch at construction and nothing per batch.
/// </summary>
public sealed class AffineDistortion
{
    private readonly TensorShape _shape;
    private readonly CnnAugmentation _augmentation;
    private readonly float[] _scratch;

    public AffineDistortion(TensorShape shape, CnnAugmentation augmentation)
    {
        ArgumentNullException.ThrowIfNull(augmentation);
        augmentation.Validate();
        _shape = shape;
        _augmentation = augmentation;
        _scratch = new float[shape.Height * shape.Width];
    }

    public CnnAugmentation Augmentation => _augmentation;

    /// <summary>Distorts <paramref name="count"/> samples of <paramref name="batch"/> (count × C×H×W, NCHW) in place.</summary>
    public void Apply(Span<float> batch, int count, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int size = _shape.Size;
        if (count < 0 || batch.Length < count * size)
        {
            throw new ArgumentException($"Expected {count} samples of {_shape}, got {batch.Length} values.", nameof(batch));
        }

        for (int n = 0; n < count; n++)
        {
            float angle = (2f * rng.NextFloat() - 1f) * _augmentation.RotationDegrees * (MathF.PI / 180f);
            float scale = 1f + (2f * rng.NextFloat() - 1f) * _augmentation.Scale;
            float shiftX = (2f * rng.NextFloat() - 1f) * _augmentation.Shift;
            float shiftY = (2f * rng.NextFloat() - 1f) * _augmentation.Shift;
            Transform(batch.Slice(n * size, size), angle, scale, shiftX, shiftY);
        }
    }

    /// <summary>
    /// Resamples one sample (C×H×W) in place: output pixel p takes the input at A⁻¹(p − c − t) + c, where A rotates by
    /// <paramref name="angle"/> radians and scales by <paramref name="scale"/>, c is the centre and t the shift.
    /// </summary>
    public void Transform(Span<float> sample, float angle, float scale, float shiftX, float shiftY)
    {
        int height = _shape.Height;
        int width = _shape.Width;
        int plane = height * width;
        if (sample.Length != _shape.Size)
        {
            throw new ArgumentException($"Expected one sample of {_shape}, got {sample.Length} values.", nameof(sample));
        }

        if (angle == 0f && scale == 1f && shiftX == 0f && shiftY == 0f)
        {
            return;
        }

        // Inverse of rotate-then-scale: rotate by −angle, divide by scale.
        float cos = MathF.Cos(angle) / scale;
        float sin = MathF.Sin(angle) / scale;
        float cx = (width - 1) * 0.5f;
        float cy = (height - 1) * 0.5f;
        Span<float> source = _scratch;
        for (int c = 0; c < _shape.Channels; c++)
        {
            Span<float> image = sample.Slice(c * plane, plane);
            image.CopyTo(source);
            for (int y = 0; y < height; y++)
            {
                float v = y - cy - shiftY;
                for (int x = 0; x < width; x++)
                {
                    float u = x - cx - shiftX;
                    float sx = cos * u + sin * v + cx;
                    float sy = -sin * u + cos * v + cy;
                    image[y * width + x] = Bilinear(source, width, height, sx, sy);
                }
            }
        }
    }

    private static float Bilinear(ReadOnlySpan<float> image, int width, int height, float x, float y)
    {
        if (!(x > -1f && y > -1f && x < width && y < height))
        {
            return 0f;
        }

        int x0 = (int)MathF.Floor(x);
        int y0 = (int)MathF.Floor(y);
        float fx = x - x0;
        float fy = y - y0;
        float p00 = Pixel(image, width, height, x0, y0);
        float p10 = Pixel(image, width, height, x0 + 1, y0);
        float p01 = Pixel(image, width, height, x0, y0 + 1);
        float p11 = Pixel(image, width, height, x0 + 1, y0 + 1);
        float top = p00 + fx * (p10 - p00);
        float bottom = p01 + fx * (p11 - p01);
        return top + fy * (bottom - top);
    }

    private static float Pixel(ReadOnlySpan<float> image, int width, int height, int x, int y) =>
        (uint)x < (uint)width && (uint)y < (uint)height ? image[y * width + x] : 0f;
}
