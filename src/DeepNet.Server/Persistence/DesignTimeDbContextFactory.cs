using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DeepNet.Server.Persistence;

/// <summary>
/// Lets <c>dotnet ef</c> build the SQLite model without starting the application (and its worker):
/// <c>dotnet ef migrations add Name --context DeepNetDbContext --output-dir Persistence/Migrations</c>.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<DeepNetDbContext>
{
    public DeepNetDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DeepNetDbContext>().UseSqlite("Data Source=deepnet.db").Options);
}

/// <summary>
/// The same for PostgreSQL: <c>dotnet ef migrations add Name --context PostgresDeepNetDbContext --output-dir Persistence/Migrations/Postgres</c>.
/// Adding a migration needs no server; commands that connect use <c>DEEPNET_DESIGN_POSTGRES</c> as the connection string.
/// </summary>
public sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresDeepNetDbContext>
{
    public const string ConnectionStringVariable = "DEEPNET_DESIGN_POSTGRES";

    public PostgresDeepNetDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresDeepNetDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } configured
                ? configured
                : "Host=localhost;Database=deepnet;Username=deepnet")
            .Options);
}
