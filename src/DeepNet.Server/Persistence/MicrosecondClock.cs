namespace DeepNet.Server.Persistence;

/// <summary>
/// The system clock cut to whole microseconds, the precision PostgreSQL's timestamps keep: a time the service stores
/// reads back equal to the one it returned when it stored it, on either provider.
/// </summary>
public sealed class MicrosecondClock : TimeProvider
{
    public static MicrosecondClock Instance { get; } = new();

    public override DateTimeOffset GetUtcNow()
    {
        var now = System.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
