using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace DeepNet.EndToEnd.Tests.Cluster;

/// <summary>A real SignalR client on /hubs/training that records every message it receives, in order.</summary>
public sealed class HubWatcher : IAsyncDisposable
{
    private static readonly string[] Messages = ["Snapshot", "StatusChanged", "Progress", "EpochCompleted", "StageEpochCompleted", "Image", "EvaluationCompleted"];

    private readonly HubConnection _connection;
    private readonly List<(string Name, JsonElement Payload)> _received = [];

    private HubWatcher(HubConnection connection)
    {
        _connection = connection;
        foreach (string message in Messages)
        {
            connection.On<JsonElement>(message, payload =>
            {
                lock (_received)
                {
                    _received.Add((message, payload.Clone()));
                }
            });
        }
    }

    /// <summary>Everything received so far, in order.</summary>
    public IReadOnlyList<(string Name, JsonElement Payload)> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<HubWatcher> ConnectAsync(Uri server, string accessToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "hubs/training"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken))
            .Build();
        var watcher = new HubWatcher(connection);
        await connection.StartAsync();
        return watcher;
    }

    public Task WatchJobAsync(string jobId) => _connection.InvokeAsync("WatchJob", jobId);

    public int Count(string name) => Received.Count(m => m.Name == name);

    /// <summary>Waits until <paramref name="condition"/> holds over what was received; fails with what was received otherwise.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<(string Name, JsonElement Payload)>, bool> condition, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition(Received))
        {
            if (stopwatch.Elapsed > timeout)
            {
                var counts = Received.GroupBy(m => m.Name).Select(g => $"{g.Key}×{g.Count()}");
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; received {string.Join(", ", counts)}.");
            }

            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
