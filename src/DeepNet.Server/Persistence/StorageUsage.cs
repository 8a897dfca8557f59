using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>Bytes one user stores, by what holds them.</summary>
/// <param name="Models">Trained, imported and forked model files.</param>
/// <param name="Datasets">Uploaded data sets.</param>
/// <param name="Images">Uploaded images.</param>
/// <param name="Checkpoints">Checkpoints of jobs that no longer run (a running or queued job's are inside its reservation).</param>
/// <param name="JobImages">Filters, reconstructions and other images of the user's jobs.</param>
/// <param name="Reserved">What the user's queued and running jobs are estimated to store (model and checkpoint).</param>
public sealed record StorageUse(long Models, long Datasets, long Images, long Checkpoints, long JobImages, long Reserved)
{
    /// <summary>Everything stored plus the reservations of jobs still to finish.</summary>
    public long Total => Models + Datasets + Images + Checkpoints + JobImages + Reserved;
}

/// <summary>Sums a user's stored bytes from the rows' sizes (their blobs are in the blob store; a blob shared by two rows counts for each).</summary>
public static class StorageUsage
{
    public static async Task<StorageUse> OfAsync(this DeepNetDbContext db, string ownerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var unfinished = new[] { JobStatus.Queued, JobStatus.Running };
        var jobs = db.Jobs.IgnoreQueryFilters().Where(j => j.OwnerId == ownerId);
        long models = await db.TrainedModels.IgnoreQueryFilters().Where(m => m.OwnerId == ownerId).SumAsync(m => m.SizeBytes, cancellationToken);
        long datasets = await db.UserDatasets.IgnoreQueryFilters().Where(d => d.OwnerId == ownerId).SumAsync(d => d.SizeBytes, cancellationToken);
        long images = await db.UserImages.IgnoreQueryFilters().Where(i => i.OwnerId == ownerId).SumAsync(i => i.SizeBytes, cancellationToken);
        long checkpoints = await db.JobCheckpoints
            .Where(c => jobs.Any(j => j.Id == c.JobId && !unfinished.Contains(j.Status)))
            .SumAsync(c => c.SizeBytes, cancellationToken);
        long jobImages = await db.JobImages.Where(i => jobs.Any(j => j.Id == i.JobId)).SumAsync(i => (long)i.Png.Length, cancellationToken);
        long reserved = await jobs.Where(j => unfinished.Contains(j.Status)).SumAsync(j => j.EstimatedStorageBytes ?? 0, cancellationToken);
        return new StorageUse(models, datasets, images, checkpoints, jobImages, reserved);
    }
}
