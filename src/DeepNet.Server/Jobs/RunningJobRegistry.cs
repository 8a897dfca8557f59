using System.Collections.Concurrent;

namespace DeepNet.Server.Jobs;

/// <summary>
/// The jobs running in this process: their cancellation sources, so a cancel request made here reaches the trainer at
/// once, and the lease each runs under, so <see cref="JobStore"/> writes for a job only while this process still holds it.
/// </summary>
public sealed class RunningJobRegistry
{
    private readonly ConcurrentDictionary<Guid, Entry> _running = new();

    public void Register(Guid jobId, CancellationTokenSource cancellation, string workerId) => _running[jobId] = new Entry(cancellation, workerId);

    /// <summary>Forgets the job, unless another runner of this process has registered it since (it took the job over).</summary>
    public void Unregister(Guid jobId, CancellationTokenSource cancellation)
    {
        if (_running.TryGetValue(jobId, out var entry) && entry.Cancellation == cancellation)
        {
            _running.TryRemove(KeyValuePair.Create(jobId, entry));
        }
    }

    /// <summary>The worker id under whose lease the job runs in this process; null when it does not run here.</summary>
    public string? LeaseOf(Guid jobId) => _running.TryGetValue(jobId, out var entry) ? entry.WorkerId : null;

    /// <summary>Trips the job's token; the trainer stops within one minibatch. False when the job is not running here.</summary>
    public bool TryCancel(Guid jobId)
    {
        if (!_running.TryGetValue(jobId, out var entry))
        {
            return false;
        }

        try
        {
            entry.Cancellation.Cancel();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private sealed record Entry(CancellationTokenSource Cancellation, string WorkerId);
}
