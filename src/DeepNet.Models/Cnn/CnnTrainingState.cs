namespace DeepNet.Models.Cnn;

/// <summary>
/// Everything a <see cref="CnnTrainer"/> needs to continue a run exactly: architecture, options, parameter values,
/// optimizer moments and step count, and the schedule — generator state (initialization, shuffles, augmentation,
/// dropout), position, the epoch's summed loss and its count of correct predictions (the tally). All arrays are copies.
/// </summary>
public sealed record CnnTrainingState(
    CnnOptions Options,
    TensorShape InputShape,
    IReadOnlyList<LayerSpec> Layers,
    IReadOnlyList<float[]> Parameters,
    IReadOnlyList<float[]> OptimizerState,
    long OptimizerSteps,
    ScheduleState Schedule,
    IReadOnlyList<CnnEpochMetrics> History)
{
    public ulong[] RngState => Schedule.RngState;

    public int SampleCount => Schedule.SampleCount;

    /// <summary>The 1-based epoch the run continues with.</summary>
    public int NextEpoch => Schedule.NextEpoch;

    /// <summary>The 0-based minibatch of <see cref="NextEpoch"/> the run continues with.</summary>
    public int NextBatch => Schedule.NextBatch;
}
