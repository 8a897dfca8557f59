using System.Text;

namespace DeepNet.Data.Tests;

public class ImageDatasetReaderTests
{
    [Fact]
    public void ReadDecodesAndResizesEveryImage()
    {
        byte[] flat = PngTestFiles.Grey(8, 4, (_, _) => 51);
        (string, byte[])[] files = [("cat.png", BuiltInImages.ReadFile("chelsea")), ("rocket.jpg", BuiltInImages.ReadFile("rocket")), ("flat.png", flat)];

        Dataset data = ImageDatasetReader.Read(files, 16);

        Assert.Equal((3, 16, 16, 256), (data.Count, data.Width, data.Height, data.FeatureCount));
        Assert.False(data.HasLabels);
        Assert.All(data.Features.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.All(data.Features.Row(2).ToArray(), v => Assert.Equal(0.2f, v, 5));
    }

    [Fact]
    public void ReadNamesTheImageThatIsNotAnImage()
    {
        (string, byte[])[] files = [("ok.png", PngTestFiles.Grey(2, 2, (_, _) => 0)), ("notes.png", Encoding.UTF8.GetBytes("hello"))];

        var ex = Assert.Throws<DataFormatException>(() => ImageDatasetReader.Read(files, 8));

        Assert.Contains("'notes.png'", ex.Message);
        Assert.Contains("not a PNG or JPEG image", ex.Message);
        Assert.IsType<InvalidImageException>(ex.InnerException);
    }

    [Fact]
    public void ReadRejectsAnEmptyListAndBadSizes()
    {
        Assert.Throws<DataFormatException>(() => ImageDatasetReader.Read([], 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDatasetReader.Read([("a.png", PngTestFiles.Grey(2, 2, (_, _) => 0))], 0));
    }
}
