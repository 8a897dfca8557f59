using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// Greedy layer-wise pre-training: RBM l is trained by an <see cref="RbmTrainer"/> with its own options on the
/// representation of the data produced by the layers below — samples of Q(h^(l−1)|below), as the lecture says, or the
/// probabilities themselves (<see cref="HiddenFeatures.Probabilities"/>).
/// </summary>
public sealed class DbnPretrainer
{
    private readonly IReadOnlyList<RbmOptions> _layers;
    private readonly HiddenFeatures _propagation;
    private readonly ulong _seed;

    /// <param name="layers">Options of every RBM, bottom first; only the first may use Gaussian visible units.</param>
    /// <param name="propagation">What a layer passes up to train the next: samples (the lecture) or probabilities.</param>
    /// <param name="seed">Seed of the samples drawn between layers.</param>
    public DbnPretrainer(IReadOnlyList<RbmOptions> layers, HiddenFeatures propagation = HiddenFeatures.Binary, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count < 1)
        {
            throw new ArgumentException("Give the options of at least one RBM.", nameof(layers));
        }

        for (int l = 1; l < layers.Count; l++)
        {
            if (layers[l].VisibleType != VisibleUnitType.Bernoulli)
            {
                throw new ArgumentException($"Layer {l} is trained on hidden units of the layer below, which are binary; it needs Bernoulli visible units.", nameof(layers));
            }
        }

        _layers = [.. layers];
        _propagation = propagation;
        _seed = seed;
    }

    public IReadOnlyList<RbmOptions> Layers => _layers;

    public HiddenFeatures Propagation => _propagation;

    /// <summary>
    /// Trains the stack on <paramref name="data"/> (samples×inputs) layer by layer and returns it. Cancellation stops
    /// within one minibatch of the layer in training. (For a run that can be checkpointed, use <see cref="DbnTrainer"/>
    /// with <see cref="DbnFineTuning.None"/>: this is that run.)
    /// </summary>
    public DeepBeliefNetwork Train(Matrix data, IDbnPretrainingObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(observer);
        var options = new DbnOptions { Layers = _layers, Propagation = _propagation, FineTuning = DbnFineTuning.None, Seed = _seed };
        return new DbnTrainer(options, data, null, 0).Train(new PretrainingOnly(observer), cancellationToken).Stack;
    }

    private sealed class PretrainingOnly(IDbnPretrainingObserver inner) : IDbnTrainingObserver
    {
        public void OnLayerStarted(int layer, int layers) => inner.OnLayerStarted(layer, layers);

        public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model) => inner.OnBatchCompleted(layer, progress, model);

        public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint) =>
            inner.OnEpochCompleted(layer, metrics, model, checkpoint);

        public void OnLayerCompleted(int layer, Rbm model) => inner.OnLayerCompleted(layer, model);

        public void OnLayerEpochCompleted(int layer, DbnLayerEpochMetrics metrics, Rbm model) => inner.OnLayerEpochCompleted(layer, metrics, model);

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
        {
        }

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
        {
        }

        public void OnCheckpoint(DbnTrainingState checkpoint)
        {
        }
    }
}

/// <summary>
/// Receives greedy pre-training progress on the training thread, each event naming the layer (0-based, bottom first).
/// Implementations throttle what they forward and copy what they keep.
/// </summary>
public interface IDbnPretrainingObserver
{
    void OnLayerStarted(int layer, int layers);

    /// <summary>
    /// After every pre-training minibatch of every mode. For auto-encoder and supervised layers the progress's
    /// ReconstructionError carries the batch's mean loss (<see cref="DbnLayerEpochMetrics.Loss"/>) and the model shows
    /// the layer's live W, b, c as an RBM.
    /// </summary>
    void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model);

    /// <summary>After every epoch of an RBM layer (<see cref="DbnPretraining.Rbm"/> only; see <see cref="OnLayerEpochCompleted"/>).</summary>
    void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint);

    void OnLayerCompleted(int layer, Rbm model);

    /// <summary>
    /// Raised after every pre-training epoch of every <see cref="DbnPretraining"/> mode (for RBM layers right after
    /// <see cref="OnEpochCompleted"/>). <paramref name="model"/> shows the layer's current W, b, c as an RBM.
    /// </summary>
    void OnLayerEpochCompleted(int layer, DbnLayerEpochMetrics metrics, Rbm model)
    {
    }
}

/// <summary>An observer that ignores every event.</summary>
public sealed class NullDbnPretrainingObserver : IDbnPretrainingObserver
{
    public static NullDbnPretrainingObserver Instance { get; } = new();

    public void OnLayerStarted(int layer, int layers)
    {
    }

    public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model)
    {
    }

    public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
    {
    }

    public void OnLayerCompleted(int layer, Rbm model)
    {
    }
}
