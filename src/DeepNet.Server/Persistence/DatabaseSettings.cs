using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeepNet.Server.Persistence;

/// <summary>The database engines the service runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>The single-machine default: &lt;Storage:DataDirectory&gt;/deepnet.db.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL database (several web nodes and workers).</summary>
    Postgres,
}

/// <summary>
/// The one place that decides which database the service uses: <c>Database:Provider</c> = <c>sqlite</c> (default) or
/// <c>postgres</c>, the latter with <c>ConnectionStrings:DeepNet</c> (or <c>Database:ConnectionString</c>).
/// </summary>
public sealed class DatabaseSettings
{
    public const string ProviderKey = "Database:Provider";
    public const string ConnectionStringKey = "Database:ConnectionString";
    public const string ConnectionStringName = "DeepNet";

    public DatabaseSettings(IConfiguration configuration, SqliteStorage storage)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(storage);
        Provider = ParseProvider(configuration[ProviderKey]);
        ConnectionString = Provider switch
        {
            DatabaseProvider.Postgres => configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } named ? named
                : configuration[ConnectionStringKey] is { Length: > 0 } configured ? configured
                : throw new InvalidOperationException(
                    $"{ProviderKey}=postgres needs a connection string: ConnectionStrings:{ConnectionStringName} or {ConnectionStringKey}."),
            _ => storage.ConnectionString,
        };
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>Where the data is, for the log: the SQLite file, or host and database (never the password).</summary>
    public string Description => Provider switch
    {
        DatabaseProvider.Postgres when new NpgsqlConnectionStringBuilder(ConnectionString) is var b => $"PostgreSQL {b.Host}:{b.Port}/{b.Database}",
        _ => $"SQLite {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource}",
    };

    public static DatabaseProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
        _ => throw new InvalidOperationException($"{ProviderKey} must be 'sqlite' or 'postgres', not '{value}'."),
    };

    /// <summary>Points <paramref name="options"/> at this database (runtime contexts, migrations and design time alike).</summary>
    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options) => Configure(options, Provider, ConnectionString);

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        return provider switch
        {
            // Migrations stay with the context type they were made for: DeepNetDbContext's are SQLite's,
            // PostgresDeepNetDbContext's are PostgreSQL's (see PersistenceServiceExtensions.MigrateDatabase).
            DatabaseProvider.Postgres => options.UseNpgsql(connectionString),
            _ => options.UseSqlite(connectionString),
        };
    }
}
