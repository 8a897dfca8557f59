using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DeepNet.Server.Persistence;

/// <summary>Healthy when the database answers.</summary>
public sealed class DatabaseHealthCheck(DeepNetDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database cannot be reached.");
}
