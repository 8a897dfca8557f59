using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepNet.Server.Persistence;

/// <summary>The database: SQLite under the data directory, the caller's view as the scoped context, migrations at startup.</summary>
public static class PersistenceServiceExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        // Resolved from the final configuration (tests and hosts may set Storage:DataDirectory late).
        services.AddSingleton(sp => new SqliteStorage(sp.GetRequiredService<IConfiguration>()));
        services.AddDbContextFactory<DeepNetDbContext>((sp, options) => options
            .UseSqlite(sp.GetRequiredService<SqliteStorage>().ConnectionString)
            // SQLite rebuilds a table to alter it, with foreign keys off outside the migration's transaction; EF warns about
            // it on every fresh database. The rebuilds are EF's own and run at startup before anything else touches the file.
            .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning)));
        // The scoped context is the caller's view (see DeepNetDbContext); contexts from the factory are the worker's, unrestricted.
        // AddDbContextFactory registered a plain scoped context already: replace it.
        services.Replace(ServiceDescriptor.Scoped(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContext();
            db.Viewer = sp.GetRequiredService<RequestUser>();
            return db;
        }));
        services.AddScoped<RequestUser>();
        return services;
    }

    /// <summary>Applies EF migrations (never EnsureCreated), switches SQLite to WAL and to incremental auto-vacuum.</summary>
    public static WebApplication MigrateDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DeepNetDbContext>();
        app.Logger.LogInformation("Database: {Path}.", Path.Combine(app.Services.GetRequiredService<SqliteStorage>().DataDirectory, SqliteStorage.DatabaseFileName));
        db.Database.Migrate();
        if (db.Database.IsSqlite())
        {
            // Persistent in the database file: readers (HTTP) never block the worker's writes and vice versa.
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
            SqliteVacuum.EnsureIncrementalAutoVacuum(db, app.Logger);
        }

        return app;
    }
}
