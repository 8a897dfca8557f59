using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>
/// The rules of what a job keeps and the one place its stored data is removed. A checkpoint stays only while its job may
/// still continue from it: queued or running (an interrupted job resumes), or failed within
/// <see cref="RetentionOptions.FailedCheckpointGrace"/>. A removed checkpoint's blob goes with the next orphan sweep
/// (<see cref="Persistence.Blobs.BlobSweep"/>).
/// </summary>
public static class JobRetention
{
    /// <summary>Whether a job that just went to <paramref name="status"/> keeps its checkpoint (a failed one for the grace period).</summary>
    public static bool KeepsCheckpoint(JobStatus status) => status is not (JobStatus.Succeeded or JobStatus.Canceled);

    /// <summary>The checkpoints no job may continue from any more: finished, failed before <paramref name="failedBefore"/>, or of no job at all.</summary>
    public static IQueryable<JobCheckpoint> ExpiredCheckpoints(DeepNetDbContext db, DateTime failedBefore)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.JobCheckpoints.Where(c => !db.Jobs.IgnoreQueryFilters().Any(j => j.Id == c.JobId
            && (j.Status == JobStatus.Queued
                || j.Status == JobStatus.Running
                || (j.Status == JobStatus.Failed && j.FinishedAt != null && j.FinishedAt >= failedBefore))));
    }

    /// <summary>Removes <paramref name="checkpoints"/> in the caller's transaction; how many.</summary>
    public static Task<int> RemoveCheckpointsAsync(IQueryable<JobCheckpoint> checkpoints, CancellationToken cancellationToken) =>
        checkpoints.ExecuteDeleteAsync(cancellationToken);

    /// <summary>Removes the checkpoint of job <paramref name="jobId"/> in the caller's transaction.</summary>
    public static Task<int> RemoveCheckpointAsync(DeepNetDbContext db, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return RemoveCheckpointsAsync(db.JobCheckpoints.Where(c => c.JobId == jobId), cancellationToken);
    }

    /// <summary>
    /// Removes what job <paramref name="jobId"/> stored besides its row — metrics, stage epochs, reports, evaluations,
    /// images, checkpoint — in the caller's transaction. The foreign keys cascade too, but a database written with them off
    /// (the sqlite3 shell's default) would keep the rows, and the checkpoint goes through <see cref="RemoveCheckpointsAsync"/>.
    /// </summary>
    public static async Task RemoveJobDataAsync(DeepNetDbContext db, Guid jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.JobEpochMetrics.Where(m => m.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.JobStageEpochs.Where(e => e.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.JobEpochReports.Where(r => r.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.JobEvaluations.Where(e => e.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.JobImages.Where(i => i.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await RemoveCheckpointAsync(db, jobId, cancellationToken);
    }
}
