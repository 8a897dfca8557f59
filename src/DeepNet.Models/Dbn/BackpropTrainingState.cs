using System.Globalization;
using System.Text.Json;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// The full state of a <see cref="BackpropTrainer"/> run: options, network, momentum velocities, generator state and
/// the position in the current epoch. <see cref="BackpropTrainer.Resume"/> continues the run bit for bit; the bytes
/// are a safetensors file (layer l's tensors are <c>layer{l}.weight</c>, <c>layer{l}.bias</c> and their velocities).
/// </summary>
public sealed class BackpropTrainingState : ISafeTensorsState
{
    private const string Format = "deepnet.backprop-state";
    private const string Version = "1";
    private static readonly ScheduleStateFormat ScheduleFormat = new(RngAsJsonArray: true, "epoch_loss", "epoch_wrong");

    internal BackpropTrainingState(
        BackpropOptions options, DenseSigmoidNetwork network, Matrix[] weightVelocity, float[][] biasVelocity, ScheduleState schedule,
        BackpropEpochMetrics[] history)
    {
        Options = options;
        Network = network;
        WeightVelocity = weightVelocity;
        BiasVelocity = biasVelocity;
        Schedule = schedule;
        History = history;
    }

    public BackpropOptions Options { get; }

    /// <summary>A copy of the network at the time of capture.</summary>
    public DenseSigmoidNetwork Network { get; }

    public int SampleCount => Schedule.SampleCount;

    /// <summary>The 1-based epoch the run continues with.</summary>
    public int NextEpoch => Schedule.NextEpoch;

    /// <summary>The 0-based minibatch of <see cref="NextEpoch"/> the run continues with.</summary>
    public int NextBatch => Schedule.NextBatch;

    public IReadOnlyList<BackpropEpochMetrics> History { get; }

    internal Matrix[] WeightVelocity { get; }

    internal float[][] BiasVelocity { get; }

    internal ulong[] RngState => Schedule.RngState;

    /// <summary>The generator, position, and the epoch's summed loss and wrongly classified samples (the tally).</summary>
    internal ScheduleState Schedule { get; }

    public byte[] ToBytes() => SafeTensorsState.Write(this);

    public void AppendTo(SafeTensorsContents contents)
    {
        contents.SetFormat(Format, Version);
        contents["options"] = JsonSerializer.Serialize(Options);
        contents["layers"] = Network.LayerCount.ToString(CultureInfo.InvariantCulture);
        Schedule.WriteTo(contents, ScheduleFormat);
        contents["history"] = JsonSerializer.Serialize(History);
        for (int l = 0; l < Network.LayerCount; l++)
        {
            Matrix w = Network.Weights(l);
            contents.Add($"layer{l}.weight", [w.Rows, w.Cols], w.Data);
            contents.Add($"layer{l}.bias", [w.Rows], Network.Bias(l));
            contents.Add($"layer{l}.weight_velocity", [w.Rows, w.Cols], WeightVelocity[l].Data);
            contents.Add($"layer{l}.bias_velocity", [w.Rows], BiasVelocity[l]);
        }
    }

    /// <summary>Restores a state written by <see cref="ToBytes"/>; throws <see cref="InvalidDataException"/> on anything inconsistent.</summary>
    public static BackpropTrainingState FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(bytes);
        if (metadata.GetValueOrDefault("format") != Format || metadata.GetValueOrDefault("version") != Version)
        {
            throw new InvalidDataException($"Not a {Format} file of version {Version}.");
        }

        try
        {
            BackpropOptions options = JsonSerializer.Deserialize<BackpropOptions>(metadata["options"])
                ?? throw new InvalidDataException("Checkpoint options are missing.");
            int layers = int.Parse(metadata["layers"], CultureInfo.InvariantCulture);
            var weights = new Matrix[layers];
            var biases = new float[layers][];
            var weightVelocity = new Matrix[layers];
            var biasVelocity = new float[layers][];
            for (int l = 0; l < layers; l++)
            {
                weights[l] = ToMatrix(tensors[$"layer{l}.weight"]);
                biases[l] = tensors[$"layer{l}.bias"].Data;
                weightVelocity[l] = ToMatrix(tensors[$"layer{l}.weight_velocity"]);
                biasVelocity[l] = tensors[$"layer{l}.bias_velocity"].Data;
                if (weightVelocity[l].Rows != weights[l].Rows || weightVelocity[l].Cols != weights[l].Cols || biasVelocity[l].Length != biases[l].Length)
                {
                    throw new InvalidDataException($"Layer {l}'s velocities do not match its weights.");
                }
            }

            var network = new DenseSigmoidNetwork(weights, biases);
            return new BackpropTrainingState(
                options, network, weightVelocity, biasVelocity, ScheduleState.ReadFrom(metadata, ScheduleFormat),
                JsonSerializer.Deserialize<BackpropEpochMetrics[]>(metadata["history"]) ?? []);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Corrupt {Format} file: {e.Message}", e);
        }
    }

    private static Matrix ToMatrix(Tensor tensor)
    {
        if (tensor.Shape.Length != 2)
        {
            throw new InvalidDataException($"Tensor {tensor.Name} must be 2-D.");
        }

        return new Matrix(tensor.Shape[0], tensor.Shape[1], tensor.Data);
    }
}
