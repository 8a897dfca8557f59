using System.Globalization;
using System.Text.Json;

namespace DeepNet.Models.Cnn;

/// <summary>
/// Saves a <see cref="CnnTrainingState"/> as safetensors: parameters as "param.{i}.{name}" with their shapes (loadable
/// from Python), optimizer buffers as "optimizer.{i}", everything else as JSON in the metadata.
/// </summary>
public static class CnnCheckpointFile
{
    private const string Format = "deepnet-cnn-checkpoint";
    private const string Version = "1";
    private static readonly ScheduleStateFormat ScheduleFormat = new(RngAsJsonArray: false, "epoch_loss_sum", "epoch_correct");

    public static byte[] ToBytes(CnnTrainingState state) => Prepare(state).ToArray();

    /// <summary>The file <see cref="ToBytes"/> writes, ready to be written to a stream (the state's arrays referenced, not copied).</summary>
    public static SafeTensorsFile Prepare(CnnTrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var network = Network.Restore(state.InputShape, state.Layers, 1, state.RngState, state.Parameters);
        var contents = new SafeTensorsContents();
        for (int i = 0; i < state.Parameters.Count; i++)
        {
            Parameter p = network.Parameters[i];
            contents.Add($"param.{i}.{p.Name}", p.Shape, state.Parameters[i]);
        }

        for (int i = 0; i < state.OptimizerState.Count; i++)
        {
            contents.Add($"optimizer.{i}", [state.OptimizerState[i].Length], state.OptimizerState[i]);
        }

        contents.SetFormat(Format, Version);
        contents["options"] = JsonSerializer.Serialize(state.Options);
        contents["input"] = JsonSerializer.Serialize(state.InputShape);
        contents["layers"] = JsonSerializer.Serialize(state.Layers);
        contents["optimizer_steps"] = state.OptimizerSteps.ToString(CultureInfo.InvariantCulture);
        state.Schedule.WriteTo(contents, ScheduleFormat);
        contents["history"] = JsonSerializer.Serialize(state.History);
        return contents.ToFile();
    }

    /// <summary>Restores a state written by <see cref="ToBytes"/>; throws <see cref="InvalidDataException"/> on anything inconsistent.</summary>
    public static CnnTrainingState FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(bytes);
        if (metadata.GetValueOrDefault("format") != Format || metadata.GetValueOrDefault("version") != Version)
        {
            throw new InvalidDataException($"Not a {Format} file of version {Version}.");
        }

        try
        {
            CnnOptions options = JsonSerializer.Deserialize<CnnOptions>(metadata["options"]) ?? throw new InvalidDataException("The options are missing.");
            options.Validate();
            TensorShape input = JsonSerializer.Deserialize<TensorShape>(metadata["input"]);
            List<LayerSpec> layers = JsonSerializer.Deserialize<List<LayerSpec>>(metadata["layers"]) ?? throw new InvalidDataException("The layers are missing.");
            var shapeOnly = new Network(input, layers, 1, seed: 1);
            var parameters = new float[shapeOnly.Parameters.Count][];
            for (int i = 0; i < parameters.Length; i++)
            {
                Parameter p = shapeOnly.Parameters[i];
                Tensor t = tensors[$"param.{i}.{p.Name}"];
                parameters[i] = t.Data.Length == p.Value.Length ? t.Data : throw new InvalidDataException($"Parameter {i} has {t.Data.Length} values, not {p.Value.Length}.");
            }

            int buffers = options.Optimizer == CnnOptimizerKind.Adam ? 2 * parameters.Length : parameters.Length;
            var optimizer = new float[buffers][];
            for (int i = 0; i < buffers; i++)
            {
                float[] data = tensors[$"optimizer.{i}"].Data;
                optimizer[i] = data.Length == parameters[i % parameters.Length].Length ? data : throw new InvalidDataException($"Optimizer buffer {i} has the wrong length.");
            }

            return new CnnTrainingState(
                options, input, layers, parameters, optimizer,
                long.Parse(metadata["optimizer_steps"], CultureInfo.InvariantCulture), ScheduleState.ReadFrom(metadata, ScheduleFormat),
                JsonSerializer.Deserialize<List<CnnEpochMetrics>>(metadata["history"]) ?? []);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The checkpoint is corrupt: {e.Message}", e);
        }
    }
}
