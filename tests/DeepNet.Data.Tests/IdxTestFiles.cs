using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepNet.Data.Tests;

/// <summary>Builds IDX files by hand, byte by byte, so the reader is tested against the format and not against itself.</summary>
internal static class IdxTestFiles
{
    public static byte[] Header(byte typeCode, params uint[] dimensions) =>
        RawHeader(0, 0, typeCode, (byte)dimensions.Length, dimensions);

    public static byte[] RawHeader(byte b0, byte b1, byte typeCode, byte rank, params uint[] dimensions)
    {
        var bytes = new byte[4 + 4 * dimensions.Length];
        bytes[0] = b0;
        bytes[1] = b1;
        bytes[2] = typeCode;
        bytes[3] = rank;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
        }

        return bytes;
    }

    public static byte[] File(uint[] dimensions, byte[] payload) => [.. Header(0x08, dimensions), .. payload];

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static byte[] Sequence(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 + 3);
        }

        return bytes;
    }
}

/// <summary>A forward-only stream (like a network or gzip stream) that also hands out data in small pieces.</summary>
internal sealed class ForwardOnlyStream(byte[] data, int maxChunk = 7) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, maxChunk), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
