using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Endpoints;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>What the worker writes at the end of an epoch, in one transaction.</summary>
public sealed record EpochRecord(
    Guid JobId,
    EpochMetricDto Metric,
    int CompletedEpochs,
    byte[] Checkpoint,
    ProgressDto? Progress,
    IReadOnlyList<ImageMessage> Images,
    IReadOnlyDictionary<string, byte[]> ImagePngs,
    EpochReportDto? Report = null);

/// <summary>
/// Reads and writes jobs. Every status change goes through <see cref="TryTransitionAsync"/>, a conditional
/// update (WHERE Status = from) so a cancel and the worker can never both win. Each call uses its own short-lived
/// context and a short transaction.
/// </summary>
public sealed class JobStore(IDbContextFactory<DeepNetDbContext> contexts, JobLiveFeed feed, TimeProvider clock)
{
    private const int MaxErrorLength = 4000;

    public async Task<Job> CreateAsync(JobSubmission submission, CancellationToken cancellationToken = default)
    {
        var job = new Job
        {
            Id = Guid.NewGuid(),
            Name = JobRequestValidator.NameOrDefault(submission.Name),
            Kind = submission.Kind,
            Status = JobStatus.Queued,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            OptionsJson = JobMapper.ToJson(submission.Rbm),
            DataSpecJson = JobMapper.ToJson(submission.Data),
            PatchesJson = submission.Patches is null ? null : JobMapper.ToJson(submission.Patches),
            EvaluationJson = submission.Evaluation is null ? null : JobMapper.ToJson(submission.Evaluation),
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task<JobDto?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var history = await db.JobEpochMetrics.AsNoTracking().Where(m => m.JobId == id).ToListAsync(cancellationToken);
        var reports = await db.JobEpochReports.AsNoTracking().Where(r => r.JobId == id).ToDictionaryAsync(r => r.Epoch, r => r.ReportJson, cancellationToken);
        var evaluations = await WithoutImage(db.JobEvaluations.Where(e => e.JobId == id)).ToListAsync(cancellationToken);
        return JobMapper.ToDto(job, history, LiveProgress(job), reports, evaluations);
    }

    /// <summary>The job's finished evaluations (without their images).</summary>
    public async Task<IReadOnlyList<JobEvaluation>> GetEvaluationsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await WithoutImage(db.JobEvaluations.Where(e => e.JobId == id)).OrderBy(e => e.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>The PNG an evaluation rendered, or null.</summary>
    public async Task<byte[]?> GetEvaluationImageAsync(Guid id, string evaluationKind, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.JobEvaluations.AsNoTracking()
            .Where(e => e.JobId == id && e.Kind == evaluationKind)
            .Select(e => e.Png)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Stores an evaluation (replacing one of the same kind).</summary>
    public async Task SaveEvaluationAsync(JobEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.JobEvaluations.Where(e => e.JobId == evaluation.JobId && e.Kind == evaluation.Kind).ExecuteDeleteAsync(cancellationToken);
        db.JobEvaluations.Add(evaluation);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Records what a running job does now: "training" or "evaluating".</summary>
    public async Task SetStageAsync(Guid id, string stage, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Stage, stage), cancellationToken);
    }

    /// <summary>All jobs, newest first.</summary>
    public async Task<IReadOnlyList<JobDto>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking().OrderByDescending(j => j.CreatedAt).ToListAsync(cancellationToken);
        var history = (await db.JobEpochMetrics.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(m => m.JobId);
        // Reports (up to thousands of numbers per epoch) are left to GET /api/jobs/{id}; evaluations are small.
        var evaluations = (await WithoutImage(db.JobEvaluations).ToListAsync(cancellationToken)).ToLookup(e => e.JobId);
        return jobs.Select(j => JobMapper.ToDto(j, history[j.Id], LiveProgress(j), evaluations: evaluations[j.Id])).ToList();
    }

    public async Task<JobStatus?> GetStatusAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.Id == id).Select(j => (JobStatus?)j.Status).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<Job?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
    }

    public async Task<IReadOnlyList<ImageMessage>> GetImagesAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var images = await db.JobImages.AsNoTracking().Where(i => i.JobId == id).ToListAsync(cancellationToken);
        return images.OrderBy(i => i.Kind, StringComparer.Ordinal).Select(JobMapper.ToMessage).ToList();
    }

    public async Task<JobImage?> GetImageAsync(Guid id, string kind, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.JobImages.AsNoTracking().SingleOrDefaultAsync(i => i.JobId == id && i.Kind == kind, cancellationToken);
    }

    public async Task<JobCheckpoint?> GetCheckpointAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.JobCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.JobId == id, cancellationToken);
    }

    /// <summary>The oldest queued job, or null.</summary>
    public async Task<Guid?> NextQueuedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs
            .Where(j => j.Status == JobStatus.Queued)
            .OrderBy(j => j.CreatedAt)
            .Select(j => (Guid?)j.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Moves the job from <paramref name="from"/> to <paramref name="to"/> if it is still in <paramref name="from"/>,
    /// setting the timestamps and error that go with the new status. False when another party changed it first.
    /// </summary>
    public async Task<bool> TryTransitionAsync(Guid id, JobStatus from, JobStatus to, string? error = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await TransitionAsync(db, id, from, to, error, modelId: null, cancellationToken) == 1;
    }

    /// <summary>Jobs left Running by a process that stopped go back to the queue; their checkpoints stay.</summary>
    public async Task<int> RequeueInterruptedAsync(CancellationToken cancellationToken = default)
    {
        JobStateMachine.EnsureCanTransition(JobStatus.Running, JobStatus.Queued);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs
            .Where(j => j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Queued), cancellationToken);
    }

    /// <summary>A run that starts from scratch: drop anything a previous attempt left.</summary>
    public async Task ResetTrainingStateAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.JobEpochMetrics.Where(m => m.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await db.JobEpochReports.Where(r => r.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await db.JobEvaluations.Where(e => e.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await db.JobCheckpoints.Where(c => c.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.ResumedFromEpoch, (int?)null).SetProperty(j => j.Stage, JobStages.Training),
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A run that continues from a checkpoint after <paramref name="completedEpochs"/> epochs.</summary>
    public async Task MarkResumedAsync(Guid id, int completedEpochs, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Metrics and checkpoint are written together, so this only matters if that invariant was ever broken.
        await db.JobEpochMetrics.Where(m => m.JobId == id && m.Epoch > completedEpochs).ExecuteDeleteAsync(cancellationToken);
        await db.JobEpochReports.Where(r => r.JobId == id && r.Epoch > completedEpochs).ExecuteDeleteAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.ResumedFromEpoch, completedEpochs), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Metric, checkpoint, progress and any newly rendered images of one epoch, in one transaction.</summary>
    public async Task SaveEpochAsync(EpochRecord record, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var job = await db.Jobs.SingleAsync(j => j.Id == record.JobId, cancellationToken);
        if (record.Progress is { } p)
        {
            job.ProgressEpoch = p.Epoch;
            job.ProgressEpochs = p.Epochs;
            job.ProgressBatch = p.Batch;
            job.ProgressBatchesPerEpoch = p.BatchesPerEpoch;
            job.ProgressReconstructionError = p.ReconstructionError;
            job.ProgressSamplesPerSecond = p.SamplesPerSecond;
            job.ProgressEtaSeconds = p.EtaSeconds;
        }

        var metric = await db.JobEpochMetrics.FindAsync([record.JobId, record.Metric.Epoch], cancellationToken);
        if (metric is null)
        {
            metric = new JobEpochMetric { JobId = record.JobId, Epoch = record.Metric.Epoch };
            db.JobEpochMetrics.Add(metric);
        }

        metric.ReconstructionError = record.Metric.ReconstructionError;
        metric.SamplesPerSecond = record.Metric.SamplesPerSecond;
        metric.Seconds = record.Metric.Seconds;

        if (record.Report is { } report)
        {
            var stored = await db.JobEpochReports.FindAsync([record.JobId, record.Metric.Epoch], cancellationToken);
            if (stored is null)
            {
                stored = new JobEpochReport { JobId = record.JobId, Epoch = record.Metric.Epoch };
                db.JobEpochReports.Add(stored);
            }

            stored.ReportJson = JobMapper.ToJson(report);
        }

        var checkpoint = await db.JobCheckpoints.FindAsync([record.JobId], cancellationToken);
        if (checkpoint is null)
        {
            checkpoint = new JobCheckpoint { JobId = record.JobId };
            db.JobCheckpoints.Add(checkpoint);
        }

        checkpoint.CompletedEpochs = record.CompletedEpochs;
        checkpoint.State = record.Checkpoint;
        checkpoint.UpdatedAt = now;

        foreach (var message in record.Images)
        {
            var image = await db.JobImages.FindAsync([record.JobId, message.Kind], cancellationToken);
            if (image is null)
            {
                image = new JobImage { JobId = record.JobId, Kind = message.Kind };
                db.JobImages.Add(image);
            }

            image.Version = message.Version;
            image.Png = record.ImagePngs[message.Kind];
            image.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Running → Succeeded together with the stored model; the checkpoint is no longer needed.</summary>
    public async Task<bool> CompleteAsync(Guid id, TrainedModel model, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await TransitionAsync(db, id, JobStatus.Running, JobStatus.Succeeded, error: null, model.Id, cancellationToken) != 1)
        {
            return false;
        }

        db.TrainedModels.Add(model);
        await db.SaveChangesAsync(cancellationToken);
        await db.JobCheckpoints.Where(c => c.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<int> TransitionAsync(DeepNetDbContext db, Guid id, JobStatus from, JobStatus to, string? error, Guid? modelId, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureCanTransition(from, to);
        var now = clock.GetUtcNow().UtcDateTime;
        if (error is { Length: > MaxErrorLength })
        {
            error = error[..MaxErrorLength];
        }

        return await db.Jobs
            .Where(j => j.Id == id && j.Status == from)
            .ExecuteUpdateAsync(
                s =>
                {
                    s.SetProperty(j => j.Status, to);
                    if (to == JobStatus.Running)
                    {
                        s.SetProperty(j => j.StartedAt, j => j.StartedAt ?? (DateTime?)now);
                    }

                    if (JobStateMachine.IsFinished(to))
                    {
                        s.SetProperty(j => j.FinishedAt, now);
                        s.SetProperty(j => j.Error, error);
                        s.SetProperty(j => j.ProgressEtaSeconds, (double?)null);
                    }

                    if (modelId is { } m)
                    {
                        s.SetProperty(j => j.ModelId, m);
                    }
                },
                cancellationToken);
    }

    private static IQueryable<JobEvaluation> WithoutImage(IQueryable<JobEvaluation> evaluations) =>
        evaluations.AsNoTracking().Select(e => new JobEvaluation { Id = e.Id, JobId = e.JobId, Kind = e.Kind, Json = e.Json, CreatedAt = e.CreatedAt });

    private ProgressDto? LiveProgress(Job job) =>
        job.Status == JobStatus.Running ? feed.GetProgress(job.Id) : null;
}
