using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepNet.Data.Tests;

public class TileImageTests
{
    // Decode with PNG support only, as the design asks of every decode.
    private static readonly Configuration _pngOnly = new(new PngConfigurationModule());

    private static Image<L8> Decode(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        return Image.Load<L8>(_pngOnly, png);
    }

    private static (byte Min, byte Max) Range(Image<L8> image, int left, int top, int width, int height)
    {
        byte min = 255, max = 0;
        for (int y = top; y < top + height; y++)
        {
            for (int x = left; x < left + width; x++)
            {
                byte v = image[x, y].PackedValue;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return (min, max);
    }

    private static float[] Filters(int count, int size)
    {
        var rng = new Random(7);
        var values = new float[count * size];
        for (int i = 0; i < values.Length; i++)
        {
            // Different scales and offsets per tile: each must still span black to white.
            int tile = i / size;
            values[i] = (float)(rng.NextDouble() - 0.5) * (tile + 1) * 0.01f + tile;
        }

        return values;
    }

    [Fact]
    public void FortyNineSixteenPixelFiltersMakeASevenBySevenGridScaledToAtLeast200Pixels()
    {
        byte[] png = TileImage.RenderFilters(Filters(49, 256), 49, 16, 16);

        using Image<L8> image = Decode(png);
        // 7 tiles × 16 px × 2 + 6 separators.
        Assert.Equal(230, image.Width);
        Assert.Equal(230, image.Height);
        Assert.Equal(PngColorType.Grayscale, image.Metadata.GetPngMetadata().ColorType);
    }

    [Fact]
    public void EachFilterTileIsNormalizedToTheFullGreyRange()
    {
        byte[] png = TileImage.RenderFilters(Filters(49, 256), 49, 16, 16);

        using Image<L8> image = Decode(png);
        for (int t = 0; t < 49; t++)
        {
            (byte min, byte max) = Range(image, (t % 7) * 33, (t / 7) * 33, 32, 32);
            Assert.Equal(0, min);
            Assert.Equal(255, max);
        }
    }

    [Fact]
    public void FilterPixelsFollowTheTileValuesWithNearestNeighbourScaling()
    {
        float[] tile = [-2f, 0f, 1f, 2f];

        using Image<L8> image = Decode(TileImage.RenderFilters(tile, 1, 2, 2));

        // 2 px wide → scaled ×8 (the maximum), 16×16 pixels.
        Assert.Equal(16, image.Width);
        Assert.Equal(0, image[0, 0].PackedValue);
        Assert.Equal(0, image[7, 7].PackedValue);
        Assert.Equal(128, image[8, 0].PackedValue);
        Assert.Equal(191, image[0, 8].PackedValue);
        Assert.Equal(255, image[15, 15].PackedValue);
    }

    [Fact]
    public void ConstantTileIsMidGreyAndSeparatorsAreOnePixelWide()
    {
        float[] tiles = [.. Enumerable.Repeat(0.3f, 100), .. Enumerable.Range(0, 100).Select(i => (float)i)];

        using Image<L8> image = Decode(TileImage.RenderFilters(tiles, 2, 10, 10));

        // 2 columns × 10 px × 8 (the largest scale) + 1 separator.
        Assert.Equal(161, image.Width);
        Assert.Equal(80, image.Height);
        Assert.Equal((128, 128), Range(image, 0, 0, 80, 80));
        Assert.Equal((255, 255), Range(image, 80, 0, 1, 80));
        Assert.Equal((0, 255), Range(image, 81, 0, 80, 80));
    }

    [Fact]
    public void ExplicitColumnsControlTheGridShape()
    {
        using Image<L8> image = Decode(TileImage.RenderFilters(Filters(6, 28 * 28), 6, 28, 28, columns: 3));

        // 3 × 28 px is below 200, so scaled ×3.
        Assert.Equal(3 * 28 * 3 + 2, image.Width);
        Assert.Equal(2 * 28 * 3 + 1, image.Height);
    }

    [Fact]
    public void RenderFiltersRejectsBadArgumentsBeforeRendering()
    {
        var ex = Assert.Throws<ArgumentException>(() => TileImage.RenderFilters(new float[255], 1, 16, 16));
        Assert.Equal("tiles", ex.ParamName);
        Assert.Contains("256", ex.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => TileImage.RenderFilters([], 0, 16, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => TileImage.RenderFilters(new float[16], 1, 0, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => TileImage.RenderFilters(new float[16], 1, 4, 4, columns: -1));
        Assert.Throws<ArgumentException>(() => TileImage.RenderFilters(new float[10000 * 4], 10000, 2, 2, columns: 10000));
    }

    [Fact]
    public void RenderRowsPutsOriginalsAboveReconstructions()
    {
        const int count = 5, width = 28, height = 28, size = width * height;
        float[] top = Enumerable.Repeat(1f, count * size).ToArray();
        float[] bottom = new float[count * size];
        bottom[size - 1] = 2f;   // clamped to white
        top[0] = -1f;            // clamped to black

        using Image<L8> image = Decode(TileImage.RenderRows(top, bottom, count, width, height));

        // 5 × 28 px × 2 + 4 separators wide; two rows of 56 px + 1 separator high.
        Assert.Equal(284, image.Width);
        Assert.Equal(113, image.Height);
        Assert.Equal(0, image[0, 0].PackedValue);
        Assert.Equal((255, 255), Range(image, 2, 0, 54, 56));
        Assert.Equal((0, 0), Range(image, 57, 57, 56, 56));
        Assert.Equal(255, image[55, 112].PackedValue);
        Assert.Equal((0, 255), Range(image, 0, 57, 56, 56));
    }

    [Fact]
    public void RenderRowsMapsGreyLevelsLinearly()
    {
        float[] top = [0f, 0.5f];
        float[] bottom = [0.25f, float.NaN];

        using Image<L8> image = Decode(TileImage.RenderRows(top, bottom, 1, 2, 1));

        int scale = 8;
        Assert.Equal(2 * scale, image.Width);
        Assert.Equal(2 * scale + 1, image.Height);
        Assert.Equal(0, image[0, 0].PackedValue);
        Assert.Equal(128, image[scale, 0].PackedValue);
        Assert.Equal(64, image[0, scale + 1].PackedValue);
        Assert.Equal(0, image[scale, scale + 1].PackedValue);
    }

    [Fact]
    public void RenderRowsRejectsMismatchedShapes()
    {
        var top = new float[3 * 16];
        var ex = Assert.Throws<ArgumentException>(() => TileImage.RenderRows(top, new float[2 * 16], 3, 4, 4));
        Assert.Equal("bottom", ex.ParamName);

        ex = Assert.Throws<ArgumentException>(() => TileImage.RenderRows(new float[2 * 16], top, 3, 4, 4));
        Assert.Equal("top", ex.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>(() => TileImage.RenderRows(top, top, 3, 4, -4));
    }
}
