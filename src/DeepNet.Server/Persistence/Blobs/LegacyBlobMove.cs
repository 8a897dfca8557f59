using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace DeepNet.Server.Persistence.Blobs;

/// <summary>
/// Moves the blobs a database from before the blob store holds in its rows into the store, between the migration that
/// adds the hash columns (…_BlobHashes) and the one that drops the blob columns (…_DropBlobColumns). Each row's blob is
/// copied into the store (streamed, committed, fsynced) before its row gets the hash, and the rows that have a hash are
/// skipped, so an interrupted move simply continues at the next start; the columns are dropped only after every row moved.
/// </summary>
public static class LegacyBlobMove
{
    public const string AddHashesMigration = "_BlobHashes";
    public const string DropColumnsMigration = "_DropBlobColumns";

    /// <summary>The tables and columns of the move: (table, key, blob column, hash column); each table has "SizeBytes".</summary>
    private static readonly (string Table, string Key, string Blob, string Hash)[] _columns =
    [
        ("TrainedModels", "Id", "File", "FileHash"),
        ("JobCheckpoints", "JobId", "State", "StateHash"),
        ("UserDatasets", "Id", "Blob", "BlobHash"),
        ("UserImages", "Id", "Png", "PngHash"),
    ];

    /// <summary>Applies the migrations with the move in between when the blob columns are still to drop; how many blobs moved.</summary>
    public static int Migrate(DeepNetDbContext db, IBlobStore store, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(store);
        var pending = db.Database.GetPendingMigrations().ToList();
        int moved = 0;
        if (pending.Any(m => m.EndsWith(DropColumnsMigration, StringComparison.Ordinal)))
        {
            // Only ever forwards: migrating "to" a migration that is applied already would revert the later ones.
            if (pending.FirstOrDefault(m => m.EndsWith(AddHashesMigration, StringComparison.Ordinal)) is { } addHashes)
            {
                db.GetService<IMigrator>().Migrate(addHashes);
            }

            moved = MoveAll(db, store, logger);
        }

        db.Database.Migrate();
        return moved;
    }

    private static int MoveAll(DeepNetDbContext db, IBlobStore store, ILogger logger)
    {
        db.Database.OpenConnection();
        try
        {
            var connection = db.Database.GetDbConnection();
            int moved = 0;
            foreach (var (table, key, blob, hash) in _columns)
            {
                var rows = Unmoved(connection, table, key, hash);
                if (rows.Count > 0)
                {
                    logger.LogInformation("Blob store: moving {Count} blob(s) of {Table} out of the database.", rows.Count, table);
                }

                foreach (var (rowId, id) in rows)
                {
                    using var source = connection switch
                    {
                        NpgsqlConnection postgres => PostgresByteaStream.Open(postgres, table, blob, key, (Guid)id),
                        SqliteConnection sqlite => (Stream)new SqliteBlob(sqlite, table, blob, rowId, readOnly: true),
                        _ => throw new NotSupportedException($"No blob move for {connection.GetType().Name}."),
                    };
                    if (source is null)
                    {
                        continue;
                    }

                    BlobRef stored;
                    using (var pending = store.BeginWrite())
                    {
                        source.CopyTo(pending.Content);
                        stored = pending.CommitAsync().GetAwaiter().GetResult();
                    }

                    using var update = connection.CreateCommand();
                    update.CommandText = $"""UPDATE "{table}" SET "{hash}" = @hash, "SizeBytes" = @size WHERE "{key}" = @id""";
                    AddParameter(update, "hash", stored.Hash);
                    AddParameter(update, "size", stored.Length);
                    AddParameter(update, "id", id);
                    update.ExecuteNonQuery();
                    moved++;
                }
            }

            return moved;
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>The rows still without a hash: SQLite's rowid (for its blob handle) and the key as the provider reads it.</summary>
    private static List<(long RowId, object Id)> Unmoved(DbConnection connection, string table, string key, string hash)
    {
        using var select = connection.CreateCommand();
        string rowId = connection is SqliteConnection ? "rowid" : "0";
        select.CommandText = $"""SELECT {rowId}, "{key}" FROM "{table}" WHERE "{hash}" IS NULL""";
        var rows = new List<(long, object)>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetValue(1)));
        }

        return rows;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
