using System.Collections.Concurrent;

namespace DeepNet.Server.Jobs;

/// <summary>Cancellation sources of the jobs running in this process, so a cancel request can reach the trainer.</summary>
public sealed class RunningJobRegistry
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public void Register(Guid jobId, CancellationTokenSource cancellation) => _running[jobId] = cancellation;

    public void Unregister(Guid jobId) => _running.TryRemove(jobId, out _);

    /// <summary>Trips the job's token; the trainer stops within one minibatch. False when the job is not running here.</summary>
    public bool TryCancel(Guid jobId)
    {
        if (!_running.TryGetValue(jobId, out var cancellation))
        {
            return false;
        }

        try
        {
            cancellation.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
