using DeepNet.Data;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Library;

/// <summary>Uploaded data sets as the job kinds train on them.</summary>
public static class UserDatasets
{
    /// <summary>The uploaded data set of a "user" spec, as stored (unfiltered).</summary>
    public static async Task<Dataset> LoadAsync(DataSpec spec, IDbContextFactory<DeepNetDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        byte[]? blob = spec.DatasetId is { } id
            ? await db.UserDatasets.AsNoTracking().Where(d => d.Id == id).Select(d => d.Blob).SingleOrDefaultAsync(cancellationToken)
            : null;
        return blob is null
            ? throw new InvalidOperationException($"Data set {spec.DatasetId} no longer exists.")
            : DatasetFile.Load(blob);
    }
}
