namespace DeepNet.Numerics.Tests;

public class MatrixTests
{
    [Fact]
    public void IndexerAddressesRowMajorStorage()
    {
        var m = new Matrix(2, 3);
        m[1, 2] = 5f;
        m[0, 1] = 2f;
        Assert.Equal([0f, 2f, 0f, 0f, 0f, 5f], m.Data);
        Assert.Equal(6, m.Length);
        Assert.Equal(2, m.Rows);
        Assert.Equal(3, m.Cols);
    }

    [Fact]
    public void RowAndRowRangeAreViewsIntoTheData()
    {
        var m = new Matrix(3, 2, [1, 2, 3, 4, 5, 6]);
        Assert.Equal([3f, 4f], m.Row(1).ToArray());
        Assert.Equal([3f, 4f, 5f, 6f], m.RowRange(1, 2).ToArray());
        m.Row(2)[0] = 50f;
        m.AsSpan()[0] = 10f;
        Assert.Equal(50f, m[2, 0]);
        Assert.Equal(10f, m.Data[0]);
    }

    [Fact]
    public void ConstructorWrapsDataWithoutCopying()
    {
        float[] data = [1, 2, 3, 4];
        var m = new Matrix(2, 2, data);
        Assert.Same(data, m.Data);
    }

    [Fact]
    public void CloneCopiesTheData()
    {
        var m = new Matrix(2, 2, [1, 2, 3, 4]);
        Matrix copy = m.Clone();
        copy[0, 0] = 9f;
        Assert.Equal(1f, m[0, 0]);
        Assert.Equal((2, 2), (copy.Rows, copy.Cols));
        Assert.NotSame(m.Data, copy.Data);
    }

    [Fact]
    public void ConstructorRejectsInconsistentShapes()
    {
        Assert.Throws<ArgumentException>(() => new Matrix(2, 3, new float[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Matrix(-1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Matrix(2, -3, []));
        Assert.Equal(0, new Matrix(0, 5).Length);
    }
}
