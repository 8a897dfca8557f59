using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence.Blobs;

/// <summary>What one orphan sweep removed: blobs no row names, and abandoned temporary blobs.</summary>
public sealed record BlobSweepResult(int Blobs, long Bytes, int Temporaries);

/// <summary>
/// Removes the blobs no row names any more (a deleted model, data set or image; a replaced or removed checkpoint) once
/// they are older than <see cref="BlobOptions.OrphanGrace"/>. The store is listed before the database is read, so a
/// blob written meanwhile is either named by a row already or too young to go.
/// </summary>
public static class BlobSweep
{
    public static async Task<BlobSweepResult> SweepAsync(DeepNetDbContext db, IBlobStore store, DateTime cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(store);
        var candidates = store.List().Where(b => b.LastWriteUtc < cutoff).ToList();
        int temporaries = store.DeleteStaleTemporaries(cutoff);
        if (candidates.Count == 0)
        {
            return new BlobSweepResult(0, 0, temporaries);
        }

        var referenced = await ReferencedAsync(db, cancellationToken);
        int removed = 0;
        long bytes = 0;
        foreach (var blob in candidates.Where(b => !referenced.Contains(b.Hash)))
        {
            if (store.DeleteIfOlder(blob.Hash, cutoff))
            {
                removed++;
                bytes += blob.Length;
            }
        }

        return new BlobSweepResult(removed, bytes, temporaries);
    }

    /// <summary>
    /// Removes the blob <paramref name="hash"/> right away when no row names it — for a blob its one owner just replaced
    /// (a job's previous checkpoint), which would otherwise wait for the sweep. True when it was removed.
    /// </summary>
    public static async Task<bool> RemoveIfUnreferencedAsync(DeepNetDbContext db, string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        bool named = await db.JobCheckpoints.AnyAsync(c => c.StateHash == hash, cancellationToken)
            || await db.TrainedModels.IgnoreQueryFilters().AnyAsync(m => m.FileHash == hash, cancellationToken)
            || await db.UserDatasets.IgnoreQueryFilters().AnyAsync(d => d.BlobHash == hash, cancellationToken)
            || await db.UserImages.IgnoreQueryFilters().AnyAsync(i => i.PngHash == hash, cancellationToken);
        return !named && db.Blobs.DeleteIfOlder(hash, DateTime.MaxValue);
    }

    /// <summary>Every hash a row names.</summary>
    public static async Task<HashSet<string>> ReferencedAsync(DeepNetDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        hashes.UnionWith(await db.TrainedModels.IgnoreQueryFilters().Select(m => m.FileHash).ToListAsync(cancellationToken));
        hashes.UnionWith(await db.JobCheckpoints.Select(c => c.StateHash).ToListAsync(cancellationToken));
        hashes.UnionWith(await db.UserDatasets.IgnoreQueryFilters().Select(d => d.BlobHash).ToListAsync(cancellationToken));
        hashes.UnionWith(await db.UserImages.IgnoreQueryFilters().Select(i => i.PngHash).ToListAsync(cancellationToken));
        return hashes;
    }
}
