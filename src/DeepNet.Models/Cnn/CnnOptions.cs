namespace DeepNet.Models.Cnn;

public enum CnnOptimizerKind
{
    Sgd,
    Adam,
}

/// <summary>
/// Weight initialization (biases are always 0): He normal σ = √(2/fanIn), Glorot uniform ±√(6/(fanIn + fanOut)),
/// or Auto = He for a layer followed by ReLU and Glorot otherwise.
/// </summary>
public enum CnnInitialization
{
    Auto,
    He,
    Glorot,
}

/// <summary>How a <see cref="CnnTrainer"/> trains: minibatch size, epochs, optimizer and its settings, seed.</summary>
/// <param name="Momentum">SGD only.</param>
/// <param name="WeightDecay">L2 coefficient λ on weights (not biases).</param>
/// <param name="LearningRateDecay">ε of epoch e (1-based) is LearningRate · LearningRateDecay^(e − 1).</param>
/// <param name="Initialization">How the weights are drawn (<see cref="CnnInitialization"/>).</param>
/// <param name="Augmentation">Random affine distortions of every training minibatch, or null for none.</param>
public sealed record CnnOptions(
    int Epochs = 10,
    int BatchSize = 64,
    CnnOptimizerKind Optimizer = CnnOptimizerKind.Adam,
    float LearningRate = 1e-3f,
    float Momentum = 0.9f,
    float WeightDecay = 0f,
    ulong Seed = 1,
    float LearningRateDecay = 1f,
    CnnInitialization Initialization = CnnInitialization.Auto,
    CnnAugmentation? Augmentation = null)
{
    /// <summary>ε of a 1-based epoch: LearningRate · LearningRateDecay^(epoch − 1).</summary>
    public float LearningRateAt(int epoch) => (float)(LearningRate * Math.Pow(LearningRateDecay, epoch - 1));

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (Epochs is < 1 or > 10_000)
        {
            throw new ArgumentException("epochs must be in [1, 10000].", nameof(Epochs));
        }

        if (BatchSize is < 1 or > 4096)
        {
            throw new ArgumentException("batchSize must be in [1, 4096].", nameof(BatchSize));
        }

        if (!Enum.IsDefined(Optimizer))
        {
            throw new ArgumentException("optimizer must be Sgd or Adam.", nameof(Optimizer));
        }

        if (!(LearningRate > 0f && LearningRate <= 10f))
        {
            throw new ArgumentException("learningRate must be in (0, 10].", nameof(LearningRate));
        }

        if (!(Momentum >= 0f && Momentum < 1f))
        {
            throw new ArgumentException("momentum must be in [0, 1).", nameof(Momentum));
        }

        if (!(LearningRateDecay > 0f && LearningRateDecay <= 1f))
        {
            throw new ArgumentException("learningRateDecay must be in (0, 1].", nameof(LearningRateDecay));
        }

        if (!(WeightDecay >= 0f && WeightDecay <= 1f))
        {
            throw new ArgumentException("weightDecay must be in [0, 1].", nameof(WeightDecay));
        }

        if (!Enum.IsDefined(Initialization))
        {
            throw new ArgumentException("initialization must be Auto, He or Glorot.", nameof(Initialization));
        }

        Augmentation?.Validate();
    }
}

/// <summary>Progress after one minibatch (1-based epoch and batch); Loss is the batch's mean cross-entropy.</summary>
public readonly record struct CnnBatchProgress(int Epoch, int Epochs, int Batch, int BatchesPerEpoch, double Loss, double SamplesPerSecond);

/// <summary>One finished epoch: mean training cross-entropy and accuracy (training mode, during the epoch).</summary>
public sealed record CnnEpochMetrics(int Epoch, double Loss, double Accuracy, double SamplesPerSecond, double Seconds);

/// <summary>Receives a <see cref="CnnTrainer"/>'s progress on the training thread; copy what you keep.</summary>
public interface ICnnTrainingObserver
{
    void OnBatchCompleted(CnnBatchProgress progress, Network model);

    /// <param name="checkpoint">The trainer's full state at the end of this epoch; resuming from it continues the run.</param>
    void OnEpochCompleted(CnnEpochMetrics metrics, Network model, CnnTrainingState checkpoint);
}
