using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>What follows greedy pre-training.</summary>
public enum DbnFineTuning
{
    /// <summary>Features only: the pre-trained stack is the result.</summary>
    None,

    /// <summary>A softmax layer trained on the top features; the RBM layers stay frozen.</summary>
    ClassifierOnTop,

    /// <summary>The stack unrolled into a sigmoid network with a softmax output, every weight trained by backprop.</summary>
    Global,
}

/// <summary>A DBN run: the pre-training of every layer, then the fine-tuning.</summary>
public sealed record DbnOptions
{
    /// <summary>Options of every RBM, bottom first.</summary>
    public required IReadOnlyList<RbmOptions> Layers { get; init; }

    /// <summary>What a layer passes up to train the next: samples of Q(h|below) (the lecture) or the probabilities.</summary>
    public HiddenFeatures Propagation { get; init; } = HiddenFeatures.Binary;

    public DbnFineTuning FineTuning { get; init; } = DbnFineTuning.Global;

    /// <summary>
    /// Backprop settings of the fine-tuning. <see cref="BackpropOptions.FrozenLayers"/> is set by the mode
    /// (all RBM layers for <see cref="DbnFineTuning.ClassifierOnTop"/>, as given for <see cref="DbnFineTuning.Global"/>).
    /// </summary>
    public BackpropOptions Backprop { get; init; } = new();

    /// <summary>Standard deviation of the new softmax layer's initial weights.</summary>
    public float OutputWeightStdDev { get; init; } = 0.01f;

    /// <summary>Seed of the samples drawn between layers and of the softmax layer's initial weights.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>Where a DBN run stands.</summary>
public enum DbnStage
{
    Pretraining,
    FineTuning,
    Completed,
}

/// <summary>The result of a DBN run.</summary>
/// <param name="Stack">The pre-trained RBMs.</param>
/// <param name="Classifier">The fine-tuned network; null for <see cref="DbnFineTuning.None"/>.</param>
public sealed record DbnResult(DeepBeliefNetwork Stack, DenseSigmoidNetwork? Classifier);

/// <summary>
/// Receives a whole DBN run's progress: every pre-training event naming its layer, every fine-tuning event, and after
/// every epoch of either stage the run's full state.
/// </summary>
public interface IDbnTrainingObserver : IDbnPretrainingObserver, IBackpropObserver
{
    /// <param name="checkpoint">The run's full state at the end of an epoch; <see cref="DbnTrainer.Resume"/> continues from it.</param>
    void OnCheckpoint(DbnTrainingState checkpoint);
}

/// <summary>
/// A DBN run at library level: greedy layer-wise pre-training (<see cref="RbmTrainer"/> per layer, layer l trained on
/// samples or probabilities of Q(h^(l−1)|below)) followed by the chosen fine-tuning. The run is fixed by its seeds and
/// <see cref="CaptureState"/> / <see cref="Resume"/> continue it bit for bit from any stage: mid-layer, between
/// layers, or during fine-tuning.
/// </summary>
public sealed class DbnTrainer
{
    private readonly DbnOptions _options;
    private readonly Matrix _data;
    private readonly int[]? _labels;
    private readonly int _classes;
    private readonly List<Rbm> _completed;
    private RbmTrainer? _layerTrainer;
    private BackpropTrainer? _backprop;
    private DbnStage _stage;

    /// <param name="data">samples×inputs.</param>
    /// <param name="labels">Class per sample, or null for <see cref="DbnFineTuning.None"/>.</param>
    /// <param name="classes">Number of classes of the softmax output (≥ 2 when fine-tuning).</param>
    public DbnTrainer(DbnOptions options, Matrix data, int[]? labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options.Layers);
        if (options.Layers.Count < 1)
        {
            throw new ArgumentException("Give the options of at least one RBM.", nameof(options));
        }

        for (int l = 1; l < options.Layers.Count; l++)
        {
            if (options.Layers[l].VisibleType != VisibleUnitType.Bernoulli)
            {
                throw new ArgumentException($"Layer {l} is trained on hidden units of the layer below, which are binary; it needs Bernoulli visible units.", nameof(options));
            }
        }

        if (options.FineTuning != DbnFineTuning.None)
        {
            if (labels is null || labels.Length != data.Rows)
            {
                throw new ArgumentException("Fine-tuning needs one label per sample.", nameof(labels));
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        }

        _options = options;
        _data = data;
        _labels = labels;
        _classes = classes;
        _completed = [];
        _stage = DbnStage.Pretraining;
    }

    public DbnOptions Options => _options;

    public DbnStage Stage => _stage;

    /// <summary>0-based layer in pre-training; the number of layers once pre-training is done.</summary>
    public int Layer => _completed.Count;

    /// <summary>Continues a run from <paramref name="state"/> on the same data and labels it was taken on.</summary>
    public static DbnTrainer Resume(DbnTrainingState state, Matrix data, int[]? labels)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows != state.SampleCount)
        {
            throw new ArgumentException($"The checkpoint was taken on {state.SampleCount} samples, not {data.Rows}.", nameof(data));
        }

        var trainer = new DbnTrainer(state.Options, data, labels, state.Classes);
        trainer._completed.AddRange(state.CompletedLayers.Select(r => r.Clone()));
        trainer._stage = state.Stage;
        if (state.LayerState is not null)
        {
            trainer._layerTrainer = RbmTrainer.Resume(state.LayerState, trainer.LayerInput(trainer._completed.Count));
        }

        if (state.BackpropState is not null)
        {
            trainer._backprop = BackpropTrainer.Resume(state.BackpropState, data, labels!);
        }

        return trainer;
    }

    /// <summary>The run's full state: stage, finished RBMs, the current layer's trainer state, the fine-tuning state.</summary>
    public DbnTrainingState CaptureState() => new(
        _options, _classes, _data.Rows, _stage, [.. _completed.Select(r => r.Clone())],
        _stage == DbnStage.Pretraining ? _layerTrainer?.CaptureState() : null,
        _stage != DbnStage.Pretraining ? _backprop?.CaptureState() : null);

    /// <summary>
    /// Runs what remains of the run. Cancellation stops within one minibatch and leaves a consistent state to capture.
    /// </summary>
    public DbnResult Train(IDbnTrainingObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var checkpoints = new CheckpointingObserver(this, observer);
        while (_stage == DbnStage.Pretraining && _completed.Count < _options.Layers.Count)
        {
            int layer = _completed.Count;
            if (_layerTrainer is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                observer.OnLayerStarted(layer, _options.Layers.Count);
                _layerTrainer = new RbmTrainer(_options.Layers[layer], LayerInput(layer));
            }

            checkpoints.Layer = layer;
            Rbm rbm = _layerTrainer.Train(checkpoints, cancellationToken);
            _completed.Add(rbm);
            _layerTrainer = null;
            observer.OnLayerCompleted(layer, rbm);
        }

        var stack = new DeepBeliefNetwork(_completed);
        if (_options.FineTuning == DbnFineTuning.None)
        {
            _stage = DbnStage.Completed;
            return new DbnResult(stack, null);
        }

        _stage = _stage == DbnStage.Completed ? DbnStage.Completed : DbnStage.FineTuning;
        if (_backprop is null)
        {
            // A generator of its own, so the softmax initialization does not depend on how many samples pre-training drew.
            var rng = new Xoshiro256StarStar(_options.Seed ^ 0x9E3779B97F4A7C15UL);
            DenseSigmoidNetwork network = stack.Unroll(_classes, _options.OutputWeightStdDev, rng);
            BackpropOptions backprop = _options.FineTuning == DbnFineTuning.ClassifierOnTop
                ? _options.Backprop with { FrozenLayers = stack.Layers.Count, TopLayerOnlyEpochs = 0 }
                : _options.Backprop;
            _backprop = new BackpropTrainer(backprop, network, _data, _labels!);
        }

        _backprop.Train(checkpoints, cancellationToken);
        _stage = DbnStage.Completed;
        return new DbnResult(stack, _backprop.Network);
    }

    /// <summary>Static convenience: a new run trained to the end.</summary>
    public static DbnResult Train(
        DbnOptions options, Matrix data, int[]? labels, int classes, IDbnTrainingObserver observer, CancellationToken cancellationToken) =>
        new DbnTrainer(options, data, labels, classes).Train(observer, cancellationToken);

    /// <summary>
    /// The data layer <paramref name="layer"/> is trained on: the input for layer 0, else the finished layers' up pass,
    /// each step drawing its samples from a generator of its own so that a resumed run rebuilds exactly the same data.
    /// </summary>
    private Matrix LayerInput(int layer)
    {
        Matrix current = _data;
        for (int l = 0; l < layer; l++)
        {
            current = DeepBeliefNetwork.Propagate(_completed[l], current, _options.Propagation, PropagationRng(_options.Seed, l));
        }

        return current;
    }

    internal static Xoshiro256StarStar PropagationRng(ulong seed, int layer) =>
        new(seed ^ (0xD1B54A32D192ED03UL * (ulong)(layer + 1)));

    private sealed class CheckpointingObserver(DbnTrainer owner, IDbnTrainingObserver inner) : IRbmTrainingObserver, IBackpropObserver
    {
        public int Layer { get; set; }

        public void OnBatchCompleted(TrainingProgress progress, Rbm model) => inner.OnBatchCompleted(Layer, progress, model);

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
            inner.OnEpochCompleted(Layer, metrics, model, checkpoint);
            inner.OnCheckpoint(owner.CaptureState());
        }

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network) => inner.OnBatchCompleted(progress, network);

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
        {
            inner.OnEpochCompleted(metrics, network, checkpoint);
            inner.OnCheckpoint(owner.CaptureState());
        }
    }
}

/// <summary>An observer that ignores every event.</summary>
public sealed class NullDbnTrainingObserver : IDbnTrainingObserver
{
    public static NullDbnTrainingObserver Instance { get; } = new();

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
