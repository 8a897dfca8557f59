using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepNet.Data;

/// <summary>
/// Decodes untrusted PNG and JPEG bytes into a <see cref="GrayImage"/> (Rec. 601 luma, values in [0,1]).
/// Only the PNG and JPEG decoders are registered; the header is identified and the size limits are enforced before
/// any pixel is decoded; PNG chunk structure and CRCs are verified; ImageSharp's allocations are capped; every
/// decoder failure becomes an <see cref="InvalidImageException"/>.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Neither side may exceed this many pixels.</summary>
    public const int MaxSide = 4096;

    /// <summary>At most this many pixels in all (16 Mpixel = 4096×4096).</summary>
    public const long MaxPixels = 16L * 1024 * 1024;

    /// <summary>The ImageSharp allocator refuses any single buffer larger than this.</summary>
    public const int AllocationLimitMegabytes = 256;

    private static readonly byte[] _pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly Configuration _configuration = CreateConfiguration();

    /// <summary>Decodes a PNG or JPEG file to greyscale: Y = (0.299·R + 0.587·G + 0.114·B) / 255 (alpha is ignored).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <returns>An image of Height × Width values in [0,1], row-major.</returns>
    /// <exception cref="InvalidImageException">Empty, not a PNG or JPEG, corrupt, truncated, or over the limits.</exception>
    public static GrayImage Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new InvalidImageException("The file is empty: expected a PNG or JPEG image.");
        }

        bool png = bytes.StartsWith(_pngSignature);
        bool jpeg = bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
        if (!png && !jpeg)
        {
            throw NotPngOrJpeg();
        }

        string format = png ? "PNG" : "JPEG";
        IImageInfo info = Identify(bytes, format);
        CheckLimits(info.Width, info.Height);
        if (png)
        {
            PngStructure.Verify(bytes);
        }

        try
        {
            using Image<Rgb24> image = Image.Load<Rgb24>(_configuration, bytes);
            if (image.Width != info.Width || image.Height != info.Height)
            {
                throw new InvalidImageException(
                    $"The {format} header says {info.Width}×{info.Height} but the decoded image is {image.Width}×{image.Height}: the file is corrupt.");
            }

            return ToGray(image);
        }
        catch (InvalidImageException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Translate(ex, format);
        }
    }

    private static Configuration CreateConfiguration()
    {
        var configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule());
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            AllocationLimitMegabytes = AllocationLimitMegabytes,
        });
        return configuration;
    }

    private static unsafe IImageInfo Identify(ReadOnlySpan<byte> bytes, string format)
    {
        IImageInfo? info;
        try
        {
            fixed (byte* pointer = bytes)
            {
                using var stream = new UnmanagedMemoryStream(pointer, bytes.Length);
                info = Image.Identify(_configuration, stream, out IImageFormat? _);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Translate(ex, format);
        }

        return info ?? throw NotPngOrJpeg();
    }

    private static void CheckLimits(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException($"The image header declares {width}×{height} pixels: the file is corrupt.");
        }

        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
        {
            throw new InvalidImageException(
                $"The image is {width}×{height}; the limit is {MaxSide}×{MaxSide} ({MaxPixels / (1024 * 1024)} Mpixel).");
        }
    }

    private static GrayImage ToGray(Image<Rgb24> image)
    {
        int width = image.Width;
        var pixels = new float[width * image.Height];
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<Rgb24> row = accessor.GetRowSpan(y);
                Span<float> target = pixels.AsSpan(y * width, width);
                for (int x = 0; x < row.Length; x++)
                {
                    Rgb24 p = row[x];
                    target[x] = (0.299f * p.R + 0.587f * p.G + 0.114f * p.B) / 255f;
                }
            }
        });

        // Rounding can push a white pixel a hair above 1; the documented range is [0,1].
        foreach (ref float v in pixels.AsSpan())
        {
            v = Math.Min(v, 1f);
        }

        return new GrayImage(width, image.Height, pixels);
    }

    private static InvalidImageException NotPngOrJpeg() =>
        new("The file is not a PNG or JPEG image (only PNG and JPEG are accepted).");

    private static InvalidImageException Translate(Exception ex, string format) => ex switch
    {
        UnknownImageFormatException => new InvalidImageException(NotPngOrJpeg().Message, ex),
        InvalidMemoryOperationException => new InvalidImageException(
            $"The {format} image needs more memory than the decoder allows ({AllocationLimitMegabytes} MB per buffer).", ex),
        InvalidImageContentException or ImageFormatException => new InvalidImageException(
            $"The {format} image is corrupt or truncated: {ex.Message}", ex),
        NotSupportedException => new InvalidImageException($"The {format} image uses an unsupported feature: {ex.Message}", ex),
        _ => new InvalidImageException($"The {format} image could not be decoded: {ex.Message}", ex),
    };

    /// <summary>Walks the PNG chunk list: every chunk complete with a matching CRC, IHDR first, IEND present.</summary>
    internal static class PngStructure
    {
        private static readonly uint[] _crcTable = BuildCrcTable();

        public static void Verify(ReadOnlySpan<byte> bytes)
        {
            int offset = _pngSignature.Length;
            bool first = true;
            while (true)
            {
                if (bytes.Length - offset < 8)
                {
                    throw new InvalidImageException(
                        $"The PNG file is truncated: it ends at byte {bytes.Length} inside a chunk header, before the IEND chunk.");
                }

                uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[offset..]);
                ReadOnlySpan<byte> type = bytes.Slice(offset + 4, 4);
                string name = ChunkName(type);
                if (length > int.MaxValue)
                {
                    throw new InvalidImageException($"The PNG chunk {name} at byte {offset} declares {length} bytes: the file is corrupt.");
                }

                if (first && (name != "IHDR" || length != 13))
                {
                    throw new InvalidImageException("The PNG file is corrupt: it does not start with a 13-byte IHDR chunk.");
                }

                first = false;
                if (bytes.Length - offset - 12 < length)
                {
                    throw new InvalidImageException(
                        $"The PNG file is truncated: chunk {name} at byte {offset} declares {length} bytes but the file ends at byte {bytes.Length}.");
                }

                ReadOnlySpan<byte> checkedBytes = bytes.Slice(offset + 4, 4 + (int)length);
                uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(offset + 8 + (int)length)..]);
                if (Crc32(checkedBytes) != stored)
                {
                    throw new InvalidImageException($"The PNG chunk {name} at byte {offset} has a bad CRC: the file is corrupt.");
                }

                if (name == "IEND")
                {
                    return;
                }

                offset += 12 + (int)length;
            }
        }

        public static uint Crc32(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in data)
            {
                crc = _crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc ^ 0xFFFFFFFFu;
        }

        private static string ChunkName(ReadOnlySpan<byte> type)
        {
            Span<char> chars = stackalloc char[4];
            for (int i = 0; i < 4; i++)
            {
                chars[i] = type[i] is >= 0x20 and < 0x7F ? (char)type[i] : '?';
            }

            return new string(chars);
        }

        private static uint[] BuildCrcTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
