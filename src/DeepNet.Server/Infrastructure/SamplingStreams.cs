using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The server's sampling streams (Gibbs chains of an RBM, generation from a DBN): at most
/// <see cref="ConcurrencyOptions.SamplingStreams"/> at once so demos cannot starve training, and at most
/// <see cref="ConcurrencyOptions.SamplingStreamsPerUser"/> per user so one student cannot hold them all.
/// </summary>
public sealed class SamplingStreams(IOptions<ConcurrencyOptions> options)
{
    private readonly KeyedSlots _slots = new(options.Value.SamplingStreams, options.Value.SamplingStreamsPerUser);

    /// <summary>Streams running right now.</summary>
    public int Running => _slots.Held;

    /// <summary>
    /// A slot for a stream of <paramref name="userId"/>, given back when the lease is disposed; a
    /// <see cref="HubException"/> saying which bound refused it otherwise.
    /// </summary>
    public Lease Start(string userId)
    {
        return _slots.TryAcquire(userId) switch
        {
            SlotRefusal.None => new Lease(_slots, userId),
            SlotRefusal.PerKey => throw new HubException(
                $"You already run {_slots.PerKey} sampling stream{(_slots.PerKey == 1 ? "" : "s")} (Gibbs or generation), the most one user may; stop it before starting another."),
            _ => throw new HubException($"All {_slots.Total} sampling streams of the server are in use; try again in a moment."),
        };
    }

    /// <summary>A held stream slot.</summary>
    public sealed class Lease(KeyedSlots slots, string userId) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            if (!_released)
            {
                _released = true;
                slots.Release(userId);
            }
        }
    }
}
