namespace DeepNet.Numerics;

/// <summary>A dense row-major float32 matrix: element (r, c) is at <c>Data[r * Cols + c]</c>.</summary>
public sealed class Matrix
{
    /// <summary>Allocates a zero-filled <paramref name="rows"/>×<paramref name="cols"/> matrix.</summary>
    public Matrix(int rows, int cols)
        : this(rows, cols, new float[ElementCount(rows, cols)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (length rows·cols, row-major) without copying.</summary>
    public Matrix(int rows, int cols, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)rows * cols)
        {
            throw new ArgumentException($"Expected {rows}×{cols} = {(long)rows * cols} elements, got {data.Length}.", nameof(data));
        }

        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>The row-major backing store, length Rows·Cols.</summary>
    public float[] Data { get; }

    public int Length => Data.Length;

    public ref float this[int row, int col] => ref Data[row * Cols + col];

    public Span<float> AsSpan() => Data;

    /// <summary>Row <paramref name="row"/> as a span of length Cols.</summary>
    public Span<float> Row(int row) => Data.AsSpan(row * Cols, Cols);

    /// <summary>Rows [start, start+count) as one contiguous span of length count·Cols.</summary>
    public Span<float> RowRange(int start, int count) => Data.AsSpan(start * Cols, count * Cols);

    public Matrix Clone() => new(Rows, Cols, (float[])Data.Clone());

    /// <summary>Rows <paramref name="start"/>..start+count as a new count × Cols matrix.</summary>
    public Matrix CopyRows(int start, int count)
    {
        var rows = new Matrix(count, Cols);
        RowRange(start, count).CopyTo(rows.Data);
        return rows;
    }

    /// <summary>The first <paramref name="count"/> rows (all of them when there are fewer) as a new matrix.</summary>
    public Matrix FirstRows(int count) => CopyRows(0, Math.Min(count, Rows));

    private static int ElementCount(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        return checked(rows * cols);
    }
}
