using DeepNet.Numerics;

namespace DeepNet.Data.Tests;

public class PatchTests
{
    // Pixel (x, y) holds x + 1000·y, so a patch's values reveal where it came from.
    private static GrayImage Coordinates(int width, int height)
    {
        var pixels = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                pixels[y * width + x] = x + 1000 * y;
            }
        }

        return new GrayImage(width, height, pixels);
    }

    [Fact]
    public void SampleCutsContiguousPatchesThatFitInsideTheImage()
    {
        GrayImage image = Coordinates(23, 17);

        Matrix patches = Patches.Sample(image, 5, 200, new Xoshiro256StarStar(3));

        Assert.Equal((200, 25), (patches.Rows, patches.Cols));
        var corners = new HashSet<(int, int)>();
        for (int p = 0; p < patches.Rows; p++)
        {
            int x0 = (int)patches[p, 0] % 1000;
            int y0 = (int)patches[p, 0] / 1000;
            Assert.InRange(x0, 0, 23 - 5);
            Assert.InRange(y0, 0, 17 - 5);
            corners.Add((x0, y0));
            for (int v = 0; v < 5; v++)
            {
                for (int u = 0; u < 5; u++)
                {
                    Assert.Equal(x0 + u + 1000 * (y0 + v), patches[p, v * 5 + u]);
                }
            }
        }

        Assert.True(corners.Count > 100, $"only {corners.Count} distinct corners");
        Assert.Contains(corners, c => c.Item1 == 18);
        Assert.Contains(corners, c => c.Item2 == 12);
    }

    [Fact]
    public void SampleIsDeterministicForASeed()
    {
        GrayImage image = BuiltInImages.Load("chelsea");

        Matrix a = Patches.Sample(image, 10, 50, new Xoshiro256StarStar(9));
        Matrix b = Patches.Sample(image, 10, 50, new Xoshiro256StarStar(9));

        Assert.Equal(a.Data, b.Data);
    }

    [Fact]
    public void SampleRejectsPatchesLargerThanTheImage()
    {
        GrayImage image = Coordinates(8, 6);

        Assert.Throws<ArgumentOutOfRangeException>(() => Patches.Sample(image, 7, 1, new Xoshiro256StarStar(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Patches.Sample(image, 3, 0, new Xoshiro256StarStar(1)));
    }
}
