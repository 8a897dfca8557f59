using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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

    /// <summary>
    /// Options for this database's context type: <see cref="DeepNetDbContext"/> on SQLite, <see cref="PostgresDeepNetDbContext"/>
    /// on PostgreSQL. EF picks a context's migrations by its type, so each provider's contexts see only their own.
    /// </summary>
    public DbContextOptions CreateOptions(IServiceProvider? applicationServices = null)
    {
        DbContextOptionsBuilder builder = Provider == DatabaseProvider.Postgres
            ? new DbContextOptionsBuilder<PostgresDeepNetDbContext>()
            : new DbContextOptionsBuilder<DeepNetDbContext>();
        if (applicationServices is not null)
        {
            // As AddDbContext does: logging and the like from the application's services.
            builder.UseApplicationServiceProvider(applicationServices);
        }

        return Provider == DatabaseProvider.Postgres
            ? builder.UseNpgsql(ConnectionString).Options
            : builder.UseSqlite(ConnectionString)
                // SQLite rebuilds a table to alter it, with foreign keys off outside the migration's transaction; EF warns about
                // it on every fresh database. The rebuilds are EF's own and run at startup before anything else touches the file.
                .ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning))
                .Options;
    }

    /// <summary>A context of the right type for <paramref name="options"/> from <see cref="CreateOptions"/>.</summary>
    public static DeepNetDbContext CreateContext(DbContextOptions options) => options switch
    {
        DbContextOptions<PostgresDeepNetDbContext> postgres => new PostgresDeepNetDbContext(postgres),
        DbContextOptions<DeepNetDbContext> sqlite => new DeepNetDbContext(sqlite),
        _ => throw new ArgumentException($"Options for {options?.ContextType.Name} are not a DeepNet context's.", nameof(options)),
    };
}

/// <summary>The service's context factory: contexts of the configured provider's type, options built once, with the blob store.</summary>
public sealed class DeepNetDbContextFactory(DatabaseSettings settings, IBlobStore blobs, IServiceProvider services) : IDbContextFactory<DeepNetDbContext>
{
    private readonly DbContextOptions _options = settings.CreateOptions(services);

    public DeepNetDbContext CreateDbContext()
    {
        var db = DatabaseSettings.CreateContext(_options);
        db.Blobs = blobs;
        return db;
    }
}
