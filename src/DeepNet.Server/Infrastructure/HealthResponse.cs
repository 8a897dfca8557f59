using System.Text.Json;
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
