using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>
/// Loaded examples: one per row of <see cref="Features"/>, with optional labels. Image data sets have a
/// <see cref="Width"/> and <see cref="Height"/> (Features.Cols = Width·Height); others have 0 for both.
/// </summary>
public sealed class Dataset
{
    /// <param name="features">Count × features, one example per row (an image row-major when width and height are given).</param>
    /// <param name="labels">Count class labels, one per row of <paramref name="features"/>, or null when the data set is unlabelled.</param>
    /// <param name="width">Image width, or 0 (together with <paramref name="height"/>) when the rows are not images.</param>
    /// <param name="height">Image height, or 0 when the rows are not images.</param>
    public Dataset(Matrix features, byte[]? labels, int width = 0, int height = 0)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (labels is not null && features.Rows != labels.Length)
        {
            throw new ArgumentException($"Features has {features.Rows} rows but there are {labels.Length} labels.", nameof(labels));
        }

        if ((width == 0) != (height == 0))
        {
            throw new ArgumentException($"Width and height must both be positive (images) or both be 0, got {width}×{height}.", nameof(width));
        }

        if (width > 0 && features.Cols != (long)width * height)
        {
            throw new ArgumentException($"Features has {features.Cols} columns, expected {width}×{height} = {(long)width * height}.", nameof(features));
        }

        Features = features;
        HasLabels = labels is not null;
        Labels = labels ?? [];
        Width = width;
        Height = height;
    }

    /// <summary>
    /// Count × features. For images, row i is image i, row-major (pixel (x, y) at column y·Width + x); MNIST and
    /// image uploads hold values in [0,1], CSV data sets hold the values as given.
    /// </summary>
    public Matrix Features { get; }

    /// <summary>Count labels (Labels[i] belongs to row i) when <see cref="HasLabels"/>; empty otherwise.</summary>
    public byte[] Labels { get; }

    public bool HasLabels { get; }

    public int Count => Features.Rows;

    /// <summary>Values per example (Features.Cols).</summary>
    public int FeatureCount => Features.Cols;

    /// <summary>Image width, or 0 when the examples are not images.</summary>
    public int Width { get; }

    /// <summary>Image height, or 0 when the examples are not images.</summary>
    public int Height { get; }

    public bool IsImages => Width > 0;
}
