namespace DeepNet.Server.Jobs;

/// <summary>
/// The configuration section "Jobs": what one student may queue and run, and the budget every job is checked against at
/// submission. The defaults fit a 2-core machine with 24 GB shared by a class.
/// </summary>
public sealed class JobBudgetOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs one user may have waiting in the queue; more are refused with 409.</summary>
    public int MaxQueuedPerUser { get; set; } = 12;

    /// <summary>Jobs of one user the workers run at the same time; the others wait while other users' jobs go first.</summary>
    public int MaxRunningPerUser { get; set; } = 1;

    /// <summary>Estimated peak memory of one job (training data, parameters, optimizer state, activations).</summary>
    public long MaxJobMemoryMB { get; set; } = 6 * 1024;

    /// <summary>Estimated size of the model file a job stores.</summary>
    public long MaxModelMB { get; set; } = 256;

    /// <summary>Estimated size of one checkpoint (parameters and optimizer state).</summary>
    public long MaxCheckpointMB { get; set; } = 512;

    /// <summary>A running job still running after this long stops as Failed; a job estimated to take longer is refused.</summary>
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How often a running job checks that its owner may still read the model it was forked from and its data; a job that may not fails.</summary>
    public TimeSpan SourceCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The sustained speed the run-time estimate assumes, in GFLOP/s. Deliberately below what the kernels reach on a
    /// 2-core machine (about 35 for LeNet-5, 100 for the RBM with OpenBLAS), so that estimates err long.
    /// </summary>
    public double EffectiveGflops { get; set; } = 25;
}
