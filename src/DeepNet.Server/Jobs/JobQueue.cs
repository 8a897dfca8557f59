using System.Threading.Channels;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Wakes this process's runner slots when a job is submitted here. The database stays the source of truth for what is
/// queued (and in which order); the channel only says "look again". Submissions on other nodes are found by polling.
/// </summary>
public sealed class JobQueue
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>(
        new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    public void Notify(Guid jobId) => _channel.Writer.TryWrite(jobId);

    /// <summary>Waits until a job was submitted since the last call or <paramref name="poll"/> passed, then drains the signals.</summary>
    public async Task WaitAsync(TimeSpan poll, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(poll);
        try
        {
            await _channel.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        while (_channel.Reader.TryRead(out _))
        {
        }
    }
}
