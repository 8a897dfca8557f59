namespace DeepNet.Models;

/// <summary>Progress after one minibatch. Epoch and Batch are 1-based.</summary>
/// <param name="ReconstructionError">Mean over this batch of Σᵢ (x1ᵢ − P(x2ᵢ=1|h1))².</param>
public readonly record struct TrainingProgress(
    int Epoch, int Epochs, int Batch, int BatchesPerEpoch, float ReconstructionError, double SamplesPerSecond);

/// <summary>Summary of one finished epoch (1-based).</summary>
/// <param name="ReconstructionError">Mean over the epoch's samples of Σᵢ (x1ᵢ − P(x2ᵢ=1|h1))².</param>
public sealed record EpochMetrics(int Epoch, float ReconstructionError, double SamplesPerSecond, double Seconds);

/// <summary>
/// Receives a trainer's progress on the training thread. Implementations throttle what they forward
/// and must copy what they keep: the model keeps changing after the call returns.
/// </summary>
public interface IRbmTrainingObserver
{
    void OnBatchCompleted(TrainingProgress progress, Rbm model);

    /// <param name="checkpoint">The trainer's full state at the end of this epoch; resuming from it continues the run.</param>
    void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint);
}
