using StackExchange.Redis;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// Redis, when <c>Redis:Connection</c> is set (a StackExchange.Redis configuration string, e.g. "127.0.0.1:6379"): SignalR's
/// Redis backplane, one shared <see cref="RedisConnection"/> and a "redis" health check. Unset, nothing is registered and
/// everything stays in-process.
/// </summary>
public static class RedisServiceExtensions
{
    public const string ConnectionKey = "Redis:Connection";

    /// <summary>The prefix of every Redis channel and key the service uses.</summary>
    public const string Prefix = "deepnet";

    public static bool HasRedis(this IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[ConnectionKey]);

    public static IServiceCollection AddRedis(this IServiceCollection services, IConfiguration configuration)
    {
        string? connection = configuration[ConnectionKey];
        if (string.IsNullOrWhiteSpace(connection))
        {
            return services;
        }

        services.AddSingleton(sp => new RedisConnection(RedisConnection.Options(connection), sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddSignalR().AddStackExchangeRedis(options =>
        {
            options.Configuration = RedisConnection.Options(connection);
            options.Configuration.ChannelPrefix = RedisChannel.Literal($"{Prefix}:signalr");
        });
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        return services;
    }
}
