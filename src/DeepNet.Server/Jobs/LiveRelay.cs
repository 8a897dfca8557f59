using System.Text.Json;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using StackExchange.Redis;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Carries <see cref="JobLiveFeed"/> events between processes when Redis is configured: every event is stored in its
/// job's live state (a Redis hash per running job, expiring when nothing refreshes it) and published on one channel that
/// every process subscribes to. Each web node thus keeps the live state of every running job, wherever it trains, and
/// sends it to its own watchers under its own feed's lock — so the late-joiner guarantee is the in-process one.
/// Nothing here waits for Redis or throws when it is down: training goes on, and the failure is logged once.
/// </summary>
public sealed class LiveRelay(RedisConnection redis)
{
    /// <summary>How long a job's live state outlives its last event (a process that died mid-job leaves it behind).</summary>
    public static readonly TimeSpan StateExpiry = TimeSpan.FromHours(1);

    private static readonly RedisChannel Channel = RedisChannel.Literal($"{RedisServiceExtensions.Prefix}:live");
    private const string StatePrefix = $"{RedisServiceExtensions.Prefix}:live:job:";

    /// <summary>This process's name on the channel.</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Stores <paramref name="liveEvent"/> in its job's live state and publishes it (fire and forget, in order).</summary>
    public void Forward(LiveEvent liveEvent)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(liveEvent, JsonDefaults.Options);
        try
        {
            var db = redis.Multiplexer.GetDatabase();
            RedisKey key = StatePrefix + liveEvent.JobId.ToString("D");
            if (liveEvent.Status is { Status: not JobStatus.Running })
            {
                // Finished or re-queued jobs are read from the database, as in-process.
                db.KeyDelete(key, CommandFlags.FireAndForget);
            }
            else
            {
                db.HashSet(key, liveEvent.Field, json, flags: CommandFlags.FireAndForget);
                db.KeyExpire(key, StateExpiry, CommandFlags.FireAndForget);
            }

            // The same connection sends the state and then the message, so a node that reads the state after the message sees it.
            redis.Multiplexer.GetSubscriber().Publish(Channel, json, CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            redis.ReportFailure(ex, "forwarding a live update");
        }
    }

    private ChannelMessageQueue? _subscription;

    /// <summary>Receives other processes' events, one at a time in the order they were published (once: later calls do nothing).</summary>
    public async Task SubscribeAsync(Action<LiveEvent> receive)
    {
        if (_subscription is not null)
        {
            return;
        }

        var queue = _subscription = await redis.Multiplexer.GetSubscriber().SubscribeAsync(Channel);
        queue.OnMessage(message =>
        {
            if (Read(message.Message) is { } liveEvent && liveEvent.Origin != Origin)
            {
                receive(liveEvent);
            }
        });
    }

    /// <summary>The live state of every running job, as stored by the processes that run them: per job its status first.</summary>
    public async Task<IReadOnlyList<LiveEvent>> ReadStateAsync(CancellationToken cancellationToken)
    {
        var db = redis.Multiplexer.GetDatabase();
        var events = new List<LiveEvent>();
        foreach (var server in redis.Multiplexer.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(db.Database, StatePrefix + "*").WithCancellation(cancellationToken))
            {
                var fields = await db.HashGetAllAsync(key);
                events.AddRange(fields.OrderBy(f => f.Name == "status" ? 0 : 1).Select(f => Read(f.Value)).OfType<LiveEvent>());
            }
        }

        return events;
    }

    private static LiveEvent? Read(RedisValue value)
    {
        try
        {
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<LiveEvent>((byte[])value!, JsonDefaults.Options);
        }
        catch (JsonException)
        {
            // Not ours (another version of the service on the same Redis): ignored.
            return null;
        }
    }
}

/// <summary>Subscribes the feed to other processes' events and loads the live state of jobs already running; retries until Redis answers.</summary>
public sealed class LiveRelayService(LiveRelay relay, JobLiveFeed feed, ILogger<LiveRelayService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (int attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                // Subscribed first, so nothing falls between the stored state and the first message; the feed keeps the newer of both.
                await relay.SubscribeAsync(e => feed.Receive(e, send: true));
                foreach (var liveEvent in await relay.ReadStateAsync(stoppingToken))
                {
                    feed.Receive(liveEvent, send: false);
                }

                logger.LogInformation("Live updates cross processes over Redis (this process is {Origin}).", relay.Origin);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (attempt == 0)
                {
                    logger.LogWarning(ex, "Could not subscribe to live updates over Redis; retrying every 5 s.");
                }

                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
