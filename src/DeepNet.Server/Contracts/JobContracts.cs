using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Contracts;

/// <summary>Request body of <c>POST /api/jobs</c>. Every field is optional; missing fields take their defaults.</summary>
public sealed record CreateJobRequest
{
    /// <summary>Display name, at most 200 characters. Default "RBM job".</summary>
    public string? Name { get; init; }

    /// <summary>RBM hyperparameters: hiddenUnits 1..4096, k 1..100, learningRate (0, 10], batchSize 1..10000, epochs 1..1000.</summary>
    public RbmOptions? Rbm { get; init; }

    /// <summary>Which data to train on: dataset "mnist", split "train"|"test", classes (digits 0..9), limit 1..60000, imageSize 28|16, binarizeThreshold [0,1] or null.</summary>
    public DataSpec? Data { get; init; }
}

/// <summary>A training job.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">Model kind; "rbm".</param>
/// <param name="Status">Queued, Running, Succeeded, Failed or Canceled.</param>
/// <param name="CreatedAt">When the job was submitted (UTC).</param>
/// <param name="StartedAt">When it first started running (UTC).</param>
/// <param name="FinishedAt">When it reached a final state (UTC).</param>
/// <param name="Error">Why it failed, when it failed.</param>
/// <param name="Rbm">RBM hyperparameters.</param>
/// <param name="Data">Data spec.</param>
/// <param name="Progress">Latest progress; null before the first minibatch.</param>
/// <param name="History">One entry per completed epoch.</param>
/// <param name="ModelId">The trained model, once the job succeeded.</param>
/// <param name="ResumedFromEpoch">Epochs already completed when the job last resumed from a checkpoint after a restart.</param>
public sealed record JobDto(
    Guid Id,
    string Name,
    string Kind,
    JobStatus Status,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Error,
    RbmOptions Rbm,
    DataSpec Data,
    ProgressDto? Progress,
    IReadOnlyList<EpochMetricDto> History,
    Guid? ModelId,
    int? ResumedFromEpoch);

/// <summary>Training progress of a job.</summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Last completed minibatch in the epoch, 1-based.</param>
/// <param name="BatchesPerEpoch">Minibatches per epoch.</param>
/// <param name="Fraction">Completed fraction of the whole run, 0..1.</param>
/// <param name="ReconstructionError">Mean squared reconstruction error per sample over the last minibatch.</param>
/// <param name="SamplesPerSecond">Training speed.</param>
/// <param name="EtaSeconds">Estimated seconds left.</param>
public sealed record ProgressDto(
    int Epoch,
    int Epochs,
    int Batch,
    int BatchesPerEpoch,
    double Fraction,
    float ReconstructionError,
    double SamplesPerSecond,
    double EtaSeconds);

/// <summary>Metrics of one completed epoch.</summary>
/// <param name="Epoch">Epoch, 1-based.</param>
/// <param name="ReconstructionError">Mean squared reconstruction error per sample over the epoch.</param>
/// <param name="SamplesPerSecond">Training speed over the epoch.</param>
/// <param name="Seconds">Duration of the epoch.</param>
public sealed record EpochMetricDto(int Epoch, float ReconstructionError, double SamplesPerSecond, double Seconds);

/// <summary>A trained model.</summary>
/// <param name="Id">Model id.</param>
/// <param name="Name">Name (the job's name).</param>
/// <param name="Kind">Model kind; "rbm".</param>
/// <param name="JobId">The job that trained it.</param>
/// <param name="CreatedAt">When it was stored (UTC).</param>
/// <param name="VisibleUnits">Visible units (imageWidth·imageHeight).</param>
/// <param name="HiddenUnits">Hidden units.</param>
/// <param name="ImageWidth">Input image width in pixels.</param>
/// <param name="ImageHeight">Input image height in pixels.</param>
/// <param name="Rbm">RBM hyperparameters it was trained with.</param>
/// <param name="Data">Data spec it was trained on.</param>
/// <param name="ReconstructionError">Reconstruction error of the last epoch.</param>
/// <param name="SizeBytes">Size of the safetensors file.</param>
/// <param name="FileUrl">Where to download the safetensors file.</param>
public sealed record ModelDto(
    Guid Id,
    string Name,
    string Kind,
    Guid JobId,
    DateTime CreatedAt,
    int VisibleUnits,
    int HiddenUnits,
    int ImageWidth,
    int ImageHeight,
    RbmOptions Rbm,
    DataSpec Data,
    float? ReconstructionError,
    long SizeBytes,
    string FileUrl);
