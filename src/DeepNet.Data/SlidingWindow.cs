using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>
/// Reconstructs a whole image patch by patch: every size×size window at the given stride (plus a last window flush with
/// the right and bottom edges, so every pixel is covered) goes through a patch function in batches, and each output
/// pixel is the mean of all window outputs covering it.
/// </summary>
public static class SlidingWindow
{
    public const int DefaultBatchSize = 1024;

    /// <summary>Reconstructs <paramref name="image"/> through <paramref name="reconstructPatches"/>.</summary>
    /// <param name="reconstructPatches">
    /// Called with (input, output): input is B × (size·size) windows, one per row, row-major within the window
    /// (B ≤ <paramref name="batchSize"/>); the function fills output (same shape). The matrices are reused between calls.
    /// </param>
    /// <returns>An image of the same size; values are not clamped.</returns>
    public static GrayImage Reconstruct(GrayImage image, int size, int stride, Action<Matrix, Matrix> reconstructPatches, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(reconstructPatches);
        Patches.CheckSize(image, size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);

        int[] xs = Positions(image.Width, size, stride);
        int[] ys = Positions(image.Height, size, stride);
        long windows = (long)xs.Length * ys.Length;
        int features = size * size;
        int batch = (int)Math.Min(batchSize, windows);
        if ((long)batch * features > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"A batch of {batch} windows of {size}×{size} does not fit in one matrix.");
        }

        // Sums in double: averaging k identical float values then gives back exactly that value.
        var sums = new double[image.Pixels.Length];
        var counts = new int[image.Pixels.Length];
        var input = new Matrix(batch, features);
        var output = new Matrix(batch, features);
        Matrix? tailInput = null;
        Matrix? tailOutput = null;
        var corners = new (int X, int Y)[batch];

        long next = 0;
        while (next < windows)
        {
            int count = (int)Math.Min(batch, windows - next);
            Matrix batchInput = input;
            Matrix batchOutput = output;
            if (count < batch)
            {
                tailInput ??= new Matrix(count, features);
                tailOutput ??= new Matrix(count, features);
                batchInput = tailInput;
                batchOutput = tailOutput;
            }

            for (int w = 0; w < count; w++)
            {
                long index = next + w;
                corners[w] = (xs[index % xs.Length], ys[index / xs.Length]);
                Patches.Copy(image, corners[w].X, corners[w].Y, size, batchInput.Row(w));
            }

            reconstructPatches(batchInput, batchOutput);

            for (int w = 0; w < count; w++)
            {
                Span<float> patch = batchOutput.Row(w);
                (int x0, int y0) = corners[w];
                for (int v = 0; v < size; v++)
                {
                    int line = (y0 + v) * image.Width + x0;
                    for (int u = 0; u < size; u++)
                    {
                        sums[line + u] += patch[v * size + u];
                        counts[line + u]++;
                    }
                }
            }

            next += count;
        }

        var pixels = new float[sums.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(sums[i] / counts[i]);
        }

        return new GrayImage(image.Width, image.Height, pixels);
    }

    /// <summary>Window start positions along one axis: 0, stride, 2·stride, … and finally length − size if not already reached.</summary>
    internal static int[] Positions(int length, int size, int stride)
    {
        var positions = new List<int>();
        int last = length - size;
        for (int p = 0; p <= last; p += stride)
        {
            positions.Add(p);
            if (p > last - stride)
            {
                break;
            }
        }

        if (positions[^1] != last)
        {
            positions.Add(last);
        }

        return positions.ToArray();
    }
}
