using System.Text.Json;

namespace DeepNet.Models.Cnn;

/// <summary>
/// A trained network as safetensors: parameters "param.{i}.{name}" with their shapes (loadable from Python), the
/// architecture as JSON in the metadata keys "cnn_input" and "cnn_layers", plus the caller's metadata.
/// </summary>
public static class CnnModelFile
{
    public const string InputKey = "cnn_input";
    public const string LayersKey = "cnn_layers";

    public static byte[] Save(Network network, IReadOnlyDictionary<string, string> metadata) => Prepare(network, metadata).ToArray();

    /// <summary>The file <see cref="Save"/> writes, ready to be written to a stream (the parameters referenced, not copied).</summary>
    public static SafeTensorsFile Prepare(Network network, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(metadata);
        var contents = new SafeTensorsContents();
        contents.SetMetadata(metadata);
        contents[InputKey] = JsonSerializer.Serialize(network.InputShape);
        contents[LayersKey] = JsonSerializer.Serialize(network.Specs);
        for (int i = 0; i < network.Parameters.Count; i++)
        {
            Parameter p = network.Parameters[i];
            contents.Add($"param.{i}.{p.Name}", p.Shape, p.Value);
        }

        return contents.ToFile();
    }

    /// <summary>The network (for batches of up to <paramref name="maxBatch"/>) and the file's metadata.</summary>
    public static (Network Network, IReadOnlyDictionary<string, string> Metadata) Load(byte[] bytes, int maxBatch = 1)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(bytes);
        try
        {
            TensorShape input = JsonSerializer.Deserialize<TensorShape>(metadata[InputKey]);
            List<LayerSpec> layers = JsonSerializer.Deserialize<List<LayerSpec>>(metadata[LayersKey]) ?? throw new InvalidDataException("The layers are missing.");
            var shapeOnly = new Network(input, layers, 1, seed: 1);
            var parameters = new float[shapeOnly.Parameters.Count][];
            for (int i = 0; i < parameters.Length; i++)
            {
                Parameter p = shapeOnly.Parameters[i];
                parameters[i] = tensors[$"param.{i}.{p.Name}"].Data;
            }

            return (Network.Restore(input, layers, maxBatch, [1, 2, 3, 4], parameters), metadata);
        }
        catch (Exception e) when (e is KeyNotFoundException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Not a CNN model file: {e.Message}", e);
        }
    }
}
