using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Persistence;

/// <summary>The database (SQLite or PostgreSQL, see <see cref="DatabaseSettings"/>), the caller's view as the scoped context, migrations at startup.</summary>
public static class PersistenceServiceExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        // Resolved from the final configuration (tests and hosts may set Storage:DataDirectory and Database:* late).
        services.AddSingleton(sp => new SqliteStorage(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new DatabaseSettings(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<SqliteStorage>()));
        services.AddSingleton<IDbContextFactory<DeepNetDbContext>, DeepNetDbContextFactory>();
        // The scoped context is the caller's view (see DeepNetDbContext); contexts from the factory are the worker's, unrestricted.
        services.AddScoped(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContext();
            db.Viewer = sp.GetRequiredService<RequestUser>();
            return db;
        });
        services.AddScoped<RequestUser>();
        services.AddOptions<BlobOptions>().BindConfiguration(BlobOptions.Section)
            .Validate(o => o.OrphanGrace >= TimeSpan.Zero, "Blobs:OrphanGrace must not be negative.");
        services.AddSingleton<IBlobStore>(sp => new FileBlobStore(
            sp.GetRequiredService<IOptions<BlobOptions>>().Value.Root is { Length: > 0 } root
                ? root
                : Path.Combine(sp.GetRequiredService<SqliteStorage>().DataDirectory, "blobs")));
        return services;
    }

    /// <summary>
    /// Applies the provider's EF migrations (never EnsureCreated; on PostgreSQL this creates the database if missing), moving
    /// the blobs of an older database into the blob store on the way (<see cref="LegacyBlobMove"/>);
    /// SQLite is switched to WAL and to incremental auto-vacuum.
    /// </summary>
    public static WebApplication MigrateDatabase(this WebApplication app)
    {
        app.Logger.LogInformation("Database: {Database}.", app.Services.GetRequiredService<DatabaseSettings>().Description);
        using var db = app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContext();
        if (db.Database.IsNpgsql() && db.GetService<IRelationalDatabaseCreator>() is { } creator && !creator.Exists())
        {
            // Migrate would create it too, but only after logging a failed connection to the missing database.
            creator.Create();
        }

        LegacyBlobMove.Migrate(db, app.Services.GetRequiredService<IBlobStore>(), app.Logger);
        if (db.Database.IsSqlite())
        {
            // Persistent in the database file: readers (HTTP) never block the worker's writes and vice versa.
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
            SqliteVacuum.EnsureIncrementalAutoVacuum(db, app.Logger);
        }

        return app;
    }
}
