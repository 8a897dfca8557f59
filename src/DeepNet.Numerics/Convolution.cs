using System.Buffers;

namespace DeepNet.Numerics;

/// <summary>
/// Valid 2-D cross-correlation, the lecture's convolution A_ij = Σ_kl W_kl·X_{i+k, j+l}, computed as im2col + one GEMM.
/// Images, filters and maps are row-major single-channel float32.
/// </summary>
public static class Convolution
{
    /// <summary>Output height × width of a valid correlation: (height − kh + 1) × (width − kw + 1).</summary>
    public static (int Height, int Width) OutputSize(int width, int height, int kh, int kw)
    {
        CheckGeometry(width, height, kh, kw);
        return (height - kh + 1, width - kw + 1);
    }

    /// <summary>Length of the im2col buffer: (kh·kw) × (outHeight·outWidth).</summary>
    public static int ColumnsLength(int width, int height, int kh, int kw)
    {
        (int oh, int ow) = OutputSize(width, height, kh, kw);
        long length = (long)kh * kw * oh * ow;
        return length <= Array.MaxLength
            ? (int)length
            : throw new ArgumentException($"An im2col buffer for a {width}×{height} image and {kh}×{kw} kernels would hold {length} values: too many.");
    }

    /// <summary>
    /// Unfolds every kh×kw window of the image: columns[(k·kw + l), (i·outWidth + j)] = X[i + k, j + l].
    /// </summary>
    /// <param name="image">height × width, row-major.</param>
    /// <param name="columns">(kh·kw) × (outHeight·outWidth), row-major; see <see cref="ColumnsLength"/>.</param>
    public static void Im2Col(ReadOnlySpan<float> image, int width, int height, int kh, int kw, Span<float> columns)
    {
        (int oh, int ow) = OutputSize(width, height, kh, kw);
        CheckLength(image.Length, (long)width * height, nameof(image));
        CheckLength(columns.Length, ColumnsLength(width, height, kh, kw), nameof(columns));
        int outputs = oh * ow;
        for (int k = 0; k < kh; k++)
        {
            for (int l = 0; l < kw; l++)
            {
                Span<float> row = columns.Slice((k * kw + l) * outputs, outputs);
                for (int i = 0; i < oh; i++)
                {
                    image.Slice((i + k) * width + l, ow).CopyTo(row.Slice(i * ow, ow));
                }
            }
        }
    }

    /// <summary>
    /// Correlates the image with every filter: maps[f, i, j] = Σ_kl filters[f, k, l]·X[i + k, j + l] (no padding, stride 1).
    /// Rents its im2col workspace from the shared array pool.
    /// </summary>
    /// <param name="image">height × width, row-major.</param>
    /// <param name="filters">filterCount × kh × kw, each filter row-major (e.g. RBM weight rows reshaped to kh×kw).</param>
    /// <param name="maps">filterCount × (height − kh + 1) × (width − kw + 1), row-major.</param>
    public static void ValidCorrelation(
        ReadOnlySpan<float> image, int width, int height,
        ReadOnlySpan<float> filters, int filterCount, int kh, int kw,
        Span<float> maps)
    {
        int length = ColumnsLength(width, height, kh, kw);
        float[] workspace = ArrayPool<float>.Shared.Rent(length);
        try
        {
            ValidCorrelation(image, width, height, filters, filterCount, kh, kw, maps, workspace.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(workspace);
        }
    }

    /// <summary>As <see cref="ValidCorrelation(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, int, int, Span{float})"/>, with a caller-owned workspace.</summary>
    /// <param name="columns">Im2col workspace of at least <see cref="ColumnsLength"/> values; overwritten.</param>
    public static void ValidCorrelation(
        ReadOnlySpan<float> image, int width, int height,
        ReadOnlySpan<float> filters, int filterCount, int kh, int kw,
        Span<float> maps, Span<float> columns)
    {
        (int oh, int ow) = OutputSize(width, height, kh, kw);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filterCount);
        CheckLength(filters.Length, (long)filterCount * kh * kw, nameof(filters));
        CheckLength(maps.Length, (long)filterCount * oh * ow, nameof(maps));
        int length = ColumnsLength(width, height, kh, kw);
        if (columns.Length < length)
        {
            throw new ArgumentException($"The workspace needs {length} values, got {columns.Length}.", nameof(columns));
        }

        columns = columns[..length];
        Im2Col(image, width, height, kh, kw, columns);
        int outputs = oh * ow;
        int taps = kh * kw;
        Gemm.Multiply(Transpose.No, Transpose.No, filterCount, outputs, taps, 1f, filters, taps, columns, outputs, 0f, maps, outputs);
    }

    private static void CheckGeometry(int width, int height, int kh, int kw)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kh);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kw);
        if (kh > height || kw > width)
        {
            throw new ArgumentException($"A {kh}×{kw} kernel (rows×columns) does not fit in a {height}×{width} image.");
        }
    }

    private static void CheckLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
        }
    }
}
