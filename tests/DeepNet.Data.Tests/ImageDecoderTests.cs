using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepNet.Data.Tests;

public class ImageDecoderTests
{
    private static byte[] EncodeRgb(Rgb24[] pixels, int width, int height, bool jpeg = false)
    {
        using Image<Rgb24> image = Image.LoadPixelData<Rgb24>(pixels, width, height);
        using var stream = new MemoryStream();
        if (jpeg)
        {
            image.SaveAsJpeg(stream);
        }
        else
        {
            image.SaveAsPng(stream);
        }

        return stream.ToArray();
    }

    [Fact]
    public void DecodeReadsAHandBuiltGreyscalePngExactly()
    {
        byte[] png = PngTestFiles.Grey(5, 3, (x, y) => (byte)(x * 50 + y));

        GrayImage image = ImageDecoder.Decode(png);

        Assert.Equal((5, 3), (image.Width, image.Height));
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                Assert.Equal((x * 50 + y) / 255f, image[x, y], 6);
            }
        }
    }

    [Fact]
    public void DecodeConvertsColourToRec601Luma()
    {
        Rgb24[] pixels = [new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(255, 255, 255), new(10, 200, 30), new(0, 0, 0)];

        GrayImage image = ImageDecoder.Decode(EncodeRgb(pixels, 3, 2));

        Assert.Equal(0.299f, image.Pixels[0], 5);
        Assert.Equal(0.587f, image.Pixels[1], 5);
        Assert.Equal(0.114f, image.Pixels[2], 5);
        Assert.Equal(1f, image.Pixels[3], 5);
        Assert.Equal((0.299f * 10 + 0.587f * 200 + 0.114f * 30) / 255f, image.Pixels[4], 5);
        Assert.Equal(0f, image.Pixels[5]);
    }

    [Fact]
    public void DecodeReadsJpeg()
    {
        var pixels = Enumerable.Repeat(new Rgb24(128, 128, 128), 16 * 8).ToArray();

        GrayImage image = ImageDecoder.Decode(EncodeRgb(pixels, 16, 8, jpeg: true));

        Assert.Equal((16, 8), (image.Width, image.Height));
        Assert.All(image.Pixels, v => Assert.InRange(v, 0.48f, 0.53f));
    }

    [Fact]
    public void DecodeRejectsATextFileRenamedPng()
    {
        byte[] text = Encoding.UTF8.GetBytes("this is not an image, just text saved as cat.png\n");

        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(text));

        Assert.Contains("not a PNG or JPEG image", ex.Message);
    }

    [Fact]
    public void DecodeRejectsGifAndBmpAsNotPngOrJpeg()
    {
        Assert.Contains("not a PNG or JPEG", Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode("GIF89a\x01\x00\x01\x00"u8)).Message);
        Assert.Contains("not a PNG or JPEG", Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode("BM\0\0\0\0\0\0"u8)).Message);
    }

    [Fact]
    public void DecodeRejectsAnEmptyFile()
    {
        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode([]));

        Assert.Contains("empty", ex.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DecodeRejectsAPngClaiming100000By100000BeforeDecoding(bool withEnd)
    {
        // A valid signature and IHDR (correct CRC) but no pixel data at all: only the header can be read.
        byte[] png = withEnd
            ? [.. PngTestFiles.Signature, .. PngTestFiles.Ihdr(100_000, 100_000), .. PngTestFiles.Chunk("IEND", [])]
            : [.. PngTestFiles.Signature, .. PngTestFiles.Ihdr(100_000, 100_000)];

        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png));

        Assert.Contains("100000×100000", ex.Message);
        Assert.Contains("4096×4096", ex.Message);
    }

    [Fact]
    public void DecodeRejectsOneSideOverTheLimitEvenWhenThePixelCountIsSmall()
    {
        byte[] png = [.. PngTestFiles.Signature, .. PngTestFiles.Ihdr(5000, 10), .. PngTestFiles.Chunk("IEND", [])];

        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png));

        Assert.Contains("5000×10", ex.Message);
    }

    [Fact]
    public void DecodeRejectsATruncatedPng()
    {
        byte[] png = BuiltInImages.ReadFile("chelsea");
        byte[] truncated = png[..(png.Length / 2)];

        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(truncated));

        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void DecodeRejectsAPngWithoutIendAsTruncated()
    {
        byte[] png = PngTestFiles.Grey(4, 4, (x, y) => 7);
        byte[] cut = png[..^12];

        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(cut));

        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void DecodeRejectsAPngWithACorruptedChunk()
    {
        byte[] png = PngTestFiles.Grey(4, 4, (x, y) => (byte)(x + y));
        png[8 + 25 + 10] ^= 0xFF; // a byte inside the IDAT data

        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png));

        Assert.Contains("CRC", ex.Message);
    }

    [Fact]
    public void DecodeTurnsDecoderFailuresIntoInvalidImageException()
    {
        // Well-formed chunks whose IDAT is not zlib data: only the decoder itself can notice.
        byte[] png = [.. PngTestFiles.Signature, .. PngTestFiles.Ihdr(4, 4), .. PngTestFiles.Chunk("IDAT", [1, 2, 3, 4, 5, 6, 7]), .. PngTestFiles.Chunk("IEND", [])];

        var ex = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void DecodeRejectsAJpegHeaderWithNothingBehindIt()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0];

        Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(jpeg));
    }

    [Fact]
    public void ToPngRoundTripsThroughDecode()
    {
        var image = new GrayImage(3, 2, [0f, 0.5f, 1f, 2f, -1f, 0.25f]);

        GrayImage back = ImageDecoder.Decode(image.ToPng());

        Assert.Equal([0f, 128 / 255f, 1f, 1f, 0f, 64 / 255f], back.Pixels);
    }
}
