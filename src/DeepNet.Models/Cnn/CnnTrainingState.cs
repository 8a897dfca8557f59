namespace DeepNet.Models.Cnn;

/// <summary>
/// Everything a <see cref="CnnTrainer"/> needs to continue a run exactly: architecture, options, parameter values,
/// optimizer moments and step count, generator state (initialization, shuffles, dropout), position and running sums.
/// All arrays are copies.
/// </summary>
public sealed record CnnTrainingState(
    CnnOptions Options,
    TensorShape InputShape,
    IReadOnlyList<LayerSpec> Layers,
    IReadOnlyList<float[]> Parameters,
    IReadOnlyList<float[]> OptimizerState,
    long OptimizerSteps,
    ulong[] RngState,
    int SampleCount,
    int NextEpoch,
    int NextBatch,
    int[]? Order,
    double EpochLossSum,
    int EpochCorrect,
    IReadOnlyList<CnnEpochMetrics> History);
