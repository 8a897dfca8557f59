namespace DeepNet.Data;

/// <summary>
/// A decoded IDX array of unsigned bytes: <see cref="Dimensions"/> in file order (outermost first) and
/// <see cref="Data"/> in row-major order, length = product of the dimensions.
/// </summary>
public sealed class IdxArray
{
    public IdxArray(int[] dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(data);
        if (dimensions.Length is < 1 or > IdxReader.MaxDimensions)
        {
            throw new ArgumentException($"An IDX array has 1 to {IdxReader.MaxDimensions} dimensions, got {dimensions.Length}.", nameof(dimensions));
        }

        long count = 1;
        foreach (int d in dimensions)
        {
            if (d <= 0)
            {
                throw new ArgumentException($"Every dimension must be positive, got {string.Join('×', dimensions)}.", nameof(dimensions));
            }

            count = checked(count * d);
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Dimensions {string.Join('×', dimensions)} = {count} elements, but data holds {data.Length}.", nameof(data));
        }

        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>Dimension sizes, outermost first (e.g. [60000, 28, 28] for MNIST training images).</summary>
    public int[] Dimensions { get; }

    /// <summary>Row-major elements, length = product of <see cref="Dimensions"/>.</summary>
    public byte[] Data { get; }
}
