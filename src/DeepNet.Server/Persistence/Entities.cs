namespace DeepNet.Server.Persistence;

/// <summary>A training job as stored; options and data spec are JSON so new model kinds need no schema change.</summary>
public sealed class Job
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Kind { get; set; } = "";

    /// <summary>The Identity user id of the student who submitted the job.</summary>
    public string OwnerId { get; set; } = "";

    public JobStatus Status { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public string? Error { get; set; }

    public string OptionsJson { get; set; } = "{}";

    public string DataSpecJson { get; set; } = "{}";

    public int? ProgressEpoch { get; set; }

    public int? ProgressEpochs { get; set; }

    public int? ProgressBatch { get; set; }

    public int? ProgressBatchesPerEpoch { get; set; }

    public float? ProgressReconstructionError { get; set; }

    public double? ProgressSamplesPerSecond { get; set; }

    public double? ProgressEtaSeconds { get; set; }

    public Guid? ModelId { get; set; }

    public int? ResumedFromEpoch { get; set; }

    /// <summary>The patches spec of an "rbm-patches" job; null for other kinds.</summary>
    public string? PatchesJson { get; set; }

    /// <summary>The evaluation spec as submitted; null when none was asked for.</summary>
    public string? EvaluationJson { get; set; }

    /// <summary>"training" or "evaluating" while the job runs; null before it starts.</summary>
    public string? Stage { get; set; }

    /// <summary>Peak memory estimated from the spec at submission; null for jobs submitted before estimates.</summary>
    public long? EstimatedPeakMemoryBytes { get; set; }

    /// <summary>Run time estimated from the spec at submission; null for jobs submitted before estimates.</summary>
    public double? EstimatedRunSeconds { get; set; }

    /// <summary>Model and checkpoint bytes estimated at submission: what the job holds of its owner's storage quota until it ends.</summary>
    public long? EstimatedStorageBytes { get; set; }

    /// <summary>What a multi-stage job is doing, e.g. "pretrain-2" or "finetune"; null for single-stage jobs.</summary>
    public string? ProgressPhase { get; set; }

    /// <summary>Loss of the last minibatch of a classifier job.</summary>
    public double? ProgressLoss { get; set; }

    /// <summary>The worker that holds the running job (see JobClaims); null while the job is not running.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the holder's lease ends unless its heartbeat renews it; after that another worker may take the job over.</summary>
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>How many times a worker claimed the job: 1 for a run that was never interrupted.</summary>
    public int Claims { get; set; }

    /// <summary>The owner asked to cancel the running job; its worker's heartbeat sees this wherever it runs.</summary>
    public bool CancelRequested { get; set; }
}

/// <summary>One completed epoch of a job; (JobId, Epoch) is the key so an epoch is never stored twice.</summary>
public sealed class JobEpochMetric
{
    public Guid JobId { get; set; }

    public int Epoch { get; set; }

    public float ReconstructionError { get; set; }

    public double SamplesPerSecond { get; set; }

    public double Seconds { get; set; }
}

/// <summary>The latest trainer state of a job (one row per job), written at the end of every epoch.</summary>
public sealed class JobCheckpoint
{
    public Guid JobId { get; set; }

    public int CompletedEpochs { get; set; }

    /// <summary>The SHA-256 of the state's blob (a safetensors file) in the blob store.</summary>
    public string StateHash { get; set; } = "";

    /// <summary>The length of the state's blob.</summary>
    public long SizeBytes { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The latest rendered PNG of a job per image kind.</summary>
public sealed class JobImage
{
    public Guid JobId { get; set; }

    public string Kind { get; set; } = "";

    public int Version { get; set; }

    public byte[] Png { get; set; } = [];

    public DateTime UpdatedAt { get; set; }
}

/// <summary>A trained model: descriptive columns for listing plus the hash of its safetensors file in the blob store.</summary>
public sealed class TrainedModel
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Kind { get; set; } = "";

    /// <summary>The job that trained it; null for an imported model and once the job was deleted.</summary>
    public Guid? JobId { get; set; }

    /// <summary>The Identity user id of the model's owner (who trained, forked or imported it).</summary>
    public string OwnerId { get; set; } = "";

    /// <summary>Who besides the owner may read it.</summary>
    public ModelVisibility Visibility { get; set; }

    /// <summary>The unguessable token of the model's unlisted link; set only while <see cref="Visibility"/> is Unlisted.</summary>
    public string? ShareToken { get; set; }

    /// <summary>The owner's description on the model card.</summary>
    public string? Description { get; set; }

    /// <summary>The model this one was forked or imported from (provenance); null for a model trained from scratch.</summary>
    public Guid? ParentModelId { get; set; }

    /// <summary>"training" (a job made it) or "import" (uploaded as a file).</summary>
    public string Source { get; set; } = ModelSources.Training;

    public DateTime CreatedAt { get; set; }

    /// <summary>Values in one input sample: an RBM's visible units, a network's inputs (pixels).</summary>
    public int InputUnits { get; set; }

    /// <summary>Units of the top layer: an RBM's hidden units, a DBN's top layer, a CNN's classes.</summary>
    public int OutputUnits { get; set; }

    public int ImageWidth { get; set; }

    public int ImageHeight { get; set; }

    public string OptionsJson { get; set; } = "{}";

    public string DataSpecJson { get; set; } = "{}";

    public string MetricsJson { get; set; } = "{}";

    public float? ReconstructionError { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>The SHA-256 of the safetensors file's blob in the blob store; its length is <see cref="SizeBytes"/>.</summary>
    public string FileHash { get; set; } = "";

    /// <summary>Patches spec and standardizer parameters of a patch model; null for other kinds.</summary>
    public string? PatchesJson { get; set; }

    /// <summary>The job's evaluation results (a JSON array); null when it ran none.</summary>
    public string? EvaluationsJson { get; set; }

    /// <summary>Test error in percent of a classifier (DBN, CNN); null for models that do not classify.</summary>
    public float? TestError { get; set; }

    /// <summary>Short description of the layers, e.g. "784-500-500-2000-10" or "LeNet-5"; null for single RBMs.</summary>
    public string? Architecture { get; set; }
}

/// <summary>
/// One completed epoch of one stage of a multi-stage job (a DBN's "pretrain-1", "finetune"; a CNN's "train"), with its
/// metrics as JSON; (JobId, Stage, Epoch) is the key so an epoch is never stored twice.
/// </summary>
public sealed class JobStageEpoch
{
    public Guid JobId { get; set; }

    public string Stage { get; set; } = "";

    public int Epoch { get; set; }

    /// <summary>When the epoch was stored; orders the stages of a job.</summary>
    public DateTime CreatedAt { get; set; }

    public string MetricsJson { get; set; } = "{}";
}

/// <summary>A table experiment (the Bengio 2007 table, the lecture's MNIST table): one job per row.</summary>
public sealed class Experiment
{
    public Guid Id { get; set; }

    /// <summary>The Identity user id of the owner; nobody else sees it.</summary>
    public string OwnerId { get; set; } = "";

    /// <summary>The definition it was made from, e.g. "bengio2007" or "mnist-table".</summary>
    public string Kind { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>"full" or "quick".</summary>
    public string Scale { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>The rows as a JSON array of {key, jobId}; labels and published figures come from the definition.</summary>
    public string RowsJson { get; set; } = "[]";
}

/// <summary>The monitoring report of one completed epoch; (JobId, Epoch) is the key like <see cref="JobEpochMetric"/>.</summary>
public sealed class JobEpochReport
{
    public Guid JobId { get; set; }

    public int Epoch { get; set; }

    public string ReportJson { get; set; } = "{}";
}

/// <summary>One evaluation run after training (AIS, per-class reconstruction, patch reconstruction); one per kind and job.</summary>
public sealed class JobEvaluation
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public string Kind { get; set; } = "";

    public string Json { get; set; } = "{}";

    public byte[]? Png { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>An uploaded data set, stored as a DatasetFile blob in the blob store.</summary>
public sealed class UserDataset
{
    public Guid Id { get; set; }

    /// <summary>The Identity user id of the owner; nobody else sees it.</summary>
    public string OwnerId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>"idx", "csv" or "images".</summary>
    public string Kind { get; set; } = "";

    public int Count { get; set; }

    public int Features { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public bool HasLabels { get; set; }

    /// <summary>The distinct labels as a JSON int array; null without labels.</summary>
    public string? ClassesJson { get; set; }

    public long SizeBytes { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The SHA-256 of the data set file's blob (<c>DatasetFile</c>) in the blob store; its length is <see cref="SizeBytes"/>.</summary>
    public string BlobHash { get; set; } = "";
}

/// <summary>An uploaded image, stored as a grayscale PNG.</summary>
public sealed class UserImage
{
    public Guid Id { get; set; }

    /// <summary>The Identity user id of the owner; nobody else sees it.</summary>
    public string OwnerId { get; set; } = "";

    public string Name { get; set; } = "";

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>The SHA-256 of the PNG's blob in the blob store; its length is <see cref="SizeBytes"/>.</summary>
    public string PngHash { get; set; } = "";

    public long SizeBytes { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>Who besides its owner may read a model.</summary>
public enum ModelVisibility
{
    /// <summary>Only the owner.</summary>
    Private,

    /// <summary>Members of the classes it is shared with (<see cref="ModelClassShare"/>).</summary>
    Class,

    /// <summary>Anyone holding the link with its <see cref="TrainedModel.ShareToken"/>.</summary>
    Unlisted,

    /// <summary>Every signed-in user of this server.</summary>
    Public,
}

/// <summary>Values of <see cref="TrainedModel.Source"/>.</summary>
public static class ModelSources
{
    public const string Training = "training";
    public const string Import = "import";
}

/// <summary>A class: its instructor created it and shares its join code with classmates.</summary>
public sealed class Classroom
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Eight characters from an alphabet without look-alikes; unique.</summary>
    public string JoinCode { get; set; } = "";

    public string InstructorId { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>A user in a class; the instructor is a member with role "instructor", so being in a class is having a row.</summary>
public sealed class ClassMember
{
    public const string InstructorRole = "instructor";
    public const string MemberRole = "member";

    public Guid ClassId { get; set; }

    public string UserId { get; set; } = "";

    public string Role { get; set; } = MemberRole;

    public DateTime JoinedAt { get; set; }
}

/// <summary>A model shared with a class (its visibility is Class).</summary>
public sealed class ModelClassShare
{
    public Guid ModelId { get; set; }

    public Guid ClassId { get; set; }
}

/// <summary>
/// An assignment published to a class: instructions, a job template whose fields are fixed except
/// <see cref="EditableFieldsJson"/>, the metrics the class view shows, and a due date.
/// </summary>
public sealed class Assignment
{
    public Guid Id { get; set; }

    public Guid ClassId { get; set; }

    public string Title { get; set; } = "";

    /// <summary>Markdown, rendered by the browser into DOM nodes (never as HTML).</summary>
    public string Instructions { get; set; } = "";

    /// <summary>The built-in template it started from, or null for a custom job body.</summary>
    public string? Template { get; set; }

    /// <summary>The job body (as <c>POST /api/jobs</c> takes it) students start from.</summary>
    public string JobJson { get; set; } = "{}";

    /// <summary>JSON array of the setting paths students may change, e.g. ["rbm.hiddenUnits"].</summary>
    public string EditableFieldsJson { get; set; } = "[]";

    /// <summary>JSON array of the metric names the class view shows.</summary>
    public string MetricsJson { get; set; } = "[]";

    public DateTime DueAt { get; set; }

    /// <summary>Whether the class's members may open the class view (the instructor always may).</summary>
    public bool ClassCanView { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A job a student started from an assignment: only these may be submitted to it.</summary>
public sealed class AssignmentRun
{
    public Guid AssignmentId { get; set; }

    public Guid JobId { get; set; }

    public string UserId { get; set; } = "";
}

/// <summary>A student's submission to an assignment (one per student; resubmitting replaces the job).</summary>
public sealed class AssignmentSubmission
{
    public Guid AssignmentId { get; set; }

    public string UserId { get; set; } = "";

    public Guid JobId { get; set; }

    public DateTime SubmittedAt { get; set; }

    /// <summary>Submitted after the assignment's due date.</summary>
    public bool Late { get; set; }

    /// <summary>The instructor's comment, visible to the instructor and the submission's author only.</summary>
    public string? Comment { get; set; }
}

/// <summary>The bounds on what an instructor writes into assignments (one declaration per limit).</summary>
public static class AssignmentLimits
{
    /// <summary>Instructions are Markdown of at most 16,000 characters.</summary>
    public const int InstructionsMaxLength = 16_000;

    /// <summary>A comment on a submission: at most 4,000 characters.</summary>
    public const int CommentMaxLength = 4_000;

    /// <summary>Assignments one class may hold.</summary>
    public const int PerClass = 100;

    /// <summary>Setting paths students may change, and metrics shown: at most this many each.</summary>
    public const int MaxFields = 32;

    /// <summary>The job template's JSON: at most 32 KB.</summary>
    public const int JobJsonMaxLength = 32_768;
}
