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

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, JsonDefaults.Options);

    public static RbmOptions ReadOptions(string json) =>
        JsonSerializer.Deserialize<RbmOptions>(json, JsonDefaults.Options) ?? new RbmOptions();

    public static DataSpec ReadDataSpec(string json) =>
        JsonSerializer.Deserialize<DataSpec>(json, JsonDefaults.Options) ?? new DataSpec();

    public static PatchesSpec? ReadPatches(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<PatchesSpec>(json, JsonDefaults.Options);

    public static EvaluationSpec? ReadEvaluation(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<EvaluationSpec>(json, JsonDefaults.Options);

    public static EpochReportDto? ReadReport(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<EpochReportDto>(json, JsonDefaults.Options);

    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, JsonDefaults.Options);

    /// <param name="reports">Stored monitoring reports by epoch; null leaves the history items without reports (the job list).</param>
    /// <param name="stages">Stored stage epochs of a multi-stage job; null in the job list.</param>
    public static JobDto ToDto(
        Job job,
        IModelKind? kind,
        IEnumerable<JobEpochMetric> history,
        ProgressDto? liveProgress = null,
        IReadOnlyDictionary<int, string>? reports = null,
        IEnumerable<JobEvaluation>? evaluations = null,
        IEnumerable<JobStageEpoch>? stages = null,
        QueueSlotDto? queue = null)
    {
        var specs = kind?.DescribeSpecs(job.OptionsJson) ?? JobSpecs.None;
        return new(
            job.Id,
            job.Name,
            job.Kind,
            job.Status,
            job.CreatedAt,
            job.StartedAt,
            job.FinishedAt,
            job.Error,
            specs.Rbm,
            ReadDataSpec(job.DataSpecJson),
            liveProgress ?? StoredProgress(job),
            history.OrderBy(m => m.Epoch).Select(m => ToDto(m, reports?.GetValueOrDefault(m.Epoch))).ToList(),
            job.ModelId,
            job.ResumedFromEpoch,
            ReadPatches(job.PatchesJson),
            ReadEvaluation(job.EvaluationJson),
            (evaluations ?? []).OrderBy(e => e.CreatedAt).Select(e => ToDto(e, kind?.Images.EvaluationImage(e.Kind))).ToList(),
            specs.Dbn,
            specs.Cnn,
            (stages ?? []).OrderBy(e => e.CreatedAt).ThenBy(e => e.Epoch).Select(ToDto).ToList(),
            job.OwnerId,
            queue,
            job.EstimatedPeakMemoryBytes is { } memory && job.EstimatedRunSeconds is { } seconds ? new JobEstimateDto(memory, seconds) : null);
    }

    /// <summary>A job as the job list shows it (<paramref name="job"/> holds the listed columns only).</summary>
    public static JobSummaryDto ToSummary(Job job, IModelKind? kind, ProgressDto? liveProgress, QueueSlotDto? queue, JobExperimentDto? experiment)
    {
        var specs = kind?.DescribeSpecs(job.OptionsJson) ?? JobSpecs.None;
        return new(
            job.Id,
            job.Name,
            job.Kind,
            job.Status,
            job.CreatedAt,
            job.StartedAt,
            job.FinishedAt,
            job.Error,
            specs.Rbm,
            ReadDataSpec(job.DataSpecJson),
            ReadPatches(job.PatchesJson),
            specs.Dbn,
            specs.Cnn,
            liveProgress ?? StoredProgress(job),
            job.ModelId,
            job.OwnerId,
            queue,
            experiment);
    }

    public static T? Read<T>(string json) => JsonSerializer.Deserialize<T>(json, JsonDefaults.Options);

    public static StageEpochDto ToDto(JobStageEpoch epoch)
    {
        using var metrics = JsonDocument.Parse(epoch.MetricsJson);
        return new StageEpochDto(epoch.Stage, epoch.Epoch, epoch.CreatedAt, metrics.RootElement.Clone());
    }

    public static EpochMetricDto ToDto(JobEpochMetric metric, string? reportJson = null) =>
        new(metric.Epoch, metric.ReconstructionError, metric.SamplesPerSecond, metric.Seconds, ReadReport(reportJson));

    /// <param name="imageKind">The job image the evaluation renders, or null.</param>
    public static EvaluationDto ToDto(JobEvaluation evaluation, string? imageKind)
    {
        using var result = JsonDocument.Parse(evaluation.Json);
        return new EvaluationDto(
            evaluation.Kind,
            evaluation.CreatedAt,
            result.RootElement.Clone(),
            imageKind is null ? null : $"/api/jobs/{evaluation.JobId}/images/{imageKind}");
    }

    public static ProgressDto Progress(int epoch, int epochs, int batch, int batchesPerEpoch, float reconstructionError, double samplesPerSecond, double samplesPerBatch)
    {
        long total = (long)epochs * batchesPerEpoch;
        long done = (long)(epoch - 1) * batchesPerEpoch + batch;
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 0;
        double eta = samplesPerSecond > 0 ? Math.Max(0, total - done) * samplesPerBatch / samplesPerSecond : 0;
        return new ProgressDto(epoch, epochs, batch, batchesPerEpoch, fraction, reconstructionError, samplesPerSecond, eta);
    }

    public static ProgressMessage ToMessage(Guid jobId, ProgressDto p) =>
        new(jobId, p.Epoch, p.Epochs, p.Batch, p.BatchesPerEpoch, p.Fraction, p.ReconstructionError, p.SamplesPerSecond, p.EtaSeconds, p.Stage, p.Phase, p.Loss);

    public static ImageMessage ToMessage(JobImage image) =>
        new(image.JobId, image.Kind, Convert.ToBase64String(image.Png), image.Version);

    /// <summary>The "report" of a model's metrics JSON (the last epoch's monitoring report).</summary>
    public static EpochReportDto? ReadFinalReport(string metricsJson)
    {
        using var metrics = JsonDocument.Parse(metricsJson);
        return metrics.RootElement.ValueKind == JsonValueKind.Object
            && metrics.RootElement.TryGetProperty("report", out var report)
            && report.ValueKind == JsonValueKind.Object
            ? report.Deserialize<EpochReportDto>(JsonDefaults.Options)
            : null;
    }

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
            JobStateMachine.IsFinished(job.Status) ? 0 : job.ProgressEtaSeconds ?? 0,
            job.Stage ?? JobStages.Training,
            job.ProgressPhase,
            job.ProgressLoss);
    }
}
