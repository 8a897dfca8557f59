using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>
/// Reads an uploaded IDX data set: an images file (N×H×W unsigned bytes, or N×F for plain vectors) and an optional
/// labels file (N unsigned bytes), each raw or gzip-compressed (recognized by the 1f 8b magic). Pixels become value/255.
/// </summary>
public static class IdxDatasetReader
{
    /// <summary>At most this many image elements (the full MNIST training set has 47 040 000).</summary>
    public const long MaxElements = 50_000_000;

    /// <summary>Reads both streams to their end; neither is disposed.</summary>
    /// <exception cref="DataFormatException">Either file is malformed (wrong magic, truncated, trailing data, bad dimensions, over the limit, corrupt gzip) or the counts differ.</exception>
    public static Dataset Read(Stream images, Stream? labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        IdxArray imageArray = ReadArray(images, "images", MaxElements);
        int count = imageArray.Dimensions[0];
        int width;
        int height;
        int features;
        switch (imageArray.Dimensions)
        {
            case [_, int h, int w]:
                (width, height, features) = (w, h, h * w);
                break;
            case [_, int f]:
                (width, height, features) = (0, 0, f);
                break;
            default:
                throw new DataFormatException(
                    $"The images file has dimensions {string.Join('×', imageArray.Dimensions)}; expected N×height×width (or N×features).");
        }

        byte[]? labelData = null;
        if (labels is not null)
        {
            IdxArray labelArray = ReadArray(labels, "labels", Math.Max(count, 1));
            if (labelArray.Dimensions is not [int labelCount])
            {
                throw new DataFormatException(
                    $"The labels file has dimensions {string.Join('×', labelArray.Dimensions)}; expected one dimension (N labels).");
            }

            if (labelCount != count)
            {
                throw new DataFormatException($"The images file holds {count} images but the labels file holds {labelCount} labels.");
            }

            labelData = labelArray.Data;
        }

        var matrix = new Matrix(count, features);
        Span<float> target = matrix.AsSpan();
        byte[] source = imageArray.Data;
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = source[i] / 255f;
        }

        return new Dataset(matrix, labelData, width, height);
    }

    private static IdxArray ReadArray(Stream stream, string role, long maxElements)
    {
        Span<byte> head = stackalloc byte[2];
        int got = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        if (got == 0)
        {
            throw new DataFormatException($"The {role} file is empty.");
        }

        var prefixed = new PrefixedStream(head[..got].ToArray(), stream);
        bool gzip = got == 2 && head[0] == 0x1F && head[1] == 0x8B;
        try
        {
            return gzip ? IdxReader.ReadGzip(prefixed, maxElements) : IdxReader.Read(prefixed, maxElements);
        }
        catch (IdxFormatException ex)
        {
            throw new DataFormatException($"The {role} file{(gzip ? " (gzip)" : "")} is not a valid IDX file: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new DataFormatException($"The {role} file{(gzip ? " (gzip)" : "")} is truncated.", ex);
        }
    }

    /// <summary>Gives back bytes already read for sniffing, then the rest of the inner stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
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
            if (_position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsSpan(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
