using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Contracts;

/// <summary>Request body of <c>POST /api/jobs</c>. Every field is optional; missing fields take their defaults.</summary>
public sealed record CreateJobRequest
{
    /// <summary>Display name, at most 200 characters. Default "RBM job".</summary>
    public string? Name { get; init; }

    /// <summary>RBM hyperparameters: hiddenUnits 1..4096, k 1..100, learningRate (0, 10], batchSize 1..10000, epochs 1..1000.</summary>
    public RbmOptions? Rbm { get; init; }

    /// <summary>Which data to train on: dataset "mnist" | "user" (with datasetId), split "train"|"test", classes (digits 0..9), limit 1..60000, imageSize 28|16, binarizeThreshold [0,1] or null.</summary>
    public DataSpec? Data { get; init; }

    /// <summary>"rbm" (default): an RBM on <see cref="Data"/>; "rbm-patches": a Gaussian RBM on image patches (<see cref="Patches"/>, homework 2); "dbn": a deep belief network (<see cref="Dbn"/>); "cnn": a convolutional network (<see cref="Cnn"/>).</summary>
    public string? Kind { get; init; }

    /// <summary>Image patches to train on; required when kind is "rbm-patches".</summary>
    public PatchesSpec? Patches { get; init; }

    /// <summary>Evaluations to run after training (the job stays Running with progress.stage "evaluating").</summary>
    public EvaluationSpec? Evaluation { get; init; }

    /// <summary>The deep belief network of a "dbn" job.</summary>
    public DbnJobSpec? Dbn { get; init; }

    /// <summary>The convolutional network of a "cnn" job.</summary>
    public CnnJobSpec? Cnn { get; init; }
}

/// <summary>Homework 2: random patches of one image train the RBM, a second image is reconstructed patch by patch.</summary>
public sealed record PatchesSpec
{
    /// <summary>Training image: "builtin:&lt;name&gt;" or the id of an uploaded image.</summary>
    public string TrainImage { get; init; } = "builtin:chelsea";

    /// <summary>Image reconstructed after training (sliding window, overlaps averaged): "builtin:&lt;name&gt;" or an uploaded image id.</summary>
    public string TestImage { get; init; } = "builtin:coffee";

    /// <summary>Side of the square patches, 2..32.</summary>
    public int PatchSize { get; init; } = 10;

    /// <summary>Random training patches, 1..200000.</summary>
    public int PatchCount { get; init; } = 10_000;

    /// <summary>PerPatch (each patch to zero mean, unit variance) or PerPixel (each pixel position over all patches).</summary>
    public StandardizationMode Standardization { get; init; } = StandardizationMode.PerPatch;

    /// <summary>ZCA whitening after standardization.</summary>
    public bool Zca { get; init; }

    /// <summary>Step of the sliding window over the test image, 1..patchSize.</summary>
    public int Stride { get; init; } = 2;
}

/// <summary>What to evaluate after training.</summary>
public sealed record EvaluationSpec
{
    /// <summary>Annealed importance sampling estimate of log Z and the average test log-probability (Bernoulli visible units only); null = skip.</summary>
    public AisSpec? Ais { get; init; }

    /// <summary>Homework 1: reconstruct test digits of every class 0–9 and tabulate the errors per class (MNIST only).</summary>
    public bool PerClass { get; init; }

    /// <summary>Test digits per class for <see cref="PerClass"/>, 1..1000.</summary>
    public int PerClassLimit { get; init; } = 100;
}

/// <summary>Annealed importance sampling (Salakhutdinov &amp; Murray 2008).</summary>
public sealed record AisSpec
{
    /// <summary>Independent AIS runs, 1..1000.</summary>
    public int Runs { get; init; } = 100;

    /// <summary>Intermediate inverse temperatures β, 100..100000.</summary>
    public int Betas { get; init; } = 10_000;

    /// <summary>Test digits whose average log-probability is reported, 1..10000.</summary>
    public int TestLimit { get; init; } = 10_000;
}

/// <summary>A training job.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">"rbm", "rbm-patches", "dbn" or "cnn".</param>
/// <param name="Status">Queued, Running, Succeeded, Failed or Canceled.</param>
/// <param name="CreatedAt">When the job was submitted (UTC).</param>
/// <param name="StartedAt">When it first started running (UTC).</param>
/// <param name="FinishedAt">When it reached a final state (UTC).</param>
/// <param name="Error">Why it failed, when it failed.</param>
/// <param name="Rbm">RBM hyperparameters (RBM jobs; null for "dbn" and "cnn").</param>
/// <param name="Data">Data spec.</param>
/// <param name="Progress">Latest progress; null before the first minibatch.</param>
/// <param name="History">One entry per completed epoch.</param>
/// <param name="ModelId">The trained model, once the job succeeded.</param>
/// <param name="ResumedFromEpoch">Epochs already completed when the job last resumed from a checkpoint after a restart.</param>
/// <param name="Patches">The patches spec of an "rbm-patches" job.</param>
/// <param name="Evaluation">The evaluation spec as submitted.</param>
/// <param name="Evaluations">Finished evaluations.</param>
/// <param name="Dbn">The network of a "dbn" job.</param>
/// <param name="Cnn">The network of a "cnn" job.</param>
/// <param name="Stages">Completed stage epochs of a multi-stage job ("dbn", "cnn"), in order; empty for RBM jobs.</param>
/// <param name="OwnerId">The submitting user's id.</param>
/// <param name="Queue">Where a queued job stands in the fair queue; null once it runs.</param>
/// <param name="Estimate">What the job was estimated to cost when it was submitted; null for jobs older than the estimates.</param>
/// <param name="Withheld">What is not shown to a viewer who may not read the job's training data; null when nothing is withheld.</param>
public sealed record JobDto(
    Guid Id,
    string Name,
    string Kind,
    JobStatus Status,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Error,
    RbmOptions? Rbm,
    DataSpec Data,
    ProgressDto? Progress,
    IReadOnlyList<EpochMetricDto> History,
    Guid? ModelId,
    int? ResumedFromEpoch,
    PatchesSpec? Patches = null,
    EvaluationSpec? Evaluation = null,
    IReadOnlyList<EvaluationDto>? Evaluations = null,
    DbnJobSpec? Dbn = null,
    CnnJobSpec? Cnn = null,
    IReadOnlyList<StageEpochDto>? Stages = null,
    string? OwnerId = null,
    QueueSlotDto? Queue = null,
    JobEstimateDto? Estimate = null,
    WithheldDto? Withheld = null);

/// <summary>
/// What a viewer who may not read a job's or model's training data (someone else's uploaded data set or image) is not
/// shown; absent when nothing is withheld.
/// </summary>
/// <param name="Images">Image kinds drawn from training rows: they answer 404 and are left out of live updates.</param>
/// <param name="Metrics">Metric properties that list training rows with their labels: left out.</param>
/// <param name="Reason">"Made from a private data set …".</param>
public sealed record WithheldDto(IReadOnlyList<string> Images, IReadOnlyList<string> Metrics, string Reason);

/// <summary>A queued job's place in the fair queue (round-robin across users, then by submission time).</summary>
/// <param name="Position">1 for the job that starts next; counts every user's queued jobs.</param>
/// <param name="EstimatedStartAt">When it is expected to start (UTC), from the running job's progress and the estimates of the jobs ahead.</param>
public sealed record QueueSlotDto(int Position, DateTime EstimatedStartAt);

/// <summary>A job's cost as estimated from its spec at submission, checked against the server's per-job budget.</summary>
/// <param name="PeakMemoryBytes">Training data, parameters, optimizer state and one batch's activations.</param>
/// <param name="RunSeconds">Expected training and evaluation time.</param>
public sealed record JobEstimateDto(long PeakMemoryBytes, double RunSeconds);

/// <summary>Training progress of a job.</summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Last completed minibatch in the epoch, 1-based.</param>
/// <param name="BatchesPerEpoch">Minibatches per epoch.</param>
/// <param name="Fraction">Completed fraction of the whole run, 0..1.</param>
/// <param name="ReconstructionError">Mean squared reconstruction error per sample over the last minibatch.</param>
/// <param name="SamplesPerSecond">Training speed.</param>
/// <param name="EtaSeconds">Estimated seconds left.</param>
/// <param name="Stage">"training", or "evaluating" once training finished and evaluations run.</param>
/// <param name="Phase">The stage of a multi-stage job the epoch and batch count in, e.g. "pretrain-2" or "finetune"; null for RBM jobs.</param>
/// <param name="Loss">Loss of the last minibatch of a classifier; null for RBM jobs.</param>
public sealed record ProgressDto(
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

/// <summary>Values of <see cref="ProgressDto.Stage"/>.</summary>
public static class JobStages
{
    public const string Training = "training";
    public const string Evaluating = "evaluating";
}

/// <summary>Metrics of one completed epoch.</summary>
/// <param name="Epoch">Epoch, 1-based.</param>
/// <param name="ReconstructionError">Mean squared reconstruction error per sample over the epoch.</param>
/// <param name="SamplesPerSecond">Training speed over the epoch.</param>
/// <param name="Seconds">Duration of the epoch.</param>
/// <param name="Report">Monitoring at the end of the epoch (reconstruction errors, pseudo-log-likelihood, free energies, hidden-unit health, histograms); null in the job list.</param>
public sealed record EpochMetricDto(int Epoch, float ReconstructionError, double SamplesPerSecond, double Seconds, EpochReportDto? Report = null);

/// <summary>
/// The monitoring report of one epoch (the Models library's RbmEpochReport, measured on at most 1000 training and
/// 1000 held-out samples); values that are not defined (cross-entropy and pseudo-log-likelihood of Gaussian units) are null.
/// </summary>
/// <param name="Epoch">Epoch, 1-based.</param>
/// <param name="SquaredError">Mean squared reconstruction error per sample (mean-field reconstruction).</param>
/// <param name="CrossEntropy">Mean reconstruction cross-entropy per sample (Bernoulli units).</param>
/// <param name="PseudoLogLikelihood">Mean pseudo-log-likelihood as scikit-learn's BernoulliRBM.score_samples (Bernoulli units).</param>
/// <param name="FreeEnergyTrain">Mean free energy of the training sample.</param>
/// <param name="FreeEnergyHeldOut">Mean free energy of the held-out sample; a growing gap to the training value means overfitting.</param>
/// <param name="HiddenMeanActivation">Mean Q(h_j=1|x) per hidden unit over the training sample.</param>
/// <param name="DeadUnits">Hidden units with mean activation below 0.01.</param>
/// <param name="SaturatedUnits">Hidden units with mean activation above 0.99.</param>
/// <param name="Weights">Histogram of W.</param>
/// <param name="VisibleBias">Histogram of b.</param>
/// <param name="HiddenBias">Histogram of c.</param>
public sealed record EpochReportDto(
    int Epoch,
    double? SquaredError,
    double? CrossEntropy,
    double? PseudoLogLikelihood,
    double? FreeEnergyTrain,
    double? FreeEnergyHeldOut,
    float[] HiddenMeanActivation,
    int DeadUnits,
    int SaturatedUnits,
    HistogramDto Weights,
    HistogramDto VisibleBias,
    HistogramDto HiddenBias)
{
    public static EpochReportDto From(RbmEpochReport report) => new(
        report.Epoch,
        Finite(report.SquaredError),
        Finite(report.CrossEntropy),
        report.PseudoLogLikelihood is { } pll ? Finite(pll) : null,
        Finite(report.FreeEnergyTrain),
        Finite(report.FreeEnergyHeldOut),
        report.HiddenMeanActivation,
        report.DeadUnits,
        report.SaturatedUnits,
        HistogramDto.From(report.Weights),
        HistogramDto.From(report.VisibleBias),
        HistogramDto.From(report.HiddenBias));

    /// <summary>JSON has no NaN or infinity.</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}

/// <summary>Equal-width bins between <see cref="Min"/> and <see cref="Max"/> (null when the values are not finite).</summary>
public sealed record HistogramDto(double? Min, double? Max, int[] Counts)
{
    public static HistogramDto From(Histogram histogram) =>
        new(EpochReportDto.Finite(histogram.Min), EpochReportDto.Finite(histogram.Max), histogram.Counts);
}

/// <summary>One finished evaluation of a job.</summary>
/// <param name="Kind">"ais", "perClass" or "patchReconstruction".</param>
/// <param name="CreatedAt">When it finished (UTC).</param>
/// <param name="Result">
/// ais: {logZ, logZLow, logZHigh, avgTestLogProbability, testCount, runs, betas, seconds};
/// perClass: {classes: [{digit, trainedOn, count, squaredError, crossEntropy}]};
/// patchReconstruction: {width, height, binaryError, probabilityError}.
/// </param>
/// <param name="ImageUrl">Its image (kinds per-class, patch-reconstruction), or null.</param>
public sealed record EvaluationDto(string Kind, DateTime CreatedAt, JsonElement Result, string? ImageUrl);

/// <summary>Patches spec of a patch model with the fitted standardizer, needed to use the model on new patches.</summary>
/// <param name="Spec">The patches spec it was trained with.</param>
/// <param name="Standardizer">Standardizer parameters (mode, zca, mean, std, zca matrices).</param>
public sealed record ModelPatchesDto(PatchesSpec Spec, JsonElement Standardizer);

/// <summary>
/// The kind-specific part of a job or model as the API shows it: the spec of its kind (one of these for the built-in
/// kinds), read by the kind itself (<c>IModelKind.DescribeSpecs</c>).
/// </summary>
public sealed record JobSpecs(RbmOptions? Rbm = null, DbnJobSpec? Dbn = null, CnnJobSpec? Cnn = null)
{
    public static readonly JobSpecs None = new();
}

/// <summary>
/// A job as <c>GET /api/jobs</c> lists it: what a row of the list shows, without the per-epoch history, reports and
/// evaluations (those are on <c>GET /api/jobs/{id}</c>).
/// </summary>
/// <param name="Id">Job id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">"rbm", "rbm-patches", "dbn" or "cnn".</param>
/// <param name="Status">Queued, Running, Succeeded, Failed or Canceled.</param>
/// <param name="CreatedAt">When the job was submitted (UTC).</param>
/// <param name="StartedAt">When it first started running (UTC).</param>
/// <param name="FinishedAt">When it reached a final state (UTC).</param>
/// <param name="Error">Why it failed, when it failed.</param>
/// <param name="Rbm">RBM hyperparameters (RBM jobs).</param>
/// <param name="Data">Data spec.</param>
/// <param name="Patches">The patches spec of an "rbm-patches" job.</param>
/// <param name="Dbn">The network of a "dbn" job.</param>
/// <param name="Cnn">The network of a "cnn" job.</param>
/// <param name="Progress">Latest progress; null before the first minibatch.</param>
/// <param name="ModelId">The trained model, once the job succeeded.</param>
/// <param name="OwnerId">The submitting user's id.</param>
/// <param name="Queue">Where a queued job stands in the fair queue.</param>
/// <param name="Experiment">The table experiment the job is a row of; null for a job of its own.</param>
public sealed record JobSummaryDto(
    Guid Id,
    string Name,
    string Kind,
    JobStatus Status,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Error,
    RbmOptions? Rbm,
    DataSpec Data,
    PatchesSpec? Patches,
    DbnJobSpec? Dbn,
    CnnJobSpec? Cnn,
    ProgressDto? Progress,
    Guid? ModelId,
    string OwnerId,
    QueueSlotDto? Queue,
    JobExperimentDto? Experiment);

/// <summary>The table experiment a listed job computes a row of.</summary>
/// <param name="Id">Experiment id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Row">The row key of the job, e.g. "dbn" or "lenet5".</param>
public sealed record JobExperimentDto(Guid Id, string Name, string Row);
