using System.Collections.Concurrent;

namespace DeepNet.Server.Accounts;

/// <summary>
/// Failed sign-ins counted per client address and account: <see cref="MaxFailures"/> failures from one address within
/// <see cref="Pause"/> pause sign-in to that account from that address for <see cref="Pause"/>. Someone guessing from
/// another address therefore never locks the owner out of their own address, and cannot extend a pause but their own.
/// In memory, per server node, like the rate limiter.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan Pause = TimeSpan.FromMinutes(5);

    // Above this many entries, expired ones are dropped (at most once a minute); the Auth rate limit bounds the inflow.
    private const int PurgeAbove = 10_000;

    private readonly ConcurrentDictionary<(string Address, string Account), Failures> _failures = new();
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    /// <summary>True while sign-in to <paramref name="account"/> (a normalized e-mail) from <paramref name="address"/> is paused.</summary>
    public bool IsPaused(string address, string account) =>
        _failures.TryGetValue((address, account), out var failures) && failures.PausedUntil > clock.GetUtcNow();

    /// <summary>Counts a failed attempt; the <see cref="MaxFailures"/>-th within the window starts a pause.</summary>
    public void RecordFailure(string address, string account)
    {
        var now = clock.GetUtcNow();
        _failures.AddOrUpdate(
            (address, account),
            _ => new Failures(1, now, DateTimeOffset.MinValue),
            (_, seen) => seen.Since + Pause <= now ? new Failures(1, now, DateTimeOffset.MinValue)
                : seen.Count + 1 >= MaxFailures ? new Failures(0, now, now + Pause)
                : seen with { Count = seen.Count + 1 });
        PurgeExpired(now);
    }

    /// <summary>A successful sign-in forgets the address's failures for the account.</summary>
    public void RecordSuccess(string address, string account) => _failures.TryRemove((address, account), out _);

    private void PurgeExpired(DateTimeOffset now)
    {
        if (_failures.Count <= PurgeAbove || now - _lastPurge < TimeSpan.FromMinutes(1))
        {
            return;
        }

        _lastPurge = now;
        foreach (var (key, failures) in _failures)
        {
            if (failures.PausedUntil <= now && failures.Since + Pause <= now)
            {
                _failures.TryRemove(key, out _);
            }
        }
    }

    private readonly record struct Failures(int Count, DateTimeOffset Since, DateTimeOffset PausedUntil);
}
