using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DeepNet.Server.Infrastructure;

/// <summary>Degraded (not unhealthy: training and the API go on) while Redis cannot be reached.</summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.IsConnected
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Degraded($"Redis at {redis.Endpoint} cannot be reached: live updates do not cross processes."));
}
