namespace DeepNet.Server.Infrastructure;

/// <summary>
/// Slots for a scarce resource held by many callers: at most <see cref="Total"/> at once, and at most
/// <see cref="PerKey"/> per key (a user id, or an address for anonymous callers), so one caller cannot hold them all.
/// </summary>
public sealed class KeyedSlots
{
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);
    private int _total;

    /// <param name="total">Slots in all; <see cref="int.MaxValue"/> for no overall bound.</param>
    /// <param name="perKey">Slots one key may hold.</param>
    public KeyedSlots(int total, int perKey)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perKey);
        Total = total;
        PerKey = perKey;
    }

    public int Total { get; }

    public int PerKey { get; }

    /// <summary>Slots held right now.</summary>
    public int Held
    {
        get
        {
            lock (_held)
            {
                return _total;
            }
        }
    }

    /// <summary>Slots <paramref name="key"/> holds right now.</summary>
    public int HeldBy(string key)
    {
        lock (_held)
        {
            return _held.GetValueOrDefault(key);
        }
    }

    /// <summary>Takes a slot for <paramref name="key"/>; <see cref="SlotRefusal.None"/> on success, else which bound refused it.</summary>
    public SlotRefusal TryAcquire(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_held)
        {
            int mine = _held.GetValueOrDefault(key);
            if (mine >= PerKey)
            {
                return SlotRefusal.PerKey;
            }

            if (_total >= Total)
            {
                return SlotRefusal.Total;
            }

            _held[key] = mine + 1;
            _total++;
            return SlotRefusal.None;
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryAcquire"/>.</summary>
    public void Release(string key)
    {
        lock (_held)
        {
            int mine = _held.GetValueOrDefault(key);
            if (mine == 0)
            {
                throw new InvalidOperationException($"'{key}' holds no slot to release.");
            }

            if (mine == 1)
            {
                _held.Remove(key);
            }
            else
            {
                _held[key] = mine - 1;
            }

            _total--;
        }
    }
}

/// <summary>Why <see cref="KeyedSlots.TryAcquire"/> refused, if it did.</summary>
public enum SlotRefusal
{
    None,

    /// <summary>The caller already holds their share.</summary>
    PerKey,

    /// <summary>Every slot is taken.</summary>
    Total,
}
