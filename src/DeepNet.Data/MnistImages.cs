namespace DeepNet.Data;

/// <summary>One decoded MNIST split: <see cref="Count"/> images of <see cref="Height"/>×<see cref="Width"/> bytes, row-major, and their labels.</summary>
internal sealed class MnistImages
{
    public MnistImages(byte[] pixels, byte[] labels, int width, int height)
    {
        Pixels = pixels;
        Labels = labels;
        Width = width;
        Height = height;
    }

    /// <summary>Count·Height·Width grey levels 0..255 (0 = background), image-major then row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Digits 0..9, one per image.</summary>
    public byte[] Labels { get; }

    public int Width { get; }

    public int Height { get; }

    public int Count => Labels.Length;

    public int PixelsPerImage => Width * Height;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
}
