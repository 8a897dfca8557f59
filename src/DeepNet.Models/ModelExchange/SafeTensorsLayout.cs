using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace DeepNet.Models.ModelExchange;

/// <summary>One tensor entry of a safetensors header: byte range [Begin, End) of the data section.</summary>
public sealed record SafeTensorsEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    public long Elements => Shape.Aggregate(1L, (a, d) => a * d);

    public string ShapeText => FormatShape(Shape);

    public static string FormatShape(IEnumerable<int> shape) => "[" + string.Join(",", shape) + "]";
}

/// <summary>
/// The structure of a safetensors file checked strictly, before any tensor value is read: the 8-byte header length is
/// sane and inside the file, the header is one JSON object without duplicate names, <c>__metadata__</c> maps strings to
/// strings, every tensor is F32 with a valid shape whose byte size matches its data_offsets, and the tensors cover the
/// data section exactly — contiguous from byte 0, no overlap, no gap, no trailing bytes, nothing missing.
/// Every violation throws <see cref="InvalidDataException"/> whose message says what is wrong.
/// </summary>
public sealed class SafeTensorsLayout
{
    private const int MaxRank = 8;
    private const int MaxNameLength = 256;

    private SafeTensorsLayout(long headerLength, IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        HeaderLength = headerLength;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The header's byte count (the first 8 bytes of the file).</summary>
    public long HeaderLength { get; }

    /// <summary>Where the data section starts in the file: 8 + <see cref="HeaderLength"/>.</summary>
    public int DataStart => checked(8 + (int)HeaderLength);

    /// <summary>The tensors in data order (ascending offsets).</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The header's <c>__metadata__</c> (empty when it has none), in header order.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Checks the structure of <paramref name="file"/>; <paramref name="maxFileBytes"/> caps its size.</summary>
    public static SafeTensorsLayout Parse(ReadOnlySpan<byte> file, long maxFileBytes = ModelExchangeFormat.MaxFileBytes) =>
        ParseHeader(file, file.Length, maxFileBytes);

    /// <summary>The header length a file starts with (its first 8 bytes), checked against the header limit.</summary>
    /// <exception cref="InvalidDataException">Shorter than 2 bytes or over <see cref="ModelExchangeFormat.MaxHeaderBytes"/>.</exception>
    public static int HeaderLengthOf(ReadOnlySpan<byte> first8)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(first8);
        if (headerLength < 2)
        {
            throw new InvalidDataException($"The header length is {headerLength}; a safetensors header is a JSON object of at least 2 bytes.");
        }

        if (headerLength > ModelExchangeFormat.MaxHeaderBytes)
        {
            throw new InvalidDataException(
                $"The header length {headerLength} exceeds the limit of {ModelExchangeFormat.MaxHeaderBytes} bytes: this is not a model file or it is damaged.");
        }

        return (int)headerLength;
    }

    /// <summary>
    /// Checks the structure of a file of <paramref name="fileLength"/> bytes from its first bytes alone, so a stored file can
    /// be described without reading its data. <paramref name="head"/> holds at least the 8-byte length and the header.
    /// </summary>
    public static SafeTensorsLayout ParseHeader(ReadOnlySpan<byte> head, long fileLength, long maxFileBytes = ModelExchangeFormat.MaxFileBytes)
    {
        if (fileLength > maxFileBytes)
        {
            throw new InvalidDataException(
                $"The file is {fileLength} bytes; at most {maxFileBytes} bytes ({maxFileBytes / (1024 * 1024)} MiB) are accepted.");
        }

        if (fileLength < 8)
        {
            throw new InvalidDataException(
                $"The file is truncated: {fileLength} bytes is shorter than the 8-byte header length that starts a safetensors file.");
        }

        int headerLength = HeaderLengthOf(head);
        if (headerLength > fileLength - 8)
        {
            throw new InvalidDataException(
                $"The header length {headerLength} points past the end of the file ({fileLength} bytes): the file is truncated or not a safetensors file.");
        }

        if (head.Length < 8 + headerLength)
        {
            throw new ArgumentException($"The first {head.Length} bytes do not hold the {headerLength}-byte header.", nameof(head));
        }

        long dataLength = fileLength - 8 - headerLength;
        if (!System.Text.Unicode.Utf8.IsValid(head.Slice(8, headerLength)))
        {
            throw new InvalidDataException("The header is not valid JSON: it is not UTF-8 text.");
        }

        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(head.Slice(8, headerLength).ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The header is not valid JSON: {e.Message}", e);
        }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The header must be a JSON object, not {Describe(header.RootElement.ValueKind)}.");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafeTensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in header.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new InvalidDataException($"'{property.Name}' appears twice in the header.");
                }

                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata);
                }
                else
                {
                    entries.Add(ReadEntry(property, dataLength));
                }
            }

            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckCoverage(entries, dataLength);
            return new SafeTensorsLayout(headerLength, entries, metadata);
        }
    }

    /// <summary>The data section of <paramref name="file"/> (the file this layout was parsed from).</summary>
    public ReadOnlySpan<byte> Data(ReadOnlySpan<byte> file) => file[DataStart..];

    /// <summary>The values of <paramref name="entry"/> read from <paramref name="file"/> as little-endian float32.</summary>
    public float[] ReadValues(ReadOnlySpan<byte> file, SafeTensorsEntry entry)
    {
        ReadOnlySpan<byte> bytes = Data(file)[(int)entry.Begin..(int)entry.End];
        var values = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return values;
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"__metadata__ must be a JSON object of strings, not {Describe(element.ValueKind)}.");
        }

        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"Metadata '{entry.Name}' must be a string, not {Describe(entry.Value.ValueKind)}.");
            }

            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new InvalidDataException($"Metadata '{entry.Name}' appears twice.");
            }
        }
    }

    private static SafeTensorsEntry ReadEntry(JsonProperty property, long dataLength)
    {
        string name = property.Name;
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new InvalidDataException($"A tensor name must have 1 to {MaxNameLength} characters; '{Shorten(name)}' has {name.Length}.");
        }

        JsonElement info = property.Value;
        if (info.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Tensor '{name}' must be an object with dtype, shape and data_offsets, not {Describe(info.ValueKind)}.");
        }

        foreach (JsonProperty field in info.EnumerateObject())
        {
            if (field.Name is not ("dtype" or "shape" or "data_offsets"))
            {
                throw new InvalidDataException($"Tensor '{name}' has an unknown field '{Shorten(field.Name)}'; only dtype, shape and data_offsets are allowed.");
            }
        }

        if (!info.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"Tensor '{name}' has no dtype string.");
        }

        if (dtype.GetString() != "F32")
        {
            throw new InvalidDataException($"Tensor '{name}' has dtype {Shorten(dtype.GetString()!)}; only F32 (float32) tensors are accepted.");
        }

        if (!info.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"Tensor '{name}' has no shape array.");
        }

        int rank = shapeElement.GetArrayLength();
        if (rank > MaxRank)
        {
            throw new InvalidDataException($"Tensor '{name}' has {rank} dimensions; at most {MaxRank} are accepted.");
        }

        var shape = new int[rank];
        long elements = 1;
        int i = 0;
        foreach (JsonElement d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw new InvalidDataException($"Tensor '{name}' has an invalid dimension {Shorten(d.GetRawText())}: dimensions are integers ≥ 0.");
            }

            elements *= shape[i++];
            if (elements * sizeof(float) > dataLength)
            {
                throw new InvalidDataException(
                    $"Tensor '{name}' of shape {SafeTensorsEntry.FormatShape(shape[..i])}… needs more bytes than the {dataLength}-byte data section holds: the file is truncated or inconsistent.");
            }
        }

        if (!info.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
        {
            throw new InvalidDataException($"Tensor '{name}' needs data_offsets [begin, end] with 0 ≤ begin ≤ end.");
        }

        if (end - begin != elements * sizeof(float))
        {
            throw new InvalidDataException(
                $"Tensor '{name}' of shape {SafeTensorsEntry.FormatShape(shape)} needs {elements * sizeof(float)} bytes but its data_offsets [{begin},{end}] span {end - begin}.");
        }

        return new SafeTensorsEntry(name, "F32", shape, begin, end);
    }

    private static void CheckCoverage(List<SafeTensorsEntry> entries, long dataLength)
    {
        long needed = entries.Count == 0 ? 0 : entries.Max(e => e.End);
        if (needed > dataLength)
        {
            SafeTensorsEntry last = entries.First(e => e.End == needed);
            throw new InvalidDataException(
                $"The file is truncated: tensor '{last.Name}' ends at byte {needed} of the data section but only {dataLength} bytes follow the header.");
        }

        long covered = 0;
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry entry in entries)
        {
            if (entry.Begin < covered)
            {
                throw new InvalidDataException(
                    $"Tensors '{previous!.Name}' (bytes {previous.Begin}–{previous.End}) and '{entry.Name}' (bytes {entry.Begin}–{entry.End}) overlap.");
            }

            if (entry.Begin > covered)
            {
                throw new InvalidDataException($"Bytes {covered}–{entry.Begin} of the data section belong to no tensor (a gap before '{entry.Name}').");
            }

            covered = entry.End;
            previous = entry;
        }

        if (covered != dataLength)
        {
            throw new InvalidDataException(
                $"The data section holds {dataLength} bytes but the tensors cover {covered}: {dataLength - covered} trailing bytes belong to no tensor.");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
