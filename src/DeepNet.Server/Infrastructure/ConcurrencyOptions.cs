namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The configuration section "Concurrency": bounds on the work requests and hub connections start outside the job
/// queue, so one user cannot take the machine's cores or memory from the workers and the class.
/// </summary>
public sealed class ConcurrencyOptions
{
    public const string Section = "Concurrency";

    /// <summary>Images decoded at once (uploads, try-it, pooling, data sets of images); a 4096×4096 decode holds ~50 MB.</summary>
    public int ImageDecodes { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>How long a request waits for a decode slot before it is answered 503.</summary>
    public TimeSpan ImageDecodeWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>SignalR connections one user (or one address, signed out) may hold over every hub.</summary>
    public int HubConnectionsPerUser { get; set; } = 10;

    /// <summary>Sampling streams (Gibbs chains, DBN generation) running at once on the server.</summary>
    public int SamplingStreams { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Sampling streams one user may run at once.</summary>
    public int SamplingStreamsPerUser { get; set; } = 1;
}
