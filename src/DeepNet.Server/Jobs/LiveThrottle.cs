using System.Diagnostics;

namespace DeepNet.Server.Jobs;

/// <summary>
/// How often a training observer publishes to the live feed, the same for every kind: progress at most every 100 ms
/// (always on a stage's last batch), images at most every 500 ms. Watchers see training move without the training thread
/// spending its time on rendering and serialization.
/// </summary>
public sealed class LiveThrottle
{
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan ImageInterval = TimeSpan.FromMilliseconds(500);

    private long _lastProgress;
    private long _lastImages;

    /// <summary>Whether to publish progress now; <paramref name="force"/> for an epoch's last batch. Records the publication.</summary>
    public bool ProgressDue(bool force = false)
    {
        long now = Stopwatch.GetTimestamp();
        if (!force && _lastProgress != 0 && Stopwatch.GetElapsedTime(_lastProgress, now) < ProgressInterval)
        {
            return false;
        }

        _lastProgress = now;
        return true;
    }

    /// <summary>Whether images were never rendered or were rendered at least <see cref="ImageInterval"/> ago.</summary>
    public bool ImagesDue => _lastImages == 0 || Stopwatch.GetElapsedTime(_lastImages) >= ImageInterval;

    /// <summary>Records that images were just rendered.</summary>
    public void ImagesRendered() => _lastImages = Stopwatch.GetTimestamp();
}
