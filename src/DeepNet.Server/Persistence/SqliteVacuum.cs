using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>
/// Gives the space of deleted rows back to the file system. SQLite only reuses freed pages; with auto_vacuum=INCREMENTAL
/// the free pages can be cut off the end of the file at any time (<see cref="ReclaimFreePagesAsync"/>) without the full
/// rewrite, exclusive lock and double disk space of a VACUUM. Other providers manage their space themselves: no-ops there.
/// </summary>
public static class SqliteVacuum
{
    private const int Incremental = 2;

    /// <summary>
    /// Switches the database to incremental auto-vacuum once. The mode only takes effect when set before the first table
    /// exists or followed by a VACUUM, so a database that is not incremental yet (every database made before this, and
    /// a new one whose tables the migrations just created) is rewritten once, here, at startup.
    /// </summary>
    public static void EnsureIncrementalAutoVacuum(DeepNetDbContext db, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsSqlite() || Mode(db) == Incremental)
        {
            return;
        }

        logger.LogInformation("Database: switching to incremental auto-vacuum, one VACUUM of {Megabytes:F1} MB.", FileBytes(db) / 1048576.0);
        // The pragma and the VACUUM that applies it must run on one connection.
        db.Database.OpenConnection();
        try
        {
            db.Database.ExecuteSqlRaw("PRAGMA auto_vacuum=INCREMENTAL;");
            db.Database.ExecuteSqlRaw("VACUUM;");
        }
        finally
        {
            db.Database.CloseConnection();
        }

        if (Mode(db) != Incremental)
        {
            throw new InvalidOperationException("SQLite did not switch the database to auto_vacuum=INCREMENTAL.");
        }

        logger.LogInformation("Database: incremental auto-vacuum on; the file is now {Megabytes:F1} MB.", FileBytes(db) / 1048576.0);
    }

    /// <summary>
    /// Cuts the free pages off the end of the file and checkpoints the write-ahead log so the file shrinks now (a passive
    /// checkpoint: it never waits for readers or blocks the worker's writes; a later one finishes what it leaves). The
    /// bytes of free pages before, for the log.
    /// </summary>
    public static async Task<long> ReclaimFreePagesAsync(DeepNetDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsSqlite())
        {
            return 0;
        }

        long free = (await db.Database.SqlQueryRaw<long>("""SELECT "freelist_count" AS "Value" FROM pragma_freelist_count""").ToListAsync(cancellationToken)).Single()
            * (await db.Database.SqlQueryRaw<long>("""SELECT "page_size" AS "Value" FROM pragma_page_size""").ToListAsync(cancellationToken)).Single();
        await db.Database.ExecuteSqlRawAsync("PRAGMA incremental_vacuum;", cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);", cancellationToken);
        return free;
    }

    private static long Mode(DeepNetDbContext db) =>
        db.Database.SqlQueryRaw<long>("""SELECT "auto_vacuum" AS "Value" FROM pragma_auto_vacuum""").AsEnumerable().Single();

    private static long FileBytes(DeepNetDbContext db) =>
        db.Database.SqlQueryRaw<long>("""SELECT "page_count" AS "Value" FROM pragma_page_count""").AsEnumerable().Single()
        * db.Database.SqlQueryRaw<long>("""SELECT "page_size" AS "Value" FROM pragma_page_size""").AsEnumerable().Single();
}
