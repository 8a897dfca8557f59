using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>Entity ↔ contract conversions.</summary>
public static class JobMapper
{
    public const string RbmKind = "rbm";

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, JsonDefaults.Options);

    public static RbmOptions ReadOptions(string json) =>
        JsonSerializer.Deserialize<RbmOptions>(json, JsonDefaults.Options) ?? new RbmOptions();

    public static DataSpec ReadDataSpec(string json) =>
        JsonSerializer.Deserialize<DataSpec>(json, JsonDefaults.Options) ?? new DataSpec();

    public static JobDto ToDto(Job job, IEnumerable<JobEpochMetric> history, ProgressDto? liveProgress = null) => new(
        job.Id,
        job.Name,
        job.Kind,
        job.Status,
        job.CreatedAt,
        job.StartedAt,
        job.FinishedAt,
        job.Error,
        ReadOptions(job.OptionsJson),
        ReadDataSpec(job.DataSpecJson),
        liveProgress ?? StoredProgress(job),
        history.OrderBy(m => m.Epoch).Select(ToDto).ToList(),
        job.ModelId,
        job.ResumedFromEpoch);

    public static EpochMetricDto ToDto(JobEpochMetric metric) =>
        new(metric.Epoch, metric.ReconstructionError, metric.SamplesPerSecond, metric.Seconds);

    public static ProgressDto Progress(int epoch, int epochs, int batch, int batchesPerEpoch, float reconstructionError, double samplesPerSecond, double samplesPerBatch)
    {
        long total = (long)epochs * batchesPerEpoch;
        long done = (long)(epoch - 1) * batchesPerEpoch + batch;
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        double eta = samplesPerSecond > 0 ? Math.Max(0, total - done) * samplesPerBatch / samplesPerSecond : 0;
        return new ProgressDto(epoch, epochs, batch, batchesPerEpoch, fraction, reconstructionError, samplesPerSecond, eta);
    }

    public static ProgressMessage ToMessage(Guid jobId, ProgressDto p) =>
        new(jobId, p.Epoch, p.Epochs, p.Batch, p.BatchesPerEpoch, p.Fraction, p.ReconstructionError, p.SamplesPerSecond, p.EtaSeconds);

    public static ImageMessage ToMessage(JobImage image) =>
        new(image.JobId, image.Kind, Convert.ToBase64String(image.Png), image.Version);

    public static ModelDto ToDto(TrainedModel model) => new(
        model.Id,
        model.Name,
        model.Kind,
        model.JobId,
        model.CreatedAt,
        model.VisibleUnits,
        model.HiddenUnits,
        model.ImageWidth,
        model.ImageHeight,
        ReadOptions(model.OptionsJson),
        ReadDataSpec(model.DataSpecJson),
        model.ReconstructionError,
        model.SizeBytes,
        $"/api/models/{model.Id}/file");

    private static ProgressDto? StoredProgress(Job job)
    {
        if (job.ProgressEpoch is not { } epoch || job.ProgressEpochs is not { } epochs
            || job.ProgressBatch is not { } batch || job.ProgressBatchesPerEpoch is not { } batches)
        {
            return null;
        }

        long total = (long)epochs * batches;
        long done = (long)(epoch - 1) * batches + batch;
        return new ProgressDto(
            epoch,
            epochs,
            batch,
            batches,
            total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0,
            job.ProgressReconstructionError ?? 0,
            job.ProgressSamplesPerSecond ?? 0,
            JobStateMachine.IsFinished(job.Status) ? 0 : job.ProgressEtaSeconds ?? 0);
    }
}
