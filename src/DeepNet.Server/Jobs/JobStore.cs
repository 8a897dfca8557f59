using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>What the worker writes at the end of an epoch, in one transaction.</summary>
public sealed record EpochRecord(
    Guid JobId,
    EpochMetricDto Metric,
    int CompletedEpochs,
    SafeTensorsFile Checkpoint,
    ProgressDto? Progress,
    IReadOnlyList<ImageMessage> Images,
    IReadOnlyDictionary<string, byte[]> ImagePngs,
    EpochReportDto? Report = null);

/// <summary>
/// What a multi-stage job (DBN, CNN) writes at the end of an epoch of one of its stages, in one transaction:
/// the stage epoch, the checkpoint of the whole job, the progress and any newly rendered images.
/// </summary>
/// <param name="CompletedEpochs">Epochs completed over all stages so far (the job's resume point, shown as "resumed after").</param>
public sealed record StageEpochRecord(
    Guid JobId,
    StageEpochDto Epoch,
    int CompletedEpochs,
    SafeTensorsFile Checkpoint,
    ProgressDto? Progress,
    IReadOnlyList<ImageMessage> Images,
    IReadOnlyDictionary<string, byte[]> ImagePngs);

/// <summary>A job's last checkpoint: the epochs it completed and the trainer's state (a safetensors file).</summary>
public sealed record StoredCheckpoint(int CompletedEpochs, byte[] State);

/// <summary>A validated job request of any kind, ready to store as a queued job.</summary>
/// <param name="OptionsJson">The kind's own spec with defaults applied.</param>
/// <param name="PatchesJson">A patch RBM's patches spec.</param>
/// <param name="EvaluationJson">The evaluations to run after training.</param>
/// <param name="Estimate">The kind's estimate of the job's cost, checked against the budget before the job is stored.</param>
public sealed record JobDraft(
    string Name, string Kind, string OptionsJson, string DataSpecJson, string? PatchesJson = null, string? EvaluationJson = null, JobEstimate? Estimate = null);

/// <summary>
/// Reads and writes jobs. Every status change goes through <see cref="TryTransitionAsync"/>, a conditional
/// update (WHERE Status = from) so a cancel and the worker can never both win (on PostgreSQL too: under READ COMMITTED
/// an UPDATE that waited for another's row lock checks the WHERE again against the committed row). Each call uses its own short-lived
/// context and a short transaction.
/// </summary>
public sealed class JobStore(
    IDbContextFactory<DeepNetDbContext> contexts, JobLiveFeed feed, ModelKindRegistry kinds, JobBudget budget, RunningJobRegistry running, TimeProvider clock)
{
    private const int MaxErrorLength = 4000;

    /// <summary>Stores a validated draft as a queued job of <paramref name="ownerId"/>.</summary>
    public async Task<Job> CreateAsync(JobDraft draft, string ownerId, CancellationToken cancellationToken = default)
    {
        var job = NewJob(draft, ownerId, clock.GetUtcNow().UtcDateTime, budget);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    /// <summary>A new queued job from a draft (not yet added to any context).</summary>
    public static Job NewJob(JobDraft draft, string ownerId, DateTime createdAt, JobBudget budget) => new()
    {
        EstimatedPeakMemoryBytes = draft.Estimate?.PeakMemoryBytes,
        EstimatedRunSeconds = draft.Estimate is { } estimate ? budget.RunSeconds(estimate) : null,
        EstimatedStorageBytes = draft.Estimate?.StorageBytes,
        Id = Guid.NewGuid(),
        OwnerId = ownerId,
        Name = draft.Name,
        Kind = draft.Kind,
        Status = JobStatus.Queued,
        CreatedAt = createdAt,
        OptionsJson = draft.OptionsJson,
        DataSpecJson = draft.DataSpecJson,
        PatchesJson = draft.PatchesJson,
        EvaluationJson = draft.EvaluationJson,
    };

    /// <summary>The stored stage epochs of a job, oldest first.</summary>
    public async Task<IReadOnlyList<StageEpochDto>> GetStageEpochsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var epochs = await db.JobStageEpochs.AsNoTracking().Where(e => e.JobId == id).ToListAsync(cancellationToken);
        return epochs.OrderBy(e => e.CreatedAt).ThenBy(e => e.Epoch).Select(JobMapper.ToDto).ToList();
    }

    /// <summary>Stage epoch, checkpoint, progress and newly rendered images of one epoch of a multi-stage job, in one transaction.</summary>
    public async Task SaveStageEpochAsync(StageEpochRecord record, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var job = await db.Jobs.SingleAsync(j => j.Id == record.JobId, cancellationToken);
        if (record.Progress is { } p)
        {
            SetProgress(job, p);
        }

        var epoch = await db.JobStageEpochs.FindAsync([record.JobId, record.Epoch.Stage, record.Epoch.Epoch], cancellationToken);
        if (epoch is null)
        {
            epoch = new JobStageEpoch { JobId = record.JobId, Stage = record.Epoch.Stage, Epoch = record.Epoch.Epoch, CreatedAt = record.Epoch.CreatedAt };
            db.JobStageEpochs.Add(epoch);
        }

        epoch.MetricsJson = record.Epoch.Metrics.GetRawText();
        await SaveWithCheckpointAsync(db, record.JobId, record.CompletedEpochs, record.Checkpoint, record.Images, record.ImagePngs, now, cancellationToken);
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
        var stages = await db.JobStageEpochs.AsNoTracking().Where(e => e.JobId == id).ToListAsync(cancellationToken);
        var queue = job.Status == JobStatus.Queued ? await ForecastAsync(db, cancellationToken) : null;
        return JobMapper.ToDto(job, kinds.Find(job.Kind), history, LiveProgress(job), reports, evaluations, stages, queue?.GetValueOrDefault(job.Id));
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

    /// <summary>
    /// One page of an owner's jobs, newest first, filtered: the job rows' listed columns only (no history, reports,
    /// evaluations or images), the experiment each belongs to, and the queue forecast when a listed job waits.
    /// </summary>
    /// <returns>The page, or null when <see cref="JobListQuery.Experiment"/> is not an experiment of the owner.</returns>
    public async Task<JobListPage?> ListAsync(string ownerId, JobListQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var experiments = await db.Experiments.AsNoTracking()
            .Where(e => e.OwnerId == ownerId)
            .Select(e => new { e.Id, e.Name, e.RowsJson })
            .ToListAsync(cancellationToken);
        var rowOf = new Dictionary<Guid, JobExperimentDto>();
        foreach (var experiment in experiments)
        {
            foreach (var row in ExperimentRows.Read(experiment.RowsJson))
            {
                rowOf[row.JobId] = new JobExperimentDto(experiment.Id, experiment.Name, row.Key);
            }
        }

        var jobs = db.Jobs.AsNoTracking().Where(j => j.OwnerId == ownerId);
        if (query.Experiment is { } experimentId)
        {
            if (experiments.All(e => e.Id != experimentId))
            {
                return null;
            }

            var ids = rowOf.Where(r => r.Value.Id == experimentId).Select(r => r.Key).ToList();
            jobs = jobs.Where(j => ids.Contains(j.Id));
        }

        if (query.Kind is { } kind)
        {
            jobs = jobs.Where(j => j.Kind == kind);
        }

        if (query.Status is { } status)
        {
            jobs = jobs.Where(j => j.Status == status);
        }

        if (query.Text is { } text)
        {
            string lower = text.ToLowerInvariant();
            jobs = jobs.Where(j => j.Name.ToLower().Contains(lower));
        }

        int total = await jobs.CountAsync(cancellationToken);
        var page = await jobs
            .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .Select(j => new Job
            {
                Id = j.Id,
                Name = j.Name,
                Kind = j.Kind,
                OwnerId = j.OwnerId,
                Status = j.Status,
                CreatedAt = j.CreatedAt,
                StartedAt = j.StartedAt,
                FinishedAt = j.FinishedAt,
                Error = j.Error,
                OptionsJson = j.OptionsJson,
                DataSpecJson = j.DataSpecJson,
                PatchesJson = j.PatchesJson,
                ProgressEpoch = j.ProgressEpoch,
                ProgressEpochs = j.ProgressEpochs,
                ProgressBatch = j.ProgressBatch,
                ProgressBatchesPerEpoch = j.ProgressBatchesPerEpoch,
                ProgressReconstructionError = j.ProgressReconstructionError,
                ProgressSamplesPerSecond = j.ProgressSamplesPerSecond,
                ProgressEtaSeconds = j.ProgressEtaSeconds,
                ProgressPhase = j.ProgressPhase,
                ProgressLoss = j.ProgressLoss,
                Stage = j.Stage,
                ModelId = j.ModelId,
            })
            .ToListAsync(cancellationToken);
        var queue = page.Any(j => j.Status == JobStatus.Queued) ? await ForecastAsync(db, cancellationToken) : null;
        var items = page
            .Select(j => JobMapper.ToSummary(j, kinds.Find(j.Kind), LiveProgress(j), queue?.GetValueOrDefault(j.Id), rowOf.GetValueOrDefault(j.Id)))
            .ToList();
        return new JobListPage(items, total);
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

    /// <summary>The job's last checkpoint with its state read from the blob store, or null when it has none.</summary>
    public async Task<StoredCheckpoint?> GetCheckpointAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        for (int attempt = 1; ; attempt++)
        {
            var row = await db.JobCheckpoints.AsNoTracking().SingleOrDefaultAsync(c => c.JobId == id, cancellationToken);
            try
            {
                return row is null ? null : new StoredCheckpoint(row.CompletedEpochs, await db.Blobs.ReadAllBytesAsync(row.StateHash, cancellationToken));
            }
            catch (BlobMissingException) when (attempt == 1)
            {
                // A running job replaced the checkpoint (and removed the old state) between the two reads: read the new one.
            }
        }
    }

    /// <summary>
    /// Every queued job's place in the fair queue and expected start: the running jobs finish as their progress (or
    /// estimate) says, then the queued ones run one after another in fair order for their estimated time.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, QueueSlotDto>> ForecastAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ForecastAsync(db, cancellationToken);
    }

    private async Task<IReadOnlyDictionary<Guid, QueueSlotDto>> ForecastAsync(DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var running = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Running)
            .Select(j => new { j.Id, j.StartedAt, j.ProgressEtaSeconds, j.EstimatedRunSeconds })
            .ToListAsync(cancellationToken);
        double busySeconds = running.Sum(r =>
            feed.GetProgress(r.Id)?.EtaSeconds
            ?? r.ProgressEtaSeconds
            ?? Math.Max(0, (r.EstimatedRunSeconds ?? 0) - (now - (r.StartedAt ?? now)).TotalSeconds));

        var order = await FairOrderAsync(db, [], cancellationToken);
        var ids = order.Select(j => j.Id).ToList();
        var durations = await db.Jobs.AsNoTracking()
            .Where(j => ids.Contains(j.Id))
            .Select(j => new { j.Id, j.EstimatedRunSeconds })
            .ToDictionaryAsync(j => j.Id, j => j.EstimatedRunSeconds ?? 0, cancellationToken);

        // One worker runs the jobs one after another.
        var slots = new Dictionary<Guid, QueueSlotDto>(order.Count);
        double startsIn = busySeconds;
        for (int i = 0; i < order.Count; i++)
        {
            slots[order[i].Id] = new QueueSlotDto(i + 1, now.AddSeconds(startsIn));
            startsIn += durations.GetValueOrDefault(order[i].Id);
        }

        return slots;
    }

    /// <summary>The queued jobs of owners not in <paramref name="excludedOwners"/>, in <see cref="FairShareOrder"/>.</summary>
    internal static async Task<IReadOnlyList<FairShareOrder.QueuedJob>> FairOrderAsync(
        DeepNetDbContext db, IReadOnlyCollection<string> excludedOwners, CancellationToken cancellationToken)
    {
        var queued = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued && !excludedOwners.Contains(j.OwnerId))
            .Select(j => new FairShareOrder.QueuedJob(j.Id, j.OwnerId, j.CreatedAt))
            .ToListAsync(cancellationToken);
        if (queued.Count == 0)
        {
            return [];
        }

        var owners = queued.Select(j => j.OwnerId).Distinct().ToList();
        var lastStarts = await db.Jobs.AsNoTracking()
            .Where(j => owners.Contains(j.OwnerId) && j.StartedAt != null)
            .GroupBy(j => j.OwnerId)
            .Select(g => new { Owner = g.Key, Last = g.Max(j => j.StartedAt!.Value) })
            .ToDictionaryAsync(g => g.Owner, g => g.Last, StringComparer.Ordinal, cancellationToken);
        return FairShareOrder.Order(queued, lastStarts);
    }

    /// <summary>Jobs <paramref name="ownerId"/> has waiting in the queue.</summary>
    public async Task<int> CountQueuedAsync(string ownerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.CountAsync(j => j.OwnerId == ownerId && j.Status == JobStatus.Queued, cancellationToken);
    }

    /// <summary>
    /// Moves the job from <paramref name="from"/> to <paramref name="to"/> if it is still in <paramref name="from"/>,
    /// setting the timestamps and error that go with the new status. False when another party changed it first.
    /// </summary>
    public async Task<bool> TryTransitionAsync(Guid id, JobStatus from, JobStatus to, string? error = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        bool moved = await TransitionAsync(db, id, from, to, error, modelId: null, cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return moved;
    }

    /// <summary>Asks the worker running the job, in whatever process, to cancel it; false when the job is not running.</summary>
    public async Task<bool> RequestCancelAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs
            .Where(j => j.Id == jobId && j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), cancellationToken) == 1;
    }

    /// <summary>A run that starts from scratch: drop anything a previous attempt left.</summary>
    public async Task ResetTrainingStateAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.JobEpochMetrics.Where(m => m.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await db.JobEpochReports.Where(r => r.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await db.JobEvaluations.Where(e => e.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await db.JobStageEpochs.Where(e => e.JobId == id).ExecuteDeleteAsync(cancellationToken);
        await JobRetention.RemoveCheckpointAsync(db, id, cancellationToken);
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
            SetProgress(job, p);
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

        await SaveWithCheckpointAsync(db, record.JobId, record.CompletedEpochs, record.Checkpoint, record.Images, record.ImagePngs, now, cancellationToken);
    }

    private static void SetProgress(Job job, ProgressDto p)
    {
        job.ProgressEpoch = p.Epoch;
        job.ProgressEpochs = p.Epochs;
        job.ProgressBatch = p.Batch;
        job.ProgressBatchesPerEpoch = p.BatchesPerEpoch;
        job.ProgressReconstructionError = p.ReconstructionError;
        job.ProgressSamplesPerSecond = p.SamplesPerSecond;
        job.ProgressEtaSeconds = p.EtaSeconds;
        job.ProgressPhase = p.Phase;
        job.ProgressLoss = p.Loss;
    }

    /// <summary>
    /// Saves the context's changes, the job's new checkpoint and images in one transaction. The checkpoint's state is
    /// written into the blob store from the state's arrays first (fsynced, outside the transaction); the row then names it.
    /// The replaced state's blob is removed after the commit unless another row names it (a checkpoint every epoch
    /// would otherwise pile up until the orphan sweep).
    /// </summary>
    private async Task SaveWithCheckpointAsync(
        DeepNetDbContext db, Guid jobId, int completedEpochs, SafeTensorsFile checkpoint, IReadOnlyList<ImageMessage> images,
        IReadOnlyDictionary<string, byte[]> pngs, DateTime now, CancellationToken cancellationToken)
    {
        BlobRef state = await db.Blobs.WriteAsync(checkpoint.WriteTo, cancellationToken);
        string? replaced = await db.JobCheckpoints.Where(c => c.JobId == jobId).Select(c => c.StateHash).SingleOrDefaultAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await Held(db, jobId).AnyAsync(cancellationToken))
        {
            throw new LeaseLostException(jobId);
        }

        int updated = await db.JobCheckpoints.Where(c => c.JobId == jobId).ExecuteUpdateAsync(
            set => set.SetProperty(c => c.CompletedEpochs, completedEpochs).SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.StateHash, state.Hash).SetProperty(c => c.SizeBytes, state.Length),
            cancellationToken);
        if (updated == 0)
        {
            db.JobCheckpoints.Add(new JobCheckpoint { JobId = jobId, CompletedEpochs = completedEpochs, StateHash = state.Hash, SizeBytes = state.Length, UpdatedAt = now });
        }

        await SetImagesAsync(db, jobId, images, pngs, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (replaced is not null && replaced != state.Hash)
        {
            await BlobSweep.RemoveIfUnreferencedAsync(db, replaced, cancellationToken);
        }
    }

    private static async Task SetImagesAsync(
        DeepNetDbContext db, Guid jobId, IReadOnlyList<ImageMessage> images, IReadOnlyDictionary<string, byte[]> pngs, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var message in images)
        {
            var image = await db.JobImages.FindAsync([jobId, message.Kind], cancellationToken);
            if (image is null)
            {
                image = new JobImage { JobId = jobId, Kind = message.Kind };
                db.JobImages.Add(image);
            }

            image.Version = message.Version;
            image.Png = pngs[message.Kind];
            image.UpdatedAt = now;
        }
    }

    /// <summary>
    /// Running → Succeeded together with the stored model, its <paramref name="file"/> written into the blob store from
    /// the model's arrays (the row gets its hash and size); the transition removes the checkpoint.
    /// </summary>
    public async Task<bool> CompleteAsync(Guid id, TrainedModel model, SafeTensorsFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        BlobRef stored = await db.Blobs.WriteAsync(file.WriteTo, cancellationToken);
        model.FileHash = stored.Hash;
        model.SizeBytes = stored.Length;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await TransitionAsync(db, id, JobStatus.Running, JobStatus.Succeeded, error: null, model.Id, cancellationToken) != 1)
        {
            return false;
        }

        // The job's owner owns what it made; the job kinds need not know who that is.
        model.OwnerId = await db.Jobs.Where(j => j.Id == id).Select(j => j.OwnerId).SingleAsync(cancellationToken);
        db.TrainedModels.Add(model);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Deletes a finished job with everything it stored (<see cref="JobRetention.RemoveJobDataAsync"/>); the model it made
    /// stays, no longer linked to it. A queued or running job is left alone. The job's status (finished: it was deleted),
    /// or null when there is no such job.
    /// </summary>
    public async Task<JobStatus?> DeleteFinishedAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var status = await db.Jobs.Where(j => j.Id == id).Select(j => (JobStatus?)j.Status).SingleOrDefaultAsync(cancellationToken);
        if (status is not { } finished || !JobStateMachine.IsFinished(finished))
        {
            return status;
        }

        await JobRetention.RemoveJobDataAsync(db, id, cancellationToken);
        await db.TrainedModels.Where(m => m.JobId == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.JobId, (Guid?)null), cancellationToken);
        // Conditional like every status change: should the job have left its finished state meanwhile, nothing is deleted.
        if (await db.Jobs.Where(j => j.Id == id && j.Status == finished).ExecuteDeleteAsync(cancellationToken) != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await GetStatusAsync(id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return finished;
    }

    /// <summary>The status change itself, in the caller's transaction; a job that finishes without further use for its checkpoint loses it here.</summary>
    private async Task<int> TransitionAsync(DeepNetDbContext db, Guid id, JobStatus from, JobStatus to, string? error, Guid? modelId, CancellationToken cancellationToken)
    {
        JobStateMachine.EnsureCanTransition(from, to);
        var now = clock.GetUtcNow().UtcDateTime;
        if (error is { Length: > MaxErrorLength })
        {
            error = error[..MaxErrorLength];
        }

        int moved = await Held(db, id)
            .Where(j => j.Status == from)
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
                        s.SetProperty(j => j.LeaseOwner, (string?)null);
                        s.SetProperty(j => j.LeaseExpiresAt, (DateTime?)null);
                    }

                    if (modelId is { } m)
                    {
                        s.SetProperty(j => j.ModelId, m);
                    }
                },
                cancellationToken);
        if (moved == 1 && !JobRetention.KeepsCheckpoint(to))
        {
            await JobRetention.RemoveCheckpointAsync(db, id, cancellationToken);
        }

        return moved;
    }

    /// <summary>
    /// The job, if this process may write for it: any job that does not run here (a cancel, the web node), and a job
    /// that runs here only while its row still names this process's lease (a worker that lost it to another writes nothing).
    /// </summary>
    private IQueryable<Job> Held(DeepNetDbContext db, Guid id) =>
        running.LeaseOf(id) is { } lease
            ? db.Jobs.Where(j => j.Id == id && j.LeaseOwner == lease)
            : db.Jobs.Where(j => j.Id == id);

    private static IQueryable<JobEvaluation> WithoutImage(IQueryable<JobEvaluation> evaluations) =>
        evaluations.AsNoTracking().Select(e => new JobEvaluation { Id = e.Id, JobId = e.JobId, Kind = e.Kind, Json = e.Json, CreatedAt = e.CreatedAt });

    private ProgressDto? LiveProgress(Job job) =>
        job.Status == JobStatus.Running ? feed.GetProgress(job.Id) : null;
}
