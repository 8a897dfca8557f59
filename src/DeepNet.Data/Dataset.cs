using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>Loaded examples: one image per row of <see cref="Features"/>, with its label.</summary>
public sealed class Dataset
{
    /// <param name="features">Count × (Width·Height), one row-major image per row, values in [0,1].</param>
    /// <param name="labels">Count class labels, one per row of <paramref name="features"/>.</param>
    public Dataset(Matrix features, byte[] labels, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (features.Rows != labels.Length)
        {
            throw new ArgumentException($"Features has {features.Rows} rows but there are {labels.Length} labels.", nameof(labels));
        }

        if (features.Cols != (long)width * height)
        {
            throw new ArgumentException($"Features has {features.Cols} columns, expected {width}×{height} = {(long)width * height}.", nameof(features));
        }

        Features = features;
        Labels = labels;
        Width = width;
        Height = height;
    }

    /// <summary>Count × (Width·Height): row i is image i, row-major (pixel (x, y) at column y·Width + x), values in [0,1].</summary>
    public Matrix Features { get; }

    /// <summary>Count labels; Labels[i] belongs to row i of <see cref="Features"/>.</summary>
    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public int Width { get; }

    public int Height { get; }
}
