namespace DeepNet.Server.Jobs;

/// <summary>
/// What a job is expected to cost, estimated by its kind from the validated spec before it is queued
/// (<see cref="IModelKind.ValidateAsync"/> attaches it to the draft) and checked against the <see cref="JobBudget"/>.
/// </summary>
/// <param name="PeakMemoryBytes">
/// The process's growth while the job runs (<see cref="Peak"/>): training data as the trainer holds it, parameters with
/// their optimizer state and gradients, a batch's activations, a checkpoint's captured copy, the model file as SQLite
/// stores it, and the runtime's slack.
/// </param>
/// <param name="ModelBytes">The stored model file.</param>
/// <param name="CheckpointBytes">One checkpoint: parameters, optimizer state and generator.</param>
/// <param name="Flops">Floating-point operations of the whole run: every epoch's forward and backward passes and the evaluations.</param>
/// <param name="SizeField">The request field that sets the size (memory, model, checkpoint); a refusal names it.</param>
/// <param name="LengthField">The request field that sets the run time (the epochs of the costliest stage).</param>
public sealed record JobEstimate(long PeakMemoryBytes, long ModelBytes, long CheckpointBytes, double Flops, string SizeField, string LengthField)
{
    /// <summary>A file's metadata, headers and the generator state besides its tensors.</summary>
    public const long FileOverheadBytes = 64 * 1024;

    /// <summary>
    /// What the runtime holds besides the job's own arrays: what the collector lets pile up between collections, rendered
    /// images, JSON. Calibrated with tests/load/job-memory.sh (RSS above idle of one big job of each kind).
    /// </summary>
    public const long RuntimeSlackBytes = 160 * 1024 * 1024;

    /// <summary>
    /// Copies of the model file SQLite holds while it builds the model's row: the file's column is not the row's last,
    /// so its zeroblob is expanded (and copied once more) in memory. Checkpoints are written without (their blob is last).
    /// </summary>
    public const int StoredModelCopies = 2;

    /// <summary>What the job holds of its owner's storage until it ends: its model and its checkpoint.</summary>
    public long StorageBytes => ModelBytes + CheckpointBytes;

    /// <summary>
    /// A job's peak memory: the trainer's arrays, a checkpoint's captured copy (written into its blob from the arrays, and
    /// still uncollected when the model is stored), the model file as SQLite stores it, and the runtime's slack.
    /// </summary>
    /// <param name="trainingBytes">Data as the trainer holds it, parameters with optimizer state and gradients, a batch's activations.</param>
    /// <param name="captureBytes">One checkpoint's copy of the state.</param>
    /// <param name="modelBytes">The model file.</param>
    public static long Peak(long trainingBytes, long captureBytes, long modelBytes) =>
        trainingBytes + captureBytes + StoredModelCopies * modelBytes + RuntimeSlackBytes;

    /// <summary>Bytes of <paramref name="values"/> float32 values.</summary>
    public static long Floats(double values) => (long)Math.Ceiling(values * sizeof(float));
}
