using System.Threading.Channels;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Wakes the worker when a job is submitted. The database stays the source of truth for what is queued
/// (and in which order); the channel only says "look again".
/// </summary>
public sealed class JobQueue
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    public void Notify(Guid jobId) => _channel.Writer.TryWrite(jobId);

    /// <summary>Waits until at least one job was submitted since the last call, then drains the signals.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _channel.Reader.WaitToReadAsync(cancellationToken);
        while (_channel.Reader.TryRead(out _))
        {
        }
    }
}
