using DeepNet.Server.Contracts;

namespace DeepNet.Server.Jobs;

/// <summary>Messages the server sends to browsers watching jobs.</summary>
public interface ITrainingClient
{
    /// <summary>First message after WatchJob: the job with its history so far and the latest images.</summary>
    Task Snapshot(SnapshotMessage snapshot);

    /// <summary>Every status change of a job (to its watchers and to the job list group).</summary>
    Task StatusChanged(JobDto job);

    /// <summary>Throttled progress, about 10 per second at most.</summary>
    Task Progress(ProgressMessage progress);

    /// <summary>One completed epoch.</summary>
    Task EpochCompleted(EpochCompletedMessage epoch);

    /// <summary>A newly rendered image, about 2 per second at most.</summary>
    Task Image(ImageMessage image);

    /// <summary>One completed epoch of one stage of a multi-stage job (DBN pre-training layers and fine-tuning, CNN training).</summary>
    Task StageEpochCompleted(StageEpochMessage epoch);

    /// <summary>An evaluation finished after training (AIS, per-class reconstruction, patch reconstruction).</summary>
    Task EvaluationCompleted(EvaluationCompletedMessage evaluation);
}
