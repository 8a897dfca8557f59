using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>Builds an unlabelled image data set from PNG/JPEG files: each decoded to greyscale and resized to size×size (aspect ratio not kept).</summary>
public static class ImageDatasetReader
{
    public const int MaxImages = 10_000;

    public const int MaxSize = 256;

    /// <param name="images">The files, in order; Name is only used in error messages.</param>
    /// <param name="size">Side of the square output images, 1..<see cref="MaxSize"/>.</param>
    /// <returns>Count × (size·size) values in [0,1], Width = Height = size, no labels.</returns>
    /// <exception cref="DataFormatException">No images, too many, or one of them is not a valid PNG/JPEG within the decoder's limits (the message names it).</exception>
    public static Dataset Read(IReadOnlyList<(string Name, byte[] Bytes)> images, int size)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (size is < 1 or > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"The image size must be between 1 and {MaxSize}, got {size}.");
        }

        if (images.Count == 0)
        {
            throw new DataFormatException("No images were given.");
        }

        if (images.Count > MaxImages)
        {
            throw new DataFormatException($"{images.Count} images were given; at most {MaxImages} are allowed.");
        }

        var features = new Matrix(images.Count, size * size);
        for (int i = 0; i < images.Count; i++)
        {
            (string name, byte[] bytes) = images[i];
            GrayImage image;
            try
            {
                image = ImageDecoder.Decode(bytes);
            }
            catch (InvalidImageException ex)
            {
                throw new DataFormatException($"Image '{name}': {ex.Message}", ex);
            }

            GrayImage resized = image.Resize(size, size);
            Span<float> row = features.Row(i);
            resized.Pixels.CopyTo(row);

            // Resampling weights sum to 1 only up to rounding; keep the documented [0,1] range exact.
            foreach (ref float v in row)
            {
                v = Math.Clamp(v, 0f, 1f);
            }
        }

        return new Dataset(features, null, size, size);
    }
}
