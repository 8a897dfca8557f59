namespace DeepNet.Server.Contracts;

/// <summary>Late-joiner state: the job with its history so far and the latest images.</summary>
public sealed record SnapshotMessage(JobDto Job, IReadOnlyList<ImageMessage> Images);

/// <summary>Throttled training progress of one job.</summary>
public sealed record ProgressMessage(
    Guid JobId,
    int Epoch,
    int Epochs,
    int Batch,
    int BatchesPerEpoch,
    double Fraction,
    float ReconstructionError,
    double SamplesPerSecond,
    double EtaSeconds,
    string Stage = JobStages.Training,
    string? Phase = null,
    double? Loss = null);

/// <summary>One completed epoch of a job.</summary>
public sealed record EpochCompletedMessage(Guid JobId, int Epoch, float ReconstructionError, double SamplesPerSecond, double Seconds, EpochReportDto? Report = null);

/// <summary>An evaluation of a job finished (after training, while the job is still Running).</summary>
public sealed record EvaluationCompletedMessage(Guid JobId, EvaluationDto Evaluation);

/// <summary>A rendered PNG of a job; <see cref="Version"/> grows with every new rendering of that kind.</summary>
public sealed record ImageMessage(Guid JobId, string Kind, string PngBase64, int Version);
