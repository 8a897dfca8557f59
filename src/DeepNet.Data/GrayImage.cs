using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepNet.Data;

/// <summary>
/// A single-channel image of float intensities, row-major: pixel (x, y) is <c>Pixels[y·Width + x]</c>.
/// Decoded images hold values in [0,1] (0 = black); images built from reconstructions may leave that range,
/// which <see cref="ToPng"/> clamps.
/// </summary>
public sealed class GrayImage
{
    private static readonly PngEncoder _pngEncoder = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit8,
    };

    /// <param name="pixels">height × width intensities, row-major; kept (not copied).</param>
    public GrayImage(int width, int height, float[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"A {width}×{height} image needs {(long)width * height} pixels, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Height × Width intensities, row-major.</summary>
    public float[] Pixels { get; }

    /// <summary>The intensity at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public ref float this[int x, int y] => ref Pixels[checked(y * Width + x)];

    public GrayImage Clone() => new(Width, Height, (float[])Pixels.Clone());

    /// <summary>
    /// A resized copy: each axis is area-averaged when it shrinks (every source pixel counted by its overlap)
    /// and bilinearly interpolated (pixel centres aligned, edges clamped) when it grows; same size = exact copy.
    /// </summary>
    public GrayImage Resize(int width, int height) => ImageResizer.Resize(this, width, height);

    /// <summary>Encodes the image as an 8-bit greyscale PNG; values are clamped to [0,1] (NaN → 0).</summary>
    public byte[] ToPng()
    {
        var grey = new byte[Pixels.Length];
        for (int i = 0; i < grey.Length; i++)
        {
            float v = Pixels[i];
            grey[i] = float.IsNaN(v) ? (byte)0 : (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255f);
        }

        using Image<L8> image = Image.LoadPixelData<L8>(grey, Width, Height);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, _pngEncoder);
        return stream.ToArray();
    }
}
