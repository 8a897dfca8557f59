namespace DeepNet.Server.Jobs;

/// <summary>The configuration section "Retention": how long what a finished job leaves behind is kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>
    /// How long a failed job keeps its last checkpoint, so that it could still resume from it; checkpoints of succeeded
    /// and canceled jobs go when they finish.
    /// </summary>
    public TimeSpan FailedCheckpointGrace { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the sweeper removes expired checkpoints and orphaned rows and gives the freed space back.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}
