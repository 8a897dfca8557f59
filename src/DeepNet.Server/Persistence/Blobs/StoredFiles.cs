using DeepNet.Data;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence.Blobs;

/// <summary>The files the rows name, read from the context's blob store (<see cref="DeepNetDbContext.Blobs"/>).</summary>
public static class StoredFiles
{
    /// <summary>
    /// A read-only, seekable stream over the file of model <paramref name="modelId"/> (no access check: the caller found
    /// the model through its view first); null when there is no such model.
    /// </summary>
    public static async Task<Stream?> OpenModelFileAsync(this DeepNetDbContext db, Guid modelId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        string? hash = await db.TrainedModels.IgnoreQueryFilters().Where(m => m.Id == modelId).Select(m => m.FileHash).SingleOrDefaultAsync(cancellationToken);
        return hash is null ? null : db.Blobs.OpenRead(hash);
    }

    /// <summary>The whole file of the one model <paramref name="models"/> selects (through the caller's view), or null.</summary>
    public static async Task<byte[]?> ReadModelFileAsync(this DeepNetDbContext db, IQueryable<TrainedModel> models, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(models);
        string? hash = await models.Select(m => m.FileHash).SingleOrDefaultAsync(cancellationToken);
        return hash is null ? null : await db.Blobs.ReadAllBytesAsync(hash, cancellationToken);
    }

    /// <summary>The uploaded data set <paramref name="datasetId"/> as floats (its file may hold bytes), or null when there is none in the context's view.</summary>
    public static async Task<Dataset?> LoadDatasetAsync(this DeepNetDbContext db, Guid datasetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        string? hash = await db.UserDatasets.Where(d => d.Id == datasetId).Select(d => d.BlobHash).SingleOrDefaultAsync(cancellationToken);
        if (hash is null)
        {
            return null;
        }

        await using var stream = db.Blobs.OpenRead(hash);
        return DatasetFile.Load(stream);
    }
}
