using System.Globalization;
using System.Text.Json;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// The full state of an <see cref="AutoEncoderTrainer"/> run: options, parameters (as an RBM), momentum velocities,
/// generator state and the position in the current epoch. The bytes are a safetensors file: the parameters as in
/// <see cref="RbmModelFile"/> ("weights", "visible_bias", "hidden_bias"), their velocities with the prefix
/// "velocity_", the small fields in the metadata.
/// </summary>
public sealed class AutoEncoderTrainingState
{
    private const string Format = "deepnet.autoencoder-state";
    private const string Version = "1";
    private const string VelocityPrefix = "velocity_";

    internal AutoEncoderTrainingState(
        RbmOptions options, Rbm model, Matrix weightVelocity, float[] visibleBiasVelocity, float[] hiddenBiasVelocity, ulong[] rngState,
        int sampleCount, int nextEpoch, int nextBatch, int[]? order, double epochLoss, DbnLayerEpochMetrics[] history)
    {
        Options = options;
        Model = model;
        WeightVelocity = weightVelocity;
        VisibleBiasVelocity = visibleBiasVelocity;
        HiddenBiasVelocity = hiddenBiasVelocity;
        RngState = rngState;
        SampleCount = sampleCount;
        NextEpoch = nextEpoch;
        NextBatch = nextBatch;
        Order = order;
        EpochLoss = epochLoss;
        History = history;
    }

    public RbmOptions Options { get; }

    /// <summary>A copy of the parameters at the time of capture: W (H×V), decoder bias b, encoder bias c.</summary>
    public Rbm Model { get; }

    public int SampleCount { get; }

    /// <summary>The 1-based epoch the run continues with.</summary>
    public int NextEpoch { get; }

    /// <summary>The 0-based minibatch of <see cref="NextEpoch"/> the run continues with.</summary>
    public int NextBatch { get; }

    public IReadOnlyList<DbnLayerEpochMetrics> History { get; }

    internal Matrix WeightVelocity { get; }

    internal float[] VisibleBiasVelocity { get; }

    internal float[] HiddenBiasVelocity { get; }

    internal ulong[] RngState { get; }

    internal int[]? Order { get; }

    internal double EpochLoss { get; }

    public byte[] ToBytes()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["version"] = Version,
            ["options"] = JsonSerializer.Serialize(Options),
            ["rng"] = JsonSerializer.Serialize(RngState),
            ["sample_count"] = SampleCount.ToString(CultureInfo.InvariantCulture),
            ["next_epoch"] = NextEpoch.ToString(CultureInfo.InvariantCulture),
            ["next_batch"] = NextBatch.ToString(CultureInfo.InvariantCulture),
            ["order"] = Order is null ? "" : JsonSerializer.Serialize(Order),
            ["epoch_loss"] = EpochLoss.ToString("R", CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(History),
        };
        var tensors = new List<Tensor>(RbmModelFile.ToTensors(Model))
        {
            new(VelocityPrefix + RbmModelFile.WeightsName, [WeightVelocity.Rows, WeightVelocity.Cols], WeightVelocity.Data),
            new(VelocityPrefix + RbmModelFile.VisibleBiasName, [VisibleBiasVelocity.Length], VisibleBiasVelocity),
            new(VelocityPrefix + RbmModelFile.HiddenBiasName, [HiddenBiasVelocity.Length], HiddenBiasVelocity),
        };
        return SafeTensors.Write(tensors, metadata);
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

            ulong[] rng = JsonSerializer.Deserialize<ulong[]>(metadata["rng"]) ?? throw new InvalidDataException("Generator state is missing.");
            int sampleCount = int.Parse(metadata["sample_count"], CultureInfo.InvariantCulture);
            int[]? order = metadata["order"].Length == 0 ? null : JsonSerializer.Deserialize<int[]>(metadata["order"]);
            if (rng.Length != 4 || (order is not null && order.Length != sampleCount))
            {
                throw new InvalidDataException("The generator state or the sample order is inconsistent.");
            }

            return new AutoEncoderTrainingState(
                options, model, new Matrix(w.Shape[0], w.Shape[1], w.Data), b.Data, c.Data, rng, sampleCount,
                int.Parse(metadata["next_epoch"], CultureInfo.InvariantCulture),
                int.Parse(metadata["next_batch"], CultureInfo.InvariantCulture),
                order,
                double.Parse(metadata["epoch_loss"], CultureInfo.InvariantCulture),
                JsonSerializer.Deserialize<DbnLayerEpochMetrics[]>(metadata["history"]) ?? []);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Corrupt {Format} file: {e.Message}", e);
        }
    }
}
