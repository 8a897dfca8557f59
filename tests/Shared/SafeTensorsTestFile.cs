using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using DeepNet.Models.ModelExchange;

namespace DeepNet.Tests;

/// <summary>
/// The tests' one safetensors parser (linked into every test project that reads model files): an 8-byte little-endian
/// header length, a JSON header (space-padded) naming the tensors and <c>__metadata__</c>, then the raw data. It is
/// deliberately independent of the product's reader, so tests of the format check the bytes themselves and tests of
/// hostile files can build what the product would refuse.
/// </summary>
internal sealed record SafeTensorsTestFile(int HeaderLength, string HeaderText, JsonObject Header, byte[] Data)
{
    public static SafeTensorsTestFile Parse(byte[] file)
    {
        Assert.True(file.Length > 8, "the file is too short to be safetensors");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.InRange(headerLength, 2UL, (ulong)file.Length - 8);
        string text = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        return new((int)headerLength, text, JsonNode.Parse(text.TrimEnd(' '))!.AsObject(), file[(8 + (int)headerLength)..]);
    }

    public static (JsonObject Header, byte[] Data) Split(byte[] file)
    {
        var parsed = Parse(file);
        return (parsed.Header, parsed.Data);
    }

    public static JsonObject Metadata(JsonObject header) => header["__metadata__"]!.AsObject();

    /// <summary>The file with its header edited and/or its data replaced; a checksum in the metadata is recomputed unless told otherwise.</summary>
    public static byte[] Rewrite(byte[] file, Action<JsonObject>? editHeader = null, Func<byte[], byte[]>? editData = null, bool fixChecksum = true)
    {
        (JsonObject header, byte[] data) = Split(file);
        editHeader?.Invoke(header);
        data = editData?.Invoke(data) ?? data;
        if (fixChecksum && header["__metadata__"] is JsonObject metadata && metadata.ContainsKey("checksum"))
        {
            metadata["checksum"] = ModelExchangeFormat.Checksum(data);
        }

        return Assemble(Encoding.UTF8.GetBytes(header.ToJsonString()), data);
    }

    public static byte[] Assemble(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>Writes <paramref name="value"/> as little-endian float32 at element <paramref name="index"/> of the data section.</summary>
    public static Func<byte[], byte[]> SetFloat(int index, float value) => data =>
    {
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(index * 4), value);
        return data;
    };
}
