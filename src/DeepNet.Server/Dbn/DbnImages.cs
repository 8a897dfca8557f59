using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Server.Dbn;

/// <summary>
/// The images of a DBN job, named by kind: "filters" (layer-1 weights as pixels), "features-2".."features-8"
/// (higher-layer units projected to pixel space), "confusion" and "misclassified" (classifiers, after fine-tuning).
/// </summary>
public static class DbnImageKinds
{
    public const string Filters = "filters";
    public const string Confusion = "confusion";
    public const string Misclassified = "misclassified";
    public const string FeaturesPrefix = "features-";

    /// <summary>Every kind a DBN job may render: filters, features-2..features-8, confusion, misclassified.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Filters, .. Enumerable.Range(2, DbnSpecValidator.MaxLayers - 1).Select(Features), Confusion, Misclassified];

    /// <summary>"features-{layer}" for a 1-based hidden layer ≥ 2.</summary>
    public static string Features(int layer) => $"{FeaturesPrefix}{layer}";

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);
}

/// <summary>Renders DBN weights and results to PNG with <see cref="TileImage"/>.</summary>
public static class DbnImages
{
    /// <summary>Units shown per layer image (the first ones).</summary>
    public const int MaxTiles = 100;

    /// <summary>Misclassified test digits shown.</summary>
    public const int MaxMisclassified = 50;

    /// <summary>
    /// The first units of hidden layer <c>weights.Count</c> (1-based) as pixel images: the rows of
    /// W_L·W_(L−1)·…·W_1 (each W hidden×below, only the columns of the units below, so label units are dropped),
    /// normalized per tile. For one layer that is the filters themselves.
    /// </summary>
    /// <param name="weights">Bottom first: W_1 (H1×inputs), W_2 (H2×≥H1), … .</param>
    public static byte[] RenderProjection(IReadOnlyList<Matrix> weights, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfZero(weights.Count);
        Matrix top = weights[^1];
        int tiles = Math.Min(MaxTiles, top.Rows);
        int below = weights.Count == 1 ? width * height : weights[^2].Rows;
        var current = new Matrix(tiles, below);
        for (int r = 0; r < tiles; r++)
        {
            top.Row(r)[..below].CopyTo(current.Row(r));
        }

        for (int l = weights.Count - 2; l >= 0; l--)
        {
            Matrix w = weights[l];
            int cols = l == 0 ? width * height : weights[l - 1].Rows;
            var next = new Matrix(tiles, cols);
            // current (tiles×rows of W_l) · W_l[:, :cols]
            Gemm.Multiply(Transpose.No, Transpose.No, tiles, cols, w.Rows, 1f, current.Data, current.Cols, w.Data, w.Cols, 0f, next.Data, cols);
            current = next;
        }

        return TileImage.RenderFilters(current.Data, tiles, width, height, Math.Min(10, tiles));
    }

    /// <summary>The stack's weights bottom first, for <see cref="RenderProjection"/> up to layer <c>layers.Count</c>.</summary>
    public static IReadOnlyList<Matrix> Weights(IEnumerable<Rbm> layers) => layers.Select(r => r.Weights).ToList();

    /// <summary>The hidden layers' weights of an unrolled network (the softmax layer excluded).</summary>
    public static IReadOnlyList<Matrix> Weights(DenseSigmoidNetwork network) =>
        Enumerable.Range(0, network.LayerCount - 1).Select(network.Weights).ToList();

    /// <summary>The confusion matrix as a heat map: one grey cell per (true row, predicted column), the fraction of the row's digits.</summary>
    public static byte[] RenderConfusion(int[,] confusion)
    {
        int classes = confusion.GetLength(0);
        var cells = new float[classes * classes];
        for (int t = 0; t < classes; t++)
        {
            int total = 0;
            for (int p = 0; p < classes; p++)
            {
                total += confusion[t, p];
            }

            for (int p = 0; p < classes; p++)
            {
                // sqrt so the few confusions next to a full diagonal are still visible.
                cells[t * classes + p] = total == 0 ? 0 : MathF.Sqrt((float)confusion[t, p] / total);
            }
        }

        return TileImage.RenderFilters(cells, 1, classes, classes);
    }

    /// <summary>Up to <see cref="MaxMisclassified"/> misclassified rows as a grid, 10 per row; returns the indices shown.</summary>
    public static (byte[]? Png, IReadOnlyList<int> Indices) RenderMisclassified(Matrix data, int[] labels, int[] predicted, int width, int height)
    {
        var indices = Enumerable.Range(0, labels.Length).Where(i => predicted[i] != labels[i]).Take(MaxMisclassified).ToList();
        if (indices.Count == 0)
        {
            return (null, indices);
        }

        var tiles = new float[indices.Count * width * height];
        for (int i = 0; i < indices.Count; i++)
        {
            data.Row(indices[i]).CopyTo(tiles.AsSpan(i * width * height, width * height));
        }

        return (TileImage.RenderFilters(tiles, indices.Count, width, height, Math.Min(10, indices.Count)), indices);
    }

    /// <summary>Generated frames: one tile per chain, 10 per row.</summary>
    public static byte[] RenderFrame(Matrix pixels, int width, int height) =>
        TileImage.RenderFilters(pixels.Data, pixels.Rows, width, height, Math.Min(10, pixels.Rows));
}
