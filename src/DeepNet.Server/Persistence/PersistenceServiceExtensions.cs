using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepNet.Server.Persistence;

/// <summary>The database (SQLite or PostgreSQL, see <see cref="DatabaseSettings"/>), the caller's view as the scoped context, migrations at startup.</summary>
public static class PersistenceServiceExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        // Resolved from the final configuration (tests and hosts may set Storage:DataDirectory and Database:* late).
        services.AddSingleton(sp => new SqliteStorage(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new DatabaseSettings(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<SqliteStorage>()));
        services.AddDbContextFactory<DeepNetDbContext>((sp, options) => sp.GetRequiredService<DatabaseSettings>().Configure(options));
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

    /// <summary>Applies the provider's EF migrations (never EnsureCreated); SQLite is switched to WAL.</summary>
    public static WebApplication MigrateDatabase(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<DatabaseSettings>();
        app.Logger.LogInformation("Database: {Database}.", settings.Description);
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            // PostgreSQL's migrations belong to PostgresDeepNetDbContext; Migrate also creates the database if it is missing.
            var options = new DbContextOptionsBuilder<PostgresDeepNetDbContext>()
                .UseLoggerFactory(app.Services.GetRequiredService<ILoggerFactory>());
            using var postgres = new PostgresDeepNetDbContext((DbContextOptions<PostgresDeepNetDbContext>)settings.Configure(options).Options);
            postgres.Database.Migrate();
            return app;
        }

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DeepNetDbContext>();
        db.Database.Migrate();
        // Persistent in the database file: readers (HTTP) never block the worker's writes and vice versa.
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        return app;
    }
}
