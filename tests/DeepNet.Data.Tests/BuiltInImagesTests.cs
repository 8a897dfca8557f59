namespace DeepNet.Data.Tests;

public class BuiltInImagesTests
{
    [Fact]
    public void AtLeastTwoPhotosShipAndTheCatIsOneOfThem()
    {
        Assert.True(BuiltInImages.All.Count >= 2);
        Assert.Contains(BuiltInImages.All, i => i.Name == "chelsea" && i.Title.Contains("cat", StringComparison.OrdinalIgnoreCase));
        Assert.All(BuiltInImages.All, i =>
        {
            Assert.True(i.Licence.Contains("CC0") || i.Licence.Contains("Public domain"), i.Licence);
            Assert.False(string.IsNullOrWhiteSpace(i.Source));
        });
    }

    [Fact]
    public void EveryBuiltInImageDecodesToItsDeclaredSizeInTheUnitRange()
    {
        foreach (BuiltInImageInfo info in BuiltInImages.All)
        {
            GrayImage image = BuiltInImages.Load(info.Name);

            Assert.Equal((info.Width, info.Height), (image.Width, image.Height));
            Assert.All(image.Pixels, v => Assert.InRange(v, 0f, 1f));
            float mean = image.Pixels.Average();
            Assert.InRange(mean, 0.05f, 0.95f);
        }
    }

    [Fact]
    public void LoadReturnsAFreshCopyEachTime()
    {
        GrayImage first = BuiltInImages.Load("chelsea");
        first.Pixels[0] = 42f;

        GrayImage second = BuiltInImages.Load("chelsea");

        Assert.NotEqual(42f, second.Pixels[0]);
    }

    [Fact]
    public void FindAndLoadRejectUnknownNames()
    {
        Assert.Null(BuiltInImages.Find("dog"));
        Assert.NotNull(BuiltInImages.Find("coffee"));
        var ex = Assert.Throws<ArgumentException>(() => BuiltInImages.Load("dog"));
        Assert.Contains("chelsea", ex.Message);
    }
}
