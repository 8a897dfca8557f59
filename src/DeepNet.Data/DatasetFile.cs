using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>
/// The binary blob the server stores for an uploaded data set. Little-endian layout, version 1:
/// "DNDS" | uint32 version | int32 count | int32 features | int32 width | int32 height | int32 flags
/// | count·features values | count label bytes when labelled.
/// Flags: bit 0 = labelled; bit 1 = the values are unsigned bytes k, each meaning k/255 (how IDX and image uploads are
/// read), else they are float32. A data set is stored in its natural type: bytes when every value is some k/255, so a
/// 47 MB IDX upload stays 47 MB rather than growing fourfold; it becomes float32 only when loaded.
/// Reading is strict: exact length, finite values, consistent header.
/// </summary>
public static class DatasetFile
{
    public const uint Version = 1;

    public const int HeaderBytes = 28;

    private const int LabelledFlag = 1;
    private const int ByteValuesFlag = 2;
    private const int ChunkValues = 16 * 1024;

    private static readonly float[] _byteValues = Enumerable.Range(0, 256).Select(k => k / 255f).ToArray();

    private static ReadOnlySpan<byte> Magic => "DNDS"u8;

    /// <summary>Whether the data set would be stored as bytes: every value is exactly k/255 for a k in 0..255.</summary>
    public static bool HasByteValues(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        foreach (float v in dataset.Features.AsSpan())
        {
            float scaled = MathF.Round(v * 255f);
            if (!(scaled >= 0f && scaled <= 255f) || _byteValues[(int)scaled] != v || float.IsNegative(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The length of the file <see cref="Write"/> makes.</summary>
    public static long LengthOf(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return HeaderBytes + (long)dataset.Count * dataset.FeatureCount * (HasByteValues(dataset) ? 1 : sizeof(float)) + (dataset.HasLabels ? dataset.Count : 0);
    }

    /// <summary>Serializes the data set (features, labels when present, image width and height) into an array.</summary>
    public static byte[] Save(Dataset dataset)
    {
        long total = LengthOf(dataset);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"The data set ({dataset.Count}×{dataset.FeatureCount}) is too large for one blob.", nameof(dataset));
        }

        var stream = new MemoryStream((int)total);
        Write(dataset, stream);
        return stream.GetBuffer();
    }

    /// <summary>Writes the data set to <paramref name="stream"/> a chunk at a time (no copy of the whole file is made).</summary>
    public static void Write(Dataset dataset, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(stream);
        bool bytes = HasByteValues(dataset);
        Span<byte> header = stackalloc byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], dataset.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], dataset.FeatureCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], dataset.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], dataset.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], (dataset.HasLabels ? LabelledFlag : 0) | (bytes ? ByteValuesFlag : 0));
        stream.Write(header);
        ReadOnlySpan<float> features = dataset.Features.AsSpan();
        var chunk = new byte[ChunkValues * sizeof(float)];
        for (int start = 0; start < features.Length; start += ChunkValues)
        {
            ReadOnlySpan<float> part = features.Slice(start, Math.Min(ChunkValues, features.Length - start));
            for (int i = 0; i < part.Length; i++)
            {
                if (bytes)
                {
                    chunk[i] = (byte)MathF.Round(part[i] * 255f);
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(i * sizeof(float)), part[i]);
                }
            }

            stream.Write(chunk, 0, part.Length * (bytes ? 1 : sizeof(float)));
        }

        if (dataset.HasLabels)
        {
            stream.Write(dataset.Labels);
        }
    }

    /// <summary>Reads a blob written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The blob is not a valid version-1 data set file (the message says why).</exception>
    public static Dataset Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Load(new MemoryStream(bytes, writable: false));
    }

    /// <summary>Reads a data set file from a seekable stream (its length is checked against the header before reading).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid version-1 data set file (the message says why).</exception>
    public static Dataset Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long length = stream.Length - stream.Position;
        if (length < HeaderBytes)
        {
            throw new InvalidDataException($"The data set file is truncated: {length} bytes, the header alone needs {HeaderBytes}.");
        }

        Span<byte> span = stackalloc byte[HeaderBytes];
        stream.ReadExactly(span);
        if (!span.StartsWith(Magic))
        {
            throw new InvalidDataException("Not a data set file: the magic number is not \"DNDS\".");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        if (version != Version)
        {
            throw new InvalidDataException($"Unsupported data set file version {version}; this build reads version {Version}.");
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        int features = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        int width = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        int height = BinaryPrimitives.ReadInt32LittleEndian(span[20..]);
        int flags = BinaryPrimitives.ReadInt32LittleEndian(span[24..]);
        if (count < 1 || features < 1)
        {
            throw new InvalidDataException($"The data set file declares {count} examples of {features} features; both must be positive.");
        }

        if (width < 0 || height < 0 || (width == 0) != (height == 0) || (width > 0 && (long)width * height != features))
        {
            throw new InvalidDataException($"The data set file declares images of {width}×{height}, which does not match {features} features.");
        }

        if ((flags & ~(LabelledFlag | ByteValuesFlag)) != 0)
        {
            throw new InvalidDataException($"The data set file has unknown flags 0x{flags:X}.");
        }

        bool labelled = (flags & LabelledFlag) != 0;
        int valueBytes = (flags & ByteValuesFlag) != 0 ? 1 : sizeof(float);
        long values = (long)count * features;
        long expected = HeaderBytes + values * valueBytes + (labelled ? count : 0);
        if (values > Array.MaxLength)
        {
            throw new InvalidDataException($"The data set file declares {count}×{features} values, more than fit in memory.");
        }

        if (length != expected)
        {
            throw new InvalidDataException(length < expected
                ? $"The data set file is truncated: {length} bytes, the header promises {expected}."
                : $"The data set file has {length - expected} trailing byte(s) after the {expected} its header promises.");
        }

        var data = new float[values];
        var chunk = new byte[ChunkValues * sizeof(float)];
        for (long start = 0; start < values; start += ChunkValues)
        {
            int n = (int)Math.Min(ChunkValues, values - start);
            stream.ReadExactly(chunk, 0, n * valueBytes);
            Span<float> target = data.AsSpan((int)start, n);
            if (valueBytes == 1)
            {
                for (int i = 0; i < n; i++)
                {
                    target[i] = _byteValues[chunk[i]];
                }
            }
            else if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(chunk.AsSpan(0, n * sizeof(float))).CopyTo(target);
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    target[i] = BinaryPrimitives.ReadSingleLittleEndian(chunk.AsSpan(i * sizeof(float)));
                }
            }
        }

        int bad = Array.FindIndex(data, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new InvalidDataException($"The data set file holds a non-finite value at example {bad / features}, feature {bad % features}.");
        }

        byte[]? labels = null;
        if (labelled)
        {
            labels = new byte[count];
            stream.ReadExactly(labels);
        }

        return new Dataset(new Matrix(count, features, data), labels, width, height);
    }
}
