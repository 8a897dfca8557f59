namespace DeepNet.Server.Jobs;

/// <summary>
/// What a job is expected to cost, estimated by its kind from the validated spec before it is queued
/// (<see cref="IModelKind.ValidateAsync"/> attaches it to the draft) and checked against the <see cref="JobBudget"/>.
/// </summary>
/// <param name="PeakMemoryBytes">Training data as the trainer holds it, parameters with their optimizer state and copies, one batch's activations.</param>
/// <param name="ModelBytes">The stored model file.</param>
/// <param name="CheckpointBytes">One checkpoint: parameters, optimizer state and generator.</param>
/// <param name="Flops">Floating-point operations of the whole run: every epoch's forward and backward passes and the evaluations.</param>
/// <param name="SizeField">The request field that sets the size (memory, model, checkpoint); a refusal names it.</param>
/// <param name="LengthField">The request field that sets the run time (the epochs of the costliest stage).</param>
public sealed record JobEstimate(long PeakMemoryBytes, long ModelBytes, long CheckpointBytes, double Flops, string SizeField, string LengthField)
{
    /// <summary>A file's metadata, headers and the generator state besides its tensors.</summary>
    public const long FileOverheadBytes = 64 * 1024;

    /// <summary>What the job holds of its owner's storage until it ends: its model and its checkpoint.</summary>
    public long StorageBytes => ModelBytes + CheckpointBytes;

    /// <summary>Bytes of <paramref name="values"/> float32 values.</summary>
    public static long Floats(double values) => (long)Math.Ceiling(values * sizeof(float));
}
