using System.Buffers.Binary;
using DeepNet.Numerics;

namespace DeepNet.Data.Tests;

public class DatasetFileTests
{
    private static Dataset Sample(bool labelled, int width = 3, int height = 2) =>
        new(new Matrix(2, 6, [0f, 0.5f, 1f, -2f, 3.25f, 1e-7f, 9f, 8f, 7f, 6f, 5f, 4f]), labelled ? [4, 9] : null, width, height);

    [Theory]
    [InlineData(true, 3, 2)]
    [InlineData(false, 3, 2)]
    [InlineData(true, 0, 0)]
    public void SaveThenLoadGivesBackTheSameDataSet(bool labelled, int width, int height)
    {
        Dataset original = Sample(labelled, width, height);

        Dataset loaded = DatasetFile.Load(DatasetFile.Save(original));

        Assert.Equal(original.Features.Data, loaded.Features.Data);
        Assert.Equal((original.Count, original.FeatureCount, original.Width, original.Height), (loaded.Count, loaded.FeatureCount, loaded.Width, loaded.Height));
        Assert.Equal(original.HasLabels, loaded.HasLabels);
        Assert.Equal(original.Labels, loaded.Labels);
    }

    [Fact]
    public void SaveWritesTheDocumentedHeader()
    {
        byte[] bytes = DatasetFile.Save(Sample(true));

        Assert.Equal("DNDS"u8.ToArray(), bytes[..4]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(6, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(DatasetFile.HeaderBytes + 12 * 4 + 2, bytes.Length);
    }

    [Fact]
    public void ValuesThatAreAllSomeByteOver255AreStoredAsOneByteEachAndLoadBitForBit()
    {
        var pixels = Enumerable.Range(0, 12).Select(k => (byte)(k * 21)).ToArray();
        var original = new Dataset(new Matrix(2, 6, pixels.Select(b => b / 255f).ToArray()), [4, 9], 3, 2);

        byte[] bytes = DatasetFile.Save(original);
        Dataset loaded = DatasetFile.Load(bytes);

        Assert.True(DatasetFile.HasByteValues(original));
        Assert.Equal(DatasetFile.HeaderBytes + 12 + 2, bytes.Length);
        Assert.Equal(DatasetFile.LengthOf(original), bytes.Length);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(pixels, bytes[DatasetFile.HeaderBytes..^2]);
        Assert.Equal(original.Features.Data, loaded.Features.Data);
        Assert.Equal(original.Labels, loaded.Labels);
        Assert.False(DatasetFile.HasByteValues(Sample(false)));
        Assert.False(DatasetFile.HasByteValues(new Dataset(new Matrix(1, 2, [0.5f, -0f]), null)));
    }

    [Fact]
    public void LoadRejectsTruncatedTrailingAndForeignBlobs()
    {
        byte[] good = DatasetFile.Save(Sample(true));

        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => DatasetFile.Load(good[..^1])).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => DatasetFile.Load(good[..10])).Message);
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => DatasetFile.Load([.. good, 0])).Message);
        byte[] foreign = (byte[])good.Clone();
        foreign[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => DatasetFile.Load(foreign)).Message);
    }

    [Fact]
    public void LoadRejectsUnknownVersionsInconsistentHeadersAndNaN()
    {
        byte[] good = DatasetFile.Save(Sample(false));

        byte[] version = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(version.AsSpan(4), 2);
        Assert.Contains("version 2", Assert.Throws<InvalidDataException>(() => DatasetFile.Load(version)).Message);

        byte[] shape = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(shape.AsSpan(16), 5);
        Assert.Contains("5×2", Assert.Throws<InvalidDataException>(() => DatasetFile.Load(shape)).Message);

        byte[] huge = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(huge.AsSpan(8), int.MaxValue);
        Assert.Throws<InvalidDataException>(() => DatasetFile.Load(huge));

        byte[] nan = (byte[])good.Clone();
        BinaryPrimitives.WriteSingleLittleEndian(nan.AsSpan(DatasetFile.HeaderBytes + 4), float.NaN);
        Assert.Contains("non-finite", Assert.Throws<InvalidDataException>(() => DatasetFile.Load(nan)).Message);
    }
}
