namespace DeepNet.Data.Tests;

public class IdxDatasetReaderTests
{
    private static readonly byte[] _pixels = IdxTestFiles.Sequence(3 * 2 * 4);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ReadAcceptsRawAndGzipFilesAndScalesPixels(bool gzipImages, bool gzipLabels)
    {
        byte[] images = IdxTestFiles.File([3, 2, 4], _pixels);
        byte[] labels = IdxTestFiles.File([3], [7, 1, 9]);
        if (gzipImages)
        {
            images = IdxTestFiles.Gzip(images);
        }

        if (gzipLabels)
        {
            labels = IdxTestFiles.Gzip(labels);
        }

        Dataset data = IdxDatasetReader.Read(new ForwardOnlyStream(images), new MemoryStream(labels));

        Assert.Equal((3, 4, 2), (data.Count, data.Width, data.Height));
        Assert.Equal(_pixels.Select(p => p / 255f), data.Features.Data);
        Assert.Equal([7, 1, 9], data.Labels);
    }

    [Fact]
    public void ReadWithoutLabelsGivesAnUnlabelledDataSet()
    {
        Dataset data = IdxDatasetReader.Read(new MemoryStream(IdxTestFiles.File([3, 2, 4], _pixels)), null);

        Assert.False(data.HasLabels);
        Assert.Empty(data.Labels);
    }

    [Fact]
    public void ReadAcceptsTwoDimensionalVectors()
    {
        Dataset data = IdxDatasetReader.Read(new MemoryStream(IdxTestFiles.File([6, 4], _pixels)), null);

        Assert.Equal((6, 4, 0), (data.Count, data.FeatureCount, data.Width));
    }

    [Fact]
    public void ReadRejectsALabelCountThatDiffersFromTheImageCount()
    {
        var ex = Assert.Throws<DataFormatException>(() => IdxDatasetReader.Read(
            new MemoryStream(IdxTestFiles.File([3, 2, 4], _pixels)), new MemoryStream(IdxTestFiles.File([2], [1, 2]))));

        Assert.Contains("3 images", ex.Message);
        Assert.Contains("2 labels", ex.Message);
    }

    [Fact]
    public void ReadRejectsAWrongMagicNumber()
    {
        byte[] file = [.. IdxTestFiles.RawHeader(0x12, 0x34, 0x08, 3, 3, 2, 4), .. _pixels];

        var ex = Assert.Throws<DataFormatException>(() => IdxDatasetReader.Read(new MemoryStream(file), null));

        Assert.Contains("images file", ex.Message);
        Assert.Contains("magic", ex.Message);
    }

    [Fact]
    public void ReadRejectsTruncatedFilesRawAndGzip()
    {
        byte[] file = IdxTestFiles.File([3, 2, 4], _pixels)[..^5];
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => IdxDatasetReader.Read(new MemoryStream(file), null)).Message);

        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.File([3, 2, 4], _pixels));
        var ex = Assert.Throws<DataFormatException>(() => IdxDatasetReader.Read(new MemoryStream(gz[..(gz.Length / 2)]), null));
        Assert.Contains("gzip", ex.Message);
    }

    [Fact]
    public void ReadRejectsDimensionsWhoseProductOverflowsOrExceedsTheLimit()
    {
        byte[] huge = IdxTestFiles.Header(0x08, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF);
        Assert.Contains("overflow", Assert.Throws<DataFormatException>(() => IdxDatasetReader.Read(new MemoryStream(huge), null)).Message);

        byte[] big = IdxTestFiles.Header(0x08, 100_000, 1000, 1000);
        Assert.Contains("maximum", Assert.Throws<DataFormatException>(() => IdxDatasetReader.Read(new MemoryStream(big), null)).Message);
    }

    [Fact]
    public void ReadRejectsEmptyFilesAndOneDimensionalImages()
    {
        Assert.Contains("images file is empty", Assert.Throws<DataFormatException>(() => IdxDatasetReader.Read(new MemoryStream(), null)).Message);
        Assert.Contains("labels file is empty", Assert.Throws<DataFormatException>(() =>
            IdxDatasetReader.Read(new MemoryStream(IdxTestFiles.File([3, 2, 4], _pixels)), new MemoryStream())).Message);
        Assert.Contains("expected N×height×width", Assert.Throws<DataFormatException>(() =>
            IdxDatasetReader.Read(new MemoryStream(IdxTestFiles.File([4], [1, 2, 3, 4])), null)).Message);
    }
}
