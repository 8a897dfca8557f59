using DeepNet.Data;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Library;

/// <summary>Uploaded data sets as the job kinds train on them.</summary>
public static class UserDatasets
{
    /// <summary>The uploaded data set of a "user" spec, as stored (unfiltered).</summary>
    public static async Task<Dataset> LoadAsync(DataSpec spec, IDbContextFactory<DeepNetDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (spec.DatasetId is { } id ? await db.LoadDatasetAsync(id, cancellationToken) : null)
            ?? throw new InvalidOperationException($"Data set {spec.DatasetId} no longer exists.");
    }
}
