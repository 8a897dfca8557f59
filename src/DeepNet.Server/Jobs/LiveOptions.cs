namespace DeepNet.Server.Jobs;

/// <summary>The configuration section "Live": what one watcher of a job receives at most.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>
    /// Bytes per second of images each watcher of a job receives at most (averaged: an image larger than a second's worth
    /// is sent, and the next waits until the budget has paid for it), whatever the model's size. A job's newest image of
    /// each kind always reaches its watchers: held back, it goes with a later update, at the latest with the job's end.
    /// Progress (at most 10 small messages a second) and epochs are not counted.
    /// </summary>
    public int ImageBytesPerSecond { get; set; } = 40_000;
}
