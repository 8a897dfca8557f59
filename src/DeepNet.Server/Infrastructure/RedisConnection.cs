using StackExchange.Redis;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The process's one connection to Redis (<c>Redis:Connection</c>), shared by everything but SignalR's backplane (which
/// opens its own from the same settings). It never fails startup and never blocks a caller while Redis is down: commands
/// fail fast, the multiplexer reconnects in the background, and losing and regaining the server is logged once each.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lazy<ConnectionMultiplexer> _multiplexer;
    private int _failureLogged;

    public RedisConnection(ConfigurationOptions options, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        Endpoint = string.Join(",", options.EndPoints);
        _multiplexer = new Lazy<ConnectionMultiplexer>(() => Connect(options));
    }

    /// <summary>Where Redis is, for logs and the health check (no password).</summary>
    public string Endpoint { get; }

    public ConnectionMultiplexer Multiplexer => _multiplexer.Value;

    public bool IsConnected => Multiplexer.IsConnected;

    /// <summary>Settings for every connection to Redis: never abort on a failed connect, fail commands fast while disconnected.</summary>
    public static ConfigurationOptions Options(string connection)
    {
        var options = ConfigurationOptions.Parse(connection);
        options.AbortOnConnectFail = false;
        // Queuing commands while Redis is away would hold live updates (images!) in memory without bound.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    /// <summary>Logs a failed command once per outage (the multiplexer's own events log the outage and the recovery).</summary>
    public void ReportFailure(Exception exception, string what)
    {
        if (Interlocked.Exchange(ref _failureLogged, 1) == 0)
        {
            _logger.LogWarning(exception, "Redis at {Endpoint}: {What} failed; further failures are not logged until Redis is back.", Endpoint, what);
        }
    }

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }

    private ConnectionMultiplexer Connect(ConfigurationOptions options)
    {
        var multiplexer = ConnectionMultiplexer.Connect(options);
        if (!multiplexer.IsConnected)
        {
            LogLost("could not connect at startup");
        }

        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                LogLost(e.FailureType.ToString());
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                Interlocked.Exchange(ref _failureLogged, 0);
                _logger.LogInformation("Redis at {Endpoint} is reachable again: live updates cross processes again.", Endpoint);
            }
        };
        return multiplexer;
    }

    private void LogLost(string reason) =>
        _logger.LogError(
            "Redis at {Endpoint} cannot be reached ({Reason}): live updates of jobs trained in other processes do not reach this "
            + "node's watchers, and this node's do not reach other nodes, until it is back. Training goes on; /health reports Degraded.",
            Endpoint, reason);
}
