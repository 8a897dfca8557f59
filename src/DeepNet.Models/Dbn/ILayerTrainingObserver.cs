namespace DeepNet.Models.Dbn;

/// <summary>
/// Receives the progress of a non-RBM layer trainer (<see cref="AutoEncoderTrainer"/>) on the training thread. The
/// model is the layer's live parameters shown as an RBM (W, b, c): copy what you keep.
/// </summary>
public interface ILayerTrainingObserver
{
    /// <param name="progress">Its ReconstructionError field carries the batch's mean loss per sample.</param>
    void OnBatchCompleted(TrainingProgress progress, Rbm model);

    void OnEpochCompleted(DbnLayerEpochMetrics metrics, Rbm model);
}

/// <summary>An observer that ignores every event.</summary>
public sealed class NullLayerTrainingObserver : ILayerTrainingObserver
{
    public static NullLayerTrainingObserver Instance { get; } = new();

    public void OnBatchCompleted(TrainingProgress progress, Rbm model)
    {
    }

    public void OnEpochCompleted(DbnLayerEpochMetrics metrics, Rbm model)
    {
    }
}
