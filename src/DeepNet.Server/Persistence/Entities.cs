namespace DeepNet.Server.Persistence;

/// <summary>A training job as stored; options and data spec are JSON so new model kinds need no schema change.</summary>
public sealed class Job
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Kind { get; set; } = "";

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

    public byte[] State { get; set; } = [];

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

/// <summary>A trained model: descriptive columns for listing plus the safetensors file itself.</summary>
public sealed class TrainedModel
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Kind { get; set; } = "";

    public Guid JobId { get; set; }

    public DateTime CreatedAt { get; set; }

    public int VisibleUnits { get; set; }

    public int HiddenUnits { get; set; }

    public int ImageWidth { get; set; }

    public int ImageHeight { get; set; }

    public string OptionsJson { get; set; } = "{}";

    public string DataSpecJson { get; set; } = "{}";

    public string MetricsJson { get; set; } = "{}";

    public float? ReconstructionError { get; set; }

    public long SizeBytes { get; set; }

    public byte[] File { get; set; } = [];
}
