namespace DeepNet.Data.Tests;

public class GrayImageTests
{
    [Fact]
    public void ConstructorRejectsAPixelArrayOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => new GrayImage(3, 2, new float[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GrayImage(0, 2, []));
    }

    [Fact]
    public void IndexerAddressesColumnThenRow()
    {
        var image = new GrayImage(3, 2, [0, 1, 2, 3, 4, 5]);

        Assert.Equal(5f, image[2, 1]);
        Assert.Equal(1f, image[1, 0]);
    }

    [Fact]
    public void ResizeDownAveragesAreas()
    {
        var image = new GrayImage(4, 2, [0, 1, 2, 3, 4, 5, 6, 7]);

        GrayImage half = image.Resize(2, 1);

        Assert.Equal([(0 + 1 + 4 + 5) / 4f, (2 + 3 + 6 + 7) / 4f], half.Pixels);
    }

    [Fact]
    public void ResizeDownByANonIntegerFactorWeightsPartialPixels()
    {
        var image = new GrayImage(3, 1, [0, 3, 6]);

        GrayImage two = image.Resize(2, 1);

        // Output 0 covers source [0, 1.5): (0·1 + 3·0.5) / 1.5 = 1; output 1 covers [1.5, 3): (3·0.5 + 6) / 1.5 = 5.
        Assert.Equal(1f, two.Pixels[0], 5);
        Assert.Equal(5f, two.Pixels[1], 5);
    }

    [Fact]
    public void ResizeUpInterpolatesBilinearlyWithClampedEdges()
    {
        var image = new GrayImage(2, 1, [0, 1]);

        GrayImage four = image.Resize(4, 1);

        // Centres at source −0.25, 0.25, 0.75, 1.25 → clamped to 0, 0.25, 0.75, 1.
        Assert.Equal([0f, 0.25f, 0.75f, 1f], four.Pixels);
    }

    [Fact]
    public void ResizeKeepsAConstantImageConstantAndSameSizeIsACopy()
    {
        var image = new GrayImage(7, 5, Enumerable.Repeat(0.3f, 35).ToArray());

        Assert.All(image.Resize(3, 11).Pixels, v => Assert.Equal(0.3f, v, 5));
        GrayImage same = image.Resize(7, 5);
        Assert.Equal(image.Pixels, same.Pixels);
        Assert.NotSame(image.Pixels, same.Pixels);
    }
}
