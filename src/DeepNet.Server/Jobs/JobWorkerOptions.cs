namespace DeepNet.Server.Jobs;

/// <summary>
/// The configuration section "Jobs": how many jobs this process runs at once and how workers that share one database
/// hold the jobs they run (a lease their heartbeat renews; see <see cref="JobClaims"/>).
/// </summary>
public sealed class JobWorkerOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// Jobs this process runs at the same time: 1 (the single-machine default), 0 for a web node that leaves all jobs to
    /// worker processes (<c>deepnet worker</c>), N for N concurrent runners.
    /// </summary>
    public int Workers { get; set; } = 1;

    /// <summary>How long a claimed job stays its worker's without a heartbeat; then another worker takes it over from its last checkpoint.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running job's worker renews its lease and looks for a cancel request made on another node.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an idle worker looks for queued jobs that no wake-up reached (submitted on another node) and expired leases.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
