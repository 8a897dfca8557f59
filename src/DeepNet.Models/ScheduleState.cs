using System.Globalization;
using System.Text.Json;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Where a run of a <see cref="TrainingSchedule"/> stands, as every trainer's checkpoint holds it. Arrays are copies.
/// </summary>
/// <param name="RngState">The run's generator: four xoshiro256** words.</param>
/// <param name="SampleCount">Samples the run trains on.</param>
/// <param name="NextEpoch">1-based epoch that runs next (Epochs + 1 when training is complete).</param>
/// <param name="NextBatch">0-based batch of <paramref name="NextEpoch"/> that runs next.</param>
/// <param name="Order">The epoch's sample order once drawn; null at an epoch boundary before the shuffle.</param>
/// <param name="EpochLoss">The epoch's summed loss so far.</param>
/// <param name="EpochTally">The epoch's summed tally so far (correct or wrong predictions; 0 for trainers that count none).</param>
public sealed record ScheduleState(ulong[] RngState, int SampleCount, int NextEpoch, int NextBatch, int[]? Order, double EpochLoss, int EpochTally)
{
    /// <summary>Adds the fields to a checkpoint's metadata in the order and encoding of <paramref name="format"/>.</summary>
    internal void WriteTo(Dictionary<string, string> metadata, ScheduleStateFormat format)
    {
        metadata["rng"] = format.RngAsJsonArray
            ? JsonSerializer.Serialize(RngState)
            : string.Join(",", RngState.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        metadata["sample_count"] = SampleCount.ToString(CultureInfo.InvariantCulture);
        metadata["next_epoch"] = NextEpoch.ToString(CultureInfo.InvariantCulture);
        metadata["next_batch"] = NextBatch.ToString(CultureInfo.InvariantCulture);
        metadata["order"] = Order is null ? "" : JsonSerializer.Serialize(Order);
        metadata[format.EpochLossKey] = EpochLoss.ToString("R", CultureInfo.InvariantCulture);
        if (format.EpochTallyKey is not null)
        {
            metadata[format.EpochTallyKey] = EpochTally.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Adds the fields to a checkpoint being written, as <see cref="WriteTo(Dictionary{string, string}, ScheduleStateFormat)"/> spells them.</summary>
    internal void WriteTo(SafeTensorsContents contents, ScheduleStateFormat format)
    {
        var fields = new Dictionary<string, string>();
        WriteTo(fields, format);
        contents.SetMetadata(fields);
    }

    /// <summary>
    /// Reads what <see cref="WriteTo(Dictionary{string, string}, ScheduleStateFormat)"/> wrote; throws <see cref="InvalidDataException"/> on inconsistent fields, and
    /// lets KeyNotFound, Format, Overflow, Json and Argument exceptions through for the caller to report as corruption.
    /// </summary>
    internal static ScheduleState ReadFrom(IReadOnlyDictionary<string, string> metadata, ScheduleStateFormat format)
    {
        string rngText = metadata["rng"];
        ulong[] rng = format.RngAsJsonArray
            ? JsonSerializer.Deserialize<ulong[]>(rngText) ?? throw new InvalidDataException("Generator state is missing.")
            : [.. rngText.Split(',').Select(s => ulong.Parse(s, CultureInfo.InvariantCulture))];
        int sampleCount = int.Parse(metadata["sample_count"], CultureInfo.InvariantCulture);
        int nextEpoch = int.Parse(metadata["next_epoch"], CultureInfo.InvariantCulture);
        int nextBatch = int.Parse(metadata["next_batch"], CultureInfo.InvariantCulture);
        int[]? order = metadata["order"].Length == 0 ? null : JsonSerializer.Deserialize<int[]>(metadata["order"]);
        double epochLoss = double.Parse(metadata[format.EpochLossKey], CultureInfo.InvariantCulture);
        int epochTally = format.EpochTallyKey is null ? 0 : int.Parse(metadata[format.EpochTallyKey], CultureInfo.InvariantCulture);
        if (rng.Length != 4 || sampleCount < 1 || nextEpoch < 1 || nextBatch < 0 || (nextBatch > 0 && order is null)
            || (order is not null && (order.Length != sampleCount || order.Any(i => (uint)i >= (uint)sampleCount)))
            || !double.IsFinite(epochLoss))
        {
            throw new InvalidDataException("The checkpoint's fields are inconsistent.");
        }

        _ = Xoshiro256StarStar.FromState(rng);
        return new ScheduleState(rng, sampleCount, nextEpoch, nextBatch, order, epochLoss, epochTally);
    }
}

/// <summary>
/// How one checkpoint format spells a <see cref="ScheduleState"/>: the generator as "a,b,c,d" or as a JSON array, and
/// the names of the loss and tally fields. Fixed per format so that stored checkpoints keep loading.
/// </summary>
internal sealed record ScheduleStateFormat(bool RngAsJsonArray, string EpochLossKey, string? EpochTallyKey);
