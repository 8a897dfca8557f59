using System.Text.Json;
using DeepNet.Server.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DeepNet.Server.Infrastructure;

/// <summary>Writes health reports as JSON: {"status":"Healthy","checks":{"database":"Healthy"}}.</summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            totalDurationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonDefaults.Options));
    }
}

/// <summary>Healthy when the database answers.</summary>
public sealed class DatabaseHealthCheck(DeepNetDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database cannot be reached.");
}
