namespace DeepNet.Models.Dbn;

/// <summary>Summary of one finished backprop epoch (1-based).</summary>
/// <param name="Loss">Mean cross-entropy −log p(label) over the epoch's training samples.</param>
/// <param name="TrainingError">Fraction of the epoch's minibatch samples misclassified before their update.</param>
/// <param name="TrainedFromLayer">Lowest layer updated in this epoch.</param>
public sealed record BackpropEpochMetrics(int Epoch, double Loss, double TrainingError, int TrainedFromLayer, double SamplesPerSecond, double Seconds);

/// <summary>Progress after one backprop minibatch. Epoch and Batch are 1-based.</summary>
/// <param name="Loss">Mean cross-entropy −log p(label) over this batch, before its update.</param>
public readonly record struct BackpropProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, float Loss);

/// <summary>Receives backprop progress on the training thread; must copy what it keeps.</summary>
public interface IBackpropObserver
{
    void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network);

    /// <param name="checkpoint">The trainer's full state at the end of this epoch; resuming from it continues the run.</param>
    void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint);
}

/// <summary>An observer that ignores every event.</summary>
public sealed class NullBackpropObserver : IBackpropObserver
{
    public static NullBackpropObserver Instance { get; } = new();

    public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
    {
    }

    public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
    {
    }
}
