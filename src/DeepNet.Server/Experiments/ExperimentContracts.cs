using DeepNet.Server.Persistence;

namespace DeepNet.Server.Experiments;

/// <summary>Request body of <c>POST /api/experiments</c>.</summary>
public sealed record CreateExperimentRequest
{
    /// <summary>Which table: see <c>GET /api/experiments/definitions</c> ("bengio2007", "mnist-table").</summary>
    public string? Kind { get; init; }

    /// <summary>"full" (the published setting on all of MNIST; default) or "quick" (a small version that finishes in a minute).</summary>
    public string? Scale { get; init; }

    /// <summary>Display name, at most 200 characters; default the table's title.</summary>
    public string? Name { get; init; }
}

/// <summary>A table that can be run.</summary>
/// <param name="Kind">Its name in the API.</param>
/// <param name="Title">Display title.</param>
/// <param name="Description">What it reproduces and with which settings.</param>
/// <param name="Rows">Its rows at full scale.</param>
/// <param name="Scales">What each scale trains, row by row, and how long the server estimates it takes.</param>
public sealed record ExperimentDefinitionDto(
    string Kind, string Title, string Description, IReadOnlyList<ExperimentRowDefinitionDto> Rows, IReadOnlyList<ExperimentScaleDto> Scales);

/// <summary>A table at one scale, as it would be queued now.</summary>
/// <param name="Scale">"full" or "quick".</param>
/// <param name="EstimatedRunSeconds">The rows' estimated run times added up: one student's rows run one after another.</param>
/// <param name="Rows">Each row's setting and estimate, in table order.</param>
public sealed record ExperimentScaleDto(string Scale, double EstimatedRunSeconds, IReadOnlyList<ExperimentRowPlanDto> Rows);

/// <summary>One row at one scale.</summary>
/// <param name="Key">Stable key within the table.</param>
/// <param name="Setting">The architecture, epochs and data the row trains at this scale.</param>
/// <param name="EstimatedRunSeconds">The job's estimated run time (the same estimate the per-job run-time budget checks).</param>
public sealed record ExperimentRowPlanDto(string Key, ExperimentRowSetting Setting, double EstimatedRunSeconds);

/// <summary>A row of a table as defined.</summary>
/// <param name="Key">Stable key within the table.</param>
/// <param name="Label">Row label.</param>
/// <param name="PublishedTestError">Published test error in percent, or null.</param>
/// <param name="Source">Where the published figure comes from.</param>
/// <param name="JobKind">The kind of job that trains the row.</param>
public sealed record ExperimentRowDefinitionDto(string Key, string Label, double? PublishedTestError, string Source, string JobKind);

/// <summary>A run of a table: one job per row, filled in as the jobs finish.</summary>
/// <param name="Id">Experiment id.</param>
/// <param name="Kind">The table it runs.</param>
/// <param name="Title">The table's title.</param>
/// <param name="Description">What it reproduces and with which settings.</param>
/// <param name="Name">Display name.</param>
/// <param name="Scale">"full" or "quick".</param>
/// <param name="CreatedAt">When it was started (UTC).</param>
/// <param name="Finished">True when every row's job has finished (succeeded, failed or canceled).</param>
/// <param name="Rows">The rows in table order.</param>
public sealed record ExperimentDto(
    Guid Id,
    string Kind,
    string Title,
    string Description,
    string Name,
    string Scale,
    DateTime CreatedAt,
    bool Finished,
    IReadOnlyList<ExperimentRowDto> Rows);

/// <summary>One row of a running or finished table.</summary>
/// <param name="Key">Stable key within the table.</param>
/// <param name="Label">Row label.</param>
/// <param name="PublishedTestError">Published test error in percent.</param>
/// <param name="Source">Where the published figure comes from.</param>
/// <param name="JobId">The row's job; watch it at /#/jobs/{jobId}.</param>
/// <param name="Status">The job's status.</param>
/// <param name="Fraction">Completed fraction of the job's current phase, 0..1.</param>
/// <param name="Phase">What the job is doing ("pretrain-2", "finetune", "train"), while it runs.</param>
/// <param name="TrainError">Training error in percent: final once the job succeeded, else the latest epoch's.</param>
/// <param name="ValidError">Validation error in percent (final or latest), when the row has a validation set.</param>
/// <param name="TestError">Test error in percent, once the job succeeded.</param>
/// <param name="ModelId">The trained model, once the job succeeded.</param>
/// <param name="Error">Why the job failed.</param>
/// <param name="Seconds">Wall time of the job so far (or in all, once finished).</param>
/// <param name="Setting">The architecture, epochs and data the row's job trains, read from the job itself.</param>
/// <param name="EstimatedRunSeconds">The job's estimated run time when it was queued.</param>
public sealed record ExperimentRowDto(
    string Key,
    string Label,
    double? PublishedTestError,
    string Source,
    Guid JobId,
    JobStatus Status,
    double? Fraction,
    string? Phase,
    double? TrainError,
    double? ValidError,
    double? TestError,
    Guid? ModelId,
    string? Error,
    double? Seconds,
    ExperimentRowSetting Setting,
    double? EstimatedRunSeconds);
