using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepNet.Data;

/// <summary>
/// Strict reader for IDX files (the MNIST format): a 4-byte magic number <c>00 00 08 nd</c>
/// (type 0x08 = unsigned byte is the only type supported, nd = 1..4 dimensions), nd big-endian
/// int32 dimension sizes, then exactly the product of the sizes in payload bytes.
/// </summary>
public static class IdxReader
{
    /// <summary>The largest MNIST file: 60000 images of 28×28 bytes.</summary>
    public const long DefaultMaxElements = 60_000L * 28 * 28;

    public const int MaxDimensions = 4;

    private const byte UnsignedByteType = 0x08;

    // A hostile header may declare a large payload that never arrives; the buffer grows from this
    // size only as data actually arrives, so a short stream never causes a large allocation.
    private const int InitialBufferBytes = 1 << 20;

    /// <summary>Reads one IDX array from <paramref name="stream"/>, which must end exactly after the payload.</summary>
    /// <param name="stream">The uncompressed IDX bytes; read to the end, not disposed.</param>
    /// <param name="maxElements">Upper bound on the element count the header may declare (checked before any payload allocation).</param>
    /// <exception cref="IdxFormatException">The stream is not a well-formed unsigned-byte IDX array within the limit.</exception>
    public static IdxArray Read(Stream stream, long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxElements, 1L);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        Span<byte> magic = stackalloc byte[4];
        int got = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            throw new IdxFormatException("The IDX stream is empty: expected a 4-byte magic number.");
        }

        if (got < magic.Length)
        {
            throw new IdxFormatException($"The IDX stream is truncated: the 4-byte magic number has only {got} byte(s).");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new IdxFormatException(
                $"Bad IDX magic number 0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}: the first two bytes must be zero.");
        }

        if (magic[2] != UnsignedByteType)
        {
            throw new IdxFormatException(
                $"Unsupported IDX type code 0x{magic[2]:X2} ({TypeName(magic[2])}): only 0x08 (unsigned byte) is supported.");
        }

        int rank = magic[3];
        if (rank is < 1 or > MaxDimensions)
        {
            throw new IdxFormatException($"The IDX header declares {rank} dimensions; 1 to {MaxDimensions} are supported.");
        }

        Span<byte> header = stackalloc byte[4 * MaxDimensions];
        header = header[..(4 * rank)];
        got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw new IdxFormatException(
                $"The IDX header is truncated: {rank} dimension sizes need {header.Length} bytes, the stream holds {got}.");
        }

        var dimensions = new int[rank];
        long count = 1;
        bool overflow = false;
        for (int i = 0; i < rank; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4 * i, 4));
            if (size == 0)
            {
                throw new IdxFormatException($"IDX dimension {i} of {rank} is 0; every dimension must be positive.");
            }

            if (size > int.MaxValue)
            {
                throw new IdxFormatException($"IDX dimension {i} of {rank} is {size}, larger than {int.MaxValue}.");
            }

            dimensions[i] = (int)size;
            if (!overflow)
            {
                // count ≤ long.MaxValue / size is the exact no-overflow condition for count·size.
                if (count > long.MaxValue / size)
                {
                    overflow = true;
                }
                else
                {
                    count *= size;
                }
            }
        }

        string shape = string.Join('×', dimensions);
        if (overflow)
        {
            throw new IdxFormatException($"The IDX header declares {shape} elements, which overflows a 64-bit count.");
        }

        long limit = Math.Min(maxElements, Array.MaxLength);
        if (count > limit)
        {
            throw new IdxFormatException(
                $"The IDX header declares {shape} = {count} elements, more than the allowed maximum of {limit}.");
        }

        byte[] data = ReadPayload(stream, (int)count, shape);
        return new IdxArray(dimensions, data);
    }

    /// <summary>Reads one gzip-compressed IDX array (e.g. <c>train-images-idx3-ubyte.gz</c>); see <see cref="Read"/>.</summary>
    /// <exception cref="IdxFormatException">The gzip data is corrupt (inner <see cref="InvalidDataException"/>) or the IDX content is malformed.</exception>
    public static IdxArray ReadGzip(Stream stream, long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            return Read(gzip, maxElements);
        }
        catch (InvalidDataException ex)
        {
            throw new IdxFormatException($"The gzip data is corrupt: {ex.Message}", ex);
        }
    }

    private static byte[] ReadPayload(Stream stream, int count, string shape)
    {
        long? available = null;
        if (stream.CanSeek)
        {
            available = stream.Length - stream.Position;
            if (available < count)
            {
                throw Truncated(shape, count, available.Value);
            }
        }

        byte[] buffer = new byte[available is not null ? count : Math.Min(count, InitialBufferBytes)];
        int filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            }

            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                throw Truncated(shape, count, filled);
            }

            filled += read;
        }

        if (available is long total && total > count)
        {
            throw Trailing(shape, count, $"{total - count} more byte(s)");
        }

        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw Trailing(shape, count, "more data");
        }

        return buffer;
    }

    private static IdxFormatException Truncated(string shape, int count, long present) =>
        new($"IDX header declares {shape} = {count} bytes but the file holds {present}: the payload is truncated.");

    private static IdxFormatException Trailing(string shape, int count, string extra) =>
        new($"IDX header declares {shape} = {count} bytes but the file holds {extra} after them: trailing data is not allowed.");

    private static string TypeName(byte code) => code switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown",
    };
}
