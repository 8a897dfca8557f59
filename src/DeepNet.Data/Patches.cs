using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>Square patches cut from a <see cref="GrayImage"/>, one patch per matrix row (row-major within the patch).</summary>
public static class Patches
{
    /// <summary>
    /// Cuts <paramref name="count"/> patches at random top-left corners (uniform over every position where the patch fits;
    /// for each patch x = rng.NextInt(Width − size + 1), then y = rng.NextInt(Height − size + 1)).
    /// </summary>
    /// <returns>count × (size·size): row p is patch p, pixel (u, v) of the patch at column v·size + u.</returns>
    public static Matrix Sample(GrayImage image, int size, int count, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        CheckSize(image, size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if ((long)count * size * size > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} patches of {size}×{size} do not fit in one matrix.");
        }

        var patches = new Matrix(count, size * size);
        for (int p = 0; p < count; p++)
        {
            int x = rng.NextInt(image.Width - size + 1);
            int y = rng.NextInt(image.Height - size + 1);
            Copy(image, x, y, size, patches.Row(p));
        }

        return patches;
    }

    /// <summary>Copies the size×size patch whose top-left pixel is (x, y) into <paramref name="destination"/> (size·size values, row-major).</summary>
    public static void Copy(GrayImage image, int x, int y, int size, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(image, size);
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(x, image.Width - size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(y, image.Height - size);
        if (destination.Length != size * size)
        {
            throw new ArgumentException($"A {size}×{size} patch needs {size * size} values, got {destination.Length}.", nameof(destination));
        }

        for (int v = 0; v < size; v++)
        {
            image.Pixels.AsSpan((y + v) * image.Width + x, size).CopyTo(destination.Slice(v * size, size));
        }
    }

    internal static void CheckSize(GrayImage image, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (size > image.Width || size > image.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"A {size}×{size} patch does not fit in a {image.Width}×{image.Height} image.");
        }
    }
}
