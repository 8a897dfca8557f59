using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DeepNet.Models;

/// <summary>A named float32 tensor: row-major data with its shape.</summary>
public sealed record Tensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// The safetensors format: 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range (plus a string→string <c>__metadata__</c>), then raw little-endian data.
/// Only F32 tensors are written or accepted. Reading is strict: a truncated, inconsistent or oversized
/// file raises <see cref="InvalidDataException"/> saying what is wrong.
/// </summary>
public static class SafeTensors
{
    public const int MaxHeaderBytes = 16 * 1024 * 1024;

    /// <summary>The file of <paramref name="tensors"/> and <paramref name="metadata"/>, in an exactly sized array.</summary>
    public static byte[] Write(IReadOnlyList<Tensor> tensors, IReadOnlyDictionary<string, string> metadata) =>
        Prepare(tensors, metadata).ToArray();

    /// <summary>
    /// The file of <paramref name="tensors"/> (referenced, not copied: they must not change until it is written) and
    /// <paramref name="metadata"/>, with its header encoded and its length known, ready to be written to a stream.
    /// </summary>
    public static SafeTensorsFile Prepare(IReadOnlyList<Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        using var headerJson = new MemoryStream();
        long offset = 0;
        using (var json = new Utf8JsonWriter(headerJson))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach ((string key, string value) in metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            foreach (Tensor tensor in tensors)
            {
                long elements = tensor.Shape.Aggregate(1L, (a, d) => a * d);
                if (elements != tensor.Data.Length)
                {
                    throw new ArgumentException($"Tensor '{tensor.Name}' has shape [{string.Join(",", tensor.Shape)}] but {tensor.Data.Length} elements.");
                }

                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + elements * sizeof(float));
                json.WriteEndArray();
                json.WriteEndObject();
                offset += elements * sizeof(float);
            }

            json.WriteEndObject();
        }

        // The header is padded with spaces to an 8-byte boundary so the data section stays aligned.
        int headerLength = (int)headerJson.Length;
        int padded = (headerLength + 7) / 8 * 8;
        var header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        headerJson.GetBuffer().AsSpan(0, headerLength).CopyTo(header.AsSpan(8));
        header.AsSpan(8 + headerLength).Fill((byte)' ');
        return new SafeTensorsFile(header, [.. tensors], header.Length + offset);
    }

    /// <summary>Parses a safetensors file; every tensor must be F32 and the data section exactly covered.</summary>
    public static (IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 8)
        {
            throw new InvalidDataException($"Not a safetensors file: {file.Length} bytes is shorter than the 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > (ulong)(file.Length - 8))
        {
            throw new InvalidDataException($"Header length {headerLength} is invalid for a file of {file.Length} bytes (limit {MaxHeaderBytes}).");
        }

        ReadOnlySpan<byte> data = file[(8 + (int)headerLength)..];
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(Encoding.UTF8.GetString(file.Slice(8, (int)headerLength)).TrimEnd(' '));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The safetensors header is not valid JSON: {e.Message}", e);
        }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("The safetensors header must be a JSON object.");
            }

            var metadata = new Dictionary<string, string>();
            var tensors = new Dictionary<string, Tensor>();
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (JsonProperty property in header.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata);
                    continue;
                }

                (Tensor tensor, long begin, long end) = ReadTensor(property, data);
                if (!tensors.TryAdd(tensor.Name, tensor))
                {
                    throw new InvalidDataException($"Tensor '{tensor.Name}' appears twice.");
                }

                ranges.Add((begin, end, tensor.Name));
            }

            long covered = 0;
            foreach ((long begin, long end, string name) in ranges.OrderBy(r => r.Begin))
            {
                if (begin != covered)
                {
                    throw new InvalidDataException($"Tensor '{name}' starts at byte {begin}; expected {covered} (gaps and overlaps are not allowed).");
                }

                covered = end;
            }

            if (covered != data.Length)
            {
                throw new InvalidDataException($"The tensors cover {covered} bytes but the data section holds {data.Length}.");
            }

            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("__metadata__ must be an object of strings.");
        }

        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"Metadata '{entry.Name}' must be a string.");
            }

            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static (Tensor Tensor, long Begin, long End) ReadTensor(JsonProperty property, ReadOnlySpan<byte> data)
    {
        string name = property.Name;
        JsonElement info = property.Value;
        if (info.ValueKind != JsonValueKind.Object
            || !info.TryGetProperty("dtype", out JsonElement dtype)
            || !info.TryGetProperty("shape", out JsonElement shapeElement)
            || !info.TryGetProperty("data_offsets", out JsonElement offsets)
            || shapeElement.ValueKind != JsonValueKind.Array
            || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"Tensor '{name}' needs dtype, shape and two data_offsets.");
        }

        if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != "F32")
        {
            throw new InvalidDataException($"Tensor '{name}' has dtype {dtype}; only F32 is supported.");
        }

        if (shapeElement.GetArrayLength() > 8)
        {
            throw new InvalidDataException($"Tensor '{name}' has {shapeElement.GetArrayLength()} dimensions; at most 8 are supported.");
        }

        var shape = new int[shapeElement.GetArrayLength()];
        long elements = 1;
        int i = 0;
        foreach (JsonElement d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw new InvalidDataException($"Tensor '{name}' has an invalid dimension {d}.");
            }

            elements *= shape[i++];
            if (elements > data.Length)
            {
                throw new InvalidDataException($"Tensor '{name}' declares more elements than the file holds.");
            }
        }

        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > data.Length)
        {
            throw new InvalidDataException($"Tensor '{name}' has data_offsets outside the {data.Length}-byte data section.");
        }

        if (end - begin != elements * sizeof(float))
        {
            throw new InvalidDataException($"Tensor '{name}' of shape [{string.Join(",", shape)}] needs {elements * sizeof(float)} bytes but its offsets span {end - begin}.");
        }

        var values = new float[elements];
        ReadOnlySpan<byte> bytes = data[(int)begin..(int)end];
        for (int e = 0; e < values.Length; e++)
        {
            values[e] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(e * 4)..]);
        }

        return (new Tensor(name, shape, values), begin, end);
    }
}

/// <summary>
/// A safetensors file ready to write: the encoded header and the tensors whose data follow it. Writing reads the
/// tensors' arrays as they are then, so the file is never held in memory apart from them.
/// </summary>
public sealed class SafeTensorsFile
{
    private const int WriteChunkBytes = 1 << 20;

    private readonly byte[] _header;
    private readonly Tensor[] _tensors;

    internal SafeTensorsFile(byte[] header, Tensor[] tensors, long length)
    {
        _header = header;
        _tensors = tensors;
        Length = length;
    }

    /// <summary>The file's size in bytes.</summary>
    public long Length { get; }

    /// <summary>Writes the file to <paramref name="destination"/>, straight from the tensors' arrays.</summary>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(_header);
        Span<byte> chunk = stackalloc byte[BitConverter.IsLittleEndian ? 0 : 4096];
        foreach (Tensor tensor in _tensors)
        {
            if (BitConverter.IsLittleEndian)
            {
                // In chunks: a stream without a span overload (SqliteBlob) rents a buffer as large as each write.
                ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(tensor.Data.AsSpan());
                for (int start = 0; start < bytes.Length; start += WriteChunkBytes)
                {
                    destination.Write(bytes.Slice(start, Math.Min(WriteChunkBytes, bytes.Length - start)));
                }

                continue;
            }

            for (int start = 0; start < tensor.Data.Length; start += chunk.Length / sizeof(float))
            {
                int count = Math.Min(chunk.Length / sizeof(float), tensor.Data.Length - start);
                for (int i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk[(i * sizeof(float))..], tensor.Data[start + i]);
                }

                destination.Write(chunk[..(count * sizeof(float))]);
            }
        }
    }

    /// <summary>The file in an exactly sized array.</summary>
    public byte[] ToArray()
    {
        var file = new byte[checked((int)Length)];
        using var stream = new MemoryStream(file);
        WriteTo(stream);
        return file;
    }
}
