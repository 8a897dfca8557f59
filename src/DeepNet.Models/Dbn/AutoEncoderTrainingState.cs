using System.Text.Json;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// The full state of an <see cref="AutoEncoderTrainer"/> run: options, parameters (as an RBM), momentum velocities,
/// generator state and the position in the current epoch. The bytes are a safetensors file: the parameters as in
/// <see cref="RbmModelFile"/> ("weights", "visible_bias", "hidden_bias"), their velocities with the prefix
/// "velocity_", the small fields in the metadata.
/// </summary>
public sealed class AutoEncoderTrainingState : ISafeTensorsState
{
    private const string Format = "deepnet.autoencoder-state";
    private const string Version = "1";
    private const string VelocityPrefix = "velocity_";
    private static readonly ScheduleStateFormat ScheduleFormat = new(RngAsJsonArray: true, "epoch_loss", EpochTallyKey: null);

    internal AutoEncoderTrainingState(
        RbmOptions options, Rbm model, Matrix weightVelocity, float[] visibleBiasVelocity, float[] hiddenBiasVelocity,
        ScheduleState schedule, DbnLayerEpochMetrics[] history)
    {
        Options = options;
        Model = model;
        WeightVelocity = weightVelocity;
        VisibleBiasVelocity = visibleBiasVelocity;
        HiddenBiasVelocity = hiddenBiasVelocity;
        Schedule = schedule;
        History = history;
    }

    public RbmOptions Options { get; }

    /// <summary>A copy of the parameters at the time of capture: W (H×V), decoder bias b, encoder bias c.</summary>
    public Rbm Model { get; }

    public int SampleCount => Schedule.SampleCount;

    /// <summary>The 1-based epoch the run continues with.</summary>
    public int NextEpoch => Schedule.NextEpoch;

    /// <summary>The 0-based minibatch of <see cref="NextEpoch"/> the run continues with.</summary>
    public int NextBatch => Schedule.NextBatch;

    public IReadOnlyList<DbnLayerEpochMetrics> History { get; }

    internal Matrix WeightVelocity { get; }

    internal float[] VisibleBiasVelocity { get; }

    internal float[] HiddenBiasVelocity { get; }

    /// <summary>The generator, position and the epoch's summed loss.</summary>
    internal ScheduleState Schedule { get; }

    public byte[] ToBytes() => SafeTensorsState.Write(this);

    public void AppendTo(SafeTensorsContents contents)
    {
        RbmModelFile.AddTensors(Model, contents);
        contents.Add(VelocityPrefix + RbmModelFile.WeightsName, [WeightVelocity.Rows, WeightVelocity.Cols], WeightVelocity.Data);
        contents.Add(VelocityPrefix + RbmModelFile.VisibleBiasName, [VisibleBiasVelocity.Length], VisibleBiasVelocity);
        contents.Add(VelocityPrefix + RbmModelFile.HiddenBiasName, [HiddenBiasVelocity.Length], HiddenBiasVelocity);
        contents.SetFormat(Format, Version);
        contents["options"] = JsonSerializer.Serialize(Options);
        Schedule.WriteTo(contents, ScheduleFormat);
        contents["history"] = JsonSerializer.Serialize(History);
    }

    /// <summary>Restores a state written by <see cref="ToBytes"/>; throws <see cref="InvalidDataException"/> on anything inconsistent.</summary>
    public static AutoEncoderTrainingState FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(bytes);
        if (metadata.GetValueOrDefault("format") != Format || metadata.GetValueOrDefault("version") != Version)
        {
            throw new InvalidDataException($"Not a {Format} file of version {Version}.");
        }

        try
        {
            RbmOptions options = JsonSerializer.Deserialize<RbmOptions>(metadata["options"])
                ?? throw new InvalidDataException("Checkpoint options are missing.");
            Rbm model = RbmModelFile.FromTensors(tensors);
            Tensor w = RbmModelFile.Require(tensors, VelocityPrefix + RbmModelFile.WeightsName, 2);
            Tensor b = RbmModelFile.Require(tensors, VelocityPrefix + RbmModelFile.VisibleBiasName, 1);
            Tensor c = RbmModelFile.Require(tensors, VelocityPrefix + RbmModelFile.HiddenBiasName, 1);
            if (w.Shape[0] != model.HiddenUnits || w.Shape[1] != model.VisibleUnits || b.Shape[0] != model.VisibleUnits
                || c.Shape[0] != model.HiddenUnits || options.HiddenUnits != model.HiddenUnits)
            {
                throw new InvalidDataException("The velocities or the options do not match the parameters.");
            }

            return new AutoEncoderTrainingState(
                options, model, new Matrix(w.Shape[0], w.Shape[1], w.Data), b.Data, c.Data, ScheduleState.ReadFrom(metadata, ScheduleFormat),
                JsonSerializer.Deserialize<DbnLayerEpochMetrics[]>(metadata["history"]) ?? []);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Corrupt {Format} file: {e.Message}", e);
        }
    }
}
