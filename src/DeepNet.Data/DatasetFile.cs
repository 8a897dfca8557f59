using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>
/// The binary blob the server stores for an uploaded data set. Little-endian layout, version 1:
/// "DNDS" | uint32 version | int32 count | int32 features | int32 width | int32 height | int32 flags (bit 0 = labelled)
/// | count·features float32 | count label bytes when labelled. Reading is strict: exact length, finite values, consistent header.
/// </summary>
public static class DatasetFile
{
    public const uint Version = 1;

    public const int HeaderBytes = 28;

    private const int LabelledFlag = 1;

    private static ReadOnlySpan<byte> Magic => "DNDS"u8;

    /// <summary>Serializes the data set (features, labels when present, image width and height).</summary>
    public static byte[] Save(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        long values = (long)dataset.Count * dataset.FeatureCount;
        long total = HeaderBytes + values * sizeof(float) + (dataset.HasLabels ? dataset.Count : 0);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"The data set ({dataset.Count}×{dataset.FeatureCount}) is too large for one blob.", nameof(dataset));
        }

        var bytes = new byte[total];
        Span<byte> span = bytes;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], dataset.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], dataset.FeatureCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], dataset.Width);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], dataset.Height);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], dataset.HasLabels ? LabelledFlag : 0);
        Span<byte> payload = span.Slice(HeaderBytes, (int)(values * sizeof(float)));
        ReadOnlySpan<float> features = dataset.Features.AsSpan();
        for (int i = 0; i < features.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(payload[(i * sizeof(float))..], features[i]);
        }

        if (dataset.HasLabels)
        {
            dataset.Labels.CopyTo(span[(HeaderBytes + payload.Length)..]);
        }

        return bytes;
    }

    /// <summary>Reads a blob written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The blob is not a valid version-1 data set file (the message says why).</exception>
    public static Dataset Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ReadOnlySpan<byte> span = bytes;
        if (span.Length < HeaderBytes)
        {
            throw new InvalidDataException($"The data set file is truncated: {span.Length} bytes, the header alone needs {HeaderBytes}.");
        }

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

        if ((flags & ~LabelledFlag) != 0)
        {
            throw new InvalidDataException($"The data set file has unknown flags 0x{flags:X}.");
        }

        bool labelled = (flags & LabelledFlag) != 0;
        long values = (long)count * features;
        long expected = HeaderBytes + values * sizeof(float) + (labelled ? count : 0);
        if (values > Array.MaxLength || expected > Array.MaxLength)
        {
            throw new InvalidDataException($"The data set file declares {count}×{features} values, more than fit in memory.");
        }

        if (span.Length != expected)
        {
            throw new InvalidDataException(span.Length < expected
                ? $"The data set file is truncated: {span.Length} bytes, the header promises {expected}."
                : $"The data set file has {span.Length - expected} trailing byte(s) after the {expected} its header promises.");
        }

        var data = new float[values];
        ReadOnlySpan<byte> payload = span.Slice(HeaderBytes, (int)(values * sizeof(float)));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(payload).CopyTo(data);
        }
        else
        {
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(i * sizeof(float))..]);
            }
        }

        int bad = Array.FindIndex(data, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new InvalidDataException($"The data set file holds a non-finite value at example {bad / features}, feature {bad % features}.");
        }

        byte[]? labels = labelled ? span[(HeaderBytes + payload.Length)..].ToArray() : null;
        return new Dataset(new Matrix(count, features, data), labels, width, height);
    }
}
