using DeepNet.Models;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>
/// Stored files read as streams straight from the database's blobs, and written into them straight from the tensors'
/// arrays, so serving or storing one holds a buffer, not the file.
/// </summary>
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

    /// <summary>
    /// Fills the blob column <paramref name="column"/> of the <paramref name="table"/> row whose <paramref name="keyColumn"/>
    /// is <paramref name="key"/> (saved in the caller's transaction) with <paramref name="file"/>: the column is sized with
    /// zeroblob, then written through an incremental blob handle from the file's arrays. Binding a byte[] instead would
    /// hold the whole file twice, once managed and once in SQLite's copy of the parameter.
    /// </summary>
    /// <param name="table">A table name from the model (not user input).</param>
    public static async Task WriteBlobAsync(
        this DeepNetDbContext db, string table, string column, string keyColumn, Guid key, SafeTensorsFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(file);
        string findRow = "SELECT rowid AS \"Value\" FROM \"" + table + "\" WHERE \"" + keyColumn + "\" = {0}";
        long row = await db.Database.SqlQueryRaw<long>(findRow, key).SingleAsync(cancellationToken);
        string size = "UPDATE \"" + table + "\" SET \"" + column + "\" = zeroblob({0}) WHERE rowid = {1}";
        await db.Database.ExecuteSqlRawAsync(size, new object[] { file.Length, row }, cancellationToken);
        using var blob = new SqliteBlob((SqliteConnection)db.Database.GetDbConnection(), table, column, row);
        file.WriteTo(blob);
    }
}
