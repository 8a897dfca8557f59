using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>Stored files read as streams, straight from the database's blobs, so serving one holds a buffer, not the file.</summary>
public static class StoredFiles
{
    /// <summary>
    /// A read-only, seekable stream over the file of model <paramref name="modelId"/> (no access check: the caller found
    /// the model through its view first); null when there is no such model. It keeps the context's connection open; dispose
    /// it before the context.
    /// </summary>
    public static async Task<Stream?> OpenModelFileAsync(this DeepNetDbContext db, Guid modelId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        long? rowId = await db.Database
            .SqlQuery<long>($"""SELECT rowid AS "Value" FROM "TrainedModels" WHERE "Id" = {modelId}""")
            .Cast<long?>()
            .SingleOrDefaultAsync(cancellationToken);
        if (rowId is not { } row)
        {
            return null;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        return new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), "TrainedModels", nameof(TrainedModel.File), row, readOnly: true);
    }
}
