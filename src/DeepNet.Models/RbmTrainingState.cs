using System.Globalization;
using System.Text.Json;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Everything needed to continue an RBM run exactly where it stopped: options, parameters, RNG state,
/// position (next epoch and batch, and the epoch's sample order when stopped mid-epoch) and the history.
/// Stored as a safetensors file whose metadata carries the non-tensor fields.
/// </summary>
public sealed class RbmTrainingState
{
    private const string Format = "deepnet-rbm-checkpoint";
    private const string Version = "1";

    internal RbmTrainingState(
        RbmOptions options, Rbm rbm, ulong[] rngState, int sampleCount, int nextEpoch, int nextBatch,
        int[]? order, double epochErrorSum, IReadOnlyList<EpochMetrics> history)
    {
        Options = options;
        Rbm = rbm;
        RngState = rngState;
        SampleCount = sampleCount;
        NextEpoch = nextEpoch;
        NextBatch = nextBatch;
        Order = order;
        EpochErrorSum = epochErrorSum;
        History = history;
    }

    public RbmOptions Options { get; }

    /// <summary>A copy of the parameters at the checkpoint.</summary>
    public Rbm Rbm { get; }

    public int SampleCount { get; }

    /// <summary>1-based epoch that runs next (Options.Epochs + 1 when training is complete).</summary>
    public int NextEpoch { get; }

    /// <summary>0-based batch of <see cref="NextEpoch"/> that runs next.</summary>
    public int NextBatch { get; }

    public int CompletedEpochs => NextEpoch - 1;

    public IReadOnlyList<EpochMetrics> History { get; }

    internal ulong[] RngState { get; }

    /// <summary>The current epoch's sample order; null at an epoch boundary.</summary>
    internal int[]? Order { get; }

    internal double EpochErrorSum { get; }

    public byte[] ToBytes()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["version"] = Version,
            ["options"] = JsonSerializer.Serialize(Options),
            ["rng"] = string.Join(",", RngState.Select(s => s.ToString(CultureInfo.InvariantCulture))),
            ["sample_count"] = SampleCount.ToString(CultureInfo.InvariantCulture),
            ["next_epoch"] = NextEpoch.ToString(CultureInfo.InvariantCulture),
            ["next_batch"] = NextBatch.ToString(CultureInfo.InvariantCulture),
            ["order"] = Order is null ? "" : JsonSerializer.Serialize(Order),
            ["epoch_error_sum"] = EpochErrorSum.ToString("R", CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(History),
        };
        return SafeTensors.Write(RbmModelFile.ToTensors(Rbm), metadata);
    }

    /// <summary>Restores a state written by <see cref="ToBytes"/>; throws <see cref="InvalidDataException"/> on anything inconsistent.</summary>
    public static RbmTrainingState FromBytes(byte[] bytes)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(bytes);
        if (metadata.GetValueOrDefault("format") != Format || metadata.GetValueOrDefault("version") != Version)
        {
            throw new InvalidDataException($"Not a {Format} version {Version} file.");
        }

        try
        {
            Rbm rbm = RbmModelFile.FromTensors(tensors);
            RbmOptions options = JsonSerializer.Deserialize<RbmOptions>(metadata["options"])
                ?? throw new InvalidDataException("Checkpoint options are missing.");
            ulong[] rng = metadata["rng"].Split(',').Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            int sampleCount = int.Parse(metadata["sample_count"], CultureInfo.InvariantCulture);
            int nextEpoch = int.Parse(metadata["next_epoch"], CultureInfo.InvariantCulture);
            int nextBatch = int.Parse(metadata["next_batch"], CultureInfo.InvariantCulture);
            int[]? order = metadata["order"].Length == 0 ? null : JsonSerializer.Deserialize<int[]>(metadata["order"]);
            double errorSum = double.Parse(metadata["epoch_error_sum"], CultureInfo.InvariantCulture);
            List<EpochMetrics> history = JsonSerializer.Deserialize<List<EpochMetrics>>(metadata["history"]) ?? [];
            if (options.HiddenUnits != rbm.HiddenUnits || rng.Length != 4 || nextEpoch < 1 || nextBatch < 0
                || (nextBatch > 0) != (order is not null) || (order is not null && order.Length != sampleCount))
            {
                throw new InvalidDataException("The checkpoint's fields are inconsistent.");
            }

            _ = Xoshiro256StarStar.FromState(rng);
            return new RbmTrainingState(options, rbm, rng, sampleCount, nextEpoch, nextBatch, order, errorSum, history);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The checkpoint is corrupt: {e.Message}", e);
        }
    }
}
