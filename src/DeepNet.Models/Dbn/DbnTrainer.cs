using System.Diagnostics;
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

    /// <summary>
    /// What a layer passes up to train the next: samples of Q(h|below) (the lecture) or the probabilities. Applies to
    /// <see cref="DbnPretraining.Rbm"/>; the auto-encoder and supervised modes always pass probabilities up.
    /// </summary>
    public HiddenFeatures Propagation { get; init; } = HiddenFeatures.Binary;

    /// <summary>How every layer is initialized before fine-tuning (the per-layer <see cref="Layers"/> options apply to each mode).</summary>
    public DbnPretraining Pretraining { get; init; } = DbnPretraining.Rbm;

    /// <summary>
    /// Hinton, Osindero &amp; Teh 2006: the top RBM is trained on [penultimate features, one-hot label] — the label's
    /// <c>classes</c> units appended at the END of its visible vector — so that the DBN models the joint of images and
    /// labels and can generate a clamped class (<see cref="DbnGeneration"/>). Needs labels and
    /// <see cref="DbnPretraining.Rbm"/>; the stack's <see cref="DeepBeliefNetwork.LabelUnits"/> is then <c>classes</c>.
    /// Fine-tuning ignores the label columns (the unrolled network sees them as 0).
    /// </summary>
    public bool JoinLabels { get; init; }

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
/// A DBN run at library level: greedy layer-wise pre-training — by default an <see cref="RbmTrainer"/> per layer, layer l
/// trained on samples or probabilities of Q(h^(l−1)|below); or auto-associators, supervised layers or none
/// (<see cref="DbnPretraining"/>) — followed by the chosen fine-tuning. The run is fixed by its seeds and
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
    private AutoEncoderTrainer? _autoEncoder;
    private BackpropTrainer? _supervisedLayer;
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

        if (!Enum.IsDefined(options.Pretraining) || !Enum.IsDefined(options.FineTuning))
        {
            throw new ArgumentException($"Unknown pre-training {options.Pretraining} or fine-tuning {options.FineTuning}.", nameof(options));
        }

        if ((options.Pretraining is DbnPretraining.AutoEncoder or DbnPretraining.Supervised) && options.Layers[0].VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException($"{options.Pretraining} pre-training needs inputs in [0, 1]: use Bernoulli visible units for layer 0.", nameof(options));
        }

        if (options.JoinLabels && options.Pretraining != DbnPretraining.Rbm)
        {
            throw new ArgumentException("JoinLabels trains the top RBM on features and labels; it needs Rbm pre-training.", nameof(options));
        }

        if (options.JoinLabels && options.Layers.Count == 1 && options.Layers[0].VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("JoinLabels appends binary label units to the top RBM's visible units; a one-layer stack then needs Bernoulli visible units.", nameof(options));
        }

        if (options.FineTuning != DbnFineTuning.None || options.JoinLabels || options.Pretraining == DbnPretraining.Supervised)
        {
            if (labels is null || labels.Length != data.Rows)
            {
                throw new ArgumentException(
                    "Fine-tuning, JoinLabels and supervised pre-training need one label per sample.", nameof(labels));
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
            foreach (int label in labels)
            {
                if ((uint)label >= (uint)classes)
                {
                    throw new ArgumentException($"Labels must lie in [0, {classes}); got {label}.", nameof(labels));
                }
            }
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

    /// <summary>
    /// Starts a run whose bottom layers are already trained (e.g. an RBM trained on its own): they are not pre-trained
    /// again; pre-training goes on with layer <c>pretrained.Count</c>, then the fine-tuning of <paramref name="options"/>.
    /// </summary>
    /// <param name="pretrained">
    /// The bottom RBMs, bottom first (cloned): RBM l has the hidden units of <c>options.Layers[l]</c> and the visible units
    /// of the layer below (RBM 0: the data's features and the visible type of <c>options.Layers[0]</c>). A label-joined
    /// top layer cannot be given.
    /// </param>
    public static DbnTrainer StartFromLayers(DbnOptions options, Matrix data, int[]? labels, int classes, IReadOnlyList<Rbm> pretrained)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        var trainer = new DbnTrainer(options, data, labels, classes);
        int given = options.JoinLabels ? options.Layers.Count - 1 : options.Layers.Count;
        if (pretrained.Count < 1 || pretrained.Count > given)
        {
            throw new ArgumentException(
                $"Give between 1 and {given} trained layers of the {options.Layers.Count}{(options.JoinLabels ? " (the label-joined top layer is trained here)" : "")}; got {pretrained.Count}.",
                nameof(pretrained));
        }

        for (int l = 0; l < pretrained.Count; l++)
        {
            Rbm rbm = pretrained[l];
            int visible = l == 0 ? data.Cols : options.Layers[l - 1].HiddenUnits;
            if (rbm.VisibleUnits != visible || rbm.HiddenUnits != options.Layers[l].HiddenUnits || rbm.VisibleType != options.Layers[l].VisibleType)
            {
                throw new ArgumentException(
                    $"Trained layer {l} is a {rbm.VisibleType} RBM {rbm.VisibleUnits}→{rbm.HiddenUnits}; the run needs a {options.Layers[l].VisibleType} RBM {visible}→{options.Layers[l].HiddenUnits}.",
                    nameof(pretrained));
            }
        }

        trainer._completed.AddRange(pretrained.Select(r => r.Clone()));
        return trainer;
    }

    /// <summary>
    /// Starts a run at the fine-tuning stage of a trained DBN: <paramref name="stack"/> stands for the pre-training and
    /// <paramref name="network"/> (cloned; e.g. the DBN's fine-tuned classifier) is trained further with
    /// <c>options.Backprop</c> under <c>options.FineTuning</c> (Global or ClassifierOnTop).
    /// </summary>
    public static DbnTrainer StartFineTuning(DbnOptions options, Matrix data, int[] labels, int classes, DeepBeliefNetwork stack, DenseSigmoidNetwork network)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(network);
        var trainer = new DbnTrainer(options, data, labels, classes);
        if (options.FineTuning == DbnFineTuning.None)
        {
            throw new ArgumentException("Starting at the fine-tuning needs a fine-tuning mode other than None.", nameof(options));
        }

        if (stack.Layers.Count != options.Layers.Count || stack.LabelUnits != (options.JoinLabels ? classes : 0) || stack.Inputs != data.Cols)
        {
            throw new ArgumentException(
                $"The stack has {stack.Layers.Count} layers, {stack.Inputs} inputs and {stack.LabelUnits} label units; the run needs {options.Layers.Count}, {data.Cols} and {(options.JoinLabels ? classes : 0)}.",
                nameof(stack));
        }

        if (network.Inputs != data.Cols || network.Outputs != classes || network.LayerCount != stack.Layers.Count + 1)
        {
            throw new ArgumentException(
                $"The network is {network.Inputs} inputs → {network.Outputs} classes in {network.LayerCount} layers; the run needs {data.Cols} → {classes} in {stack.Layers.Count + 1}.",
                nameof(network));
        }

        trainer._completed.AddRange(stack.Layers.Select(r => r.Clone()));
        trainer._stage = DbnStage.FineTuning;
        trainer._backprop = new BackpropTrainer(trainer.FineTuningOptions(stack.Layers.Count), network.Clone(), data, labels);
        return trainer;
    }

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

        if (state.AutoEncoderState is not null)
        {
            trainer._autoEncoder = AutoEncoderTrainer.Resume(state.AutoEncoderState, trainer.LayerInput(trainer._completed.Count));
        }

        if (state.SupervisedLayerState is not null)
        {
            trainer._supervisedLayer = BackpropTrainer.Resume(state.SupervisedLayerState, trainer.LayerInput(trainer._completed.Count), labels!);
        }

        if (state.BackpropState is not null)
        {
            trainer._backprop = BackpropTrainer.Resume(state.BackpropState, data, labels!);
        }

        return trainer;
    }

    /// <summary>The run's full state: stage, finished layers, the current layer's trainer state, the fine-tuning state.</summary>
    public DbnTrainingState CaptureState() => CaptureState(null, null);

    /// <summary>
    /// The run's state, taking the running trainer's state from its epoch event when given (<paramref name="layer"/>,
    /// <paramref name="backprop"/>: captured at the same point) instead of copying the parameters a second time. The
    /// finished layers are shared, not copied: the trainer never changes them again.
    /// </summary>
    private DbnTrainingState CaptureState(RbmTrainingState? layer, BackpropTrainingState? backprop)
    {
        bool pretraining = _stage == DbnStage.Pretraining;
        return new(
            _options, _classes, _data.Rows, _stage, [.. _completed],
            pretraining ? layer ?? _layerTrainer?.CaptureState() : null,
            !pretraining ? backprop ?? _backprop?.CaptureState() : null,
            pretraining ? _autoEncoder?.CaptureState() : null,
            pretraining ? backprop ?? _supervisedLayer?.CaptureState() : null);
    }

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
            if (_layerTrainer is null && _autoEncoder is null && _supervisedLayer is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                observer.OnLayerStarted(layer, _options.Layers.Count);
                StartLayer(layer);
            }

            checkpoints.Layer = layer;
            Rbm rbm = _options.Pretraining switch
            {
                DbnPretraining.Rbm => _layerTrainer!.Train(checkpoints, cancellationToken),
                DbnPretraining.AutoEncoder => _autoEncoder!.Train(checkpoints, cancellationToken),
                DbnPretraining.Supervised => SupervisedLayerResult(_supervisedLayer!.Train(checkpoints, cancellationToken)),
                _ => RandomLayer(layer),
            };
            _completed.Add(rbm);
            _layerTrainer = null;
            _autoEncoder = null;
            _supervisedLayer = null;
            observer.OnLayerCompleted(layer, rbm);
        }

        var stack = new DeepBeliefNetwork(_completed, _options.JoinLabels ? _classes : 0);
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
            _backprop = new BackpropTrainer(FineTuningOptions(stack.Layers.Count), network, _data, _labels!);
        }

        _backprop.Train(checkpoints, cancellationToken);
        _stage = DbnStage.Completed;
        return new DbnResult(stack, _backprop.Network);
    }

    /// <summary>The backprop options of the fine-tuning: every RBM layer frozen for ClassifierOnTop, as given for Global.</summary>
    private BackpropOptions FineTuningOptions(int stackLayers) => _options.FineTuning == DbnFineTuning.ClassifierOnTop
        ? _options.Backprop with { FrozenLayers = stackLayers, TopLayerOnlyEpochs = 0 }
        : _options.Backprop;

    /// <summary>Static convenience: a new run trained to the end.</summary>
    public static DbnResult Train(
        DbnOptions options, Matrix data, int[]? labels, int classes, IDbnTrainingObserver observer, CancellationToken cancellationToken) =>
        new DbnTrainer(options, data, labels, classes).Train(observer, cancellationToken);

    /// <summary>
    /// The data layer <paramref name="layer"/> is trained on: the input for layer 0, else the finished layers' up pass
    /// (samples or probabilities for RBMs, probabilities for the other modes), each step drawing its samples from a
    /// generator of its own so that a resumed run rebuilds exactly the same data; with JoinLabels the top layer's data
    /// gets the one-hot labels appended.
    /// </summary>
    private Matrix LayerInput(int layer)
    {
        HiddenFeatures propagation = _options.Pretraining == DbnPretraining.Rbm ? _options.Propagation : HiddenFeatures.Probabilities;
        Matrix current = _data;
        for (int l = 0; l < layer; l++)
        {
            current = DeepBeliefNetwork.Propagate(_completed[l], current, propagation, PropagationRng(_options.Seed, l));
        }

        return _options.JoinLabels && layer == _options.Layers.Count - 1
            ? DeepBeliefNetwork.AppendLabels(current, _labels, _classes)
            : current;
    }

    private void StartLayer(int layer)
    {
        RbmOptions options = _options.Layers[layer];
        switch (_options.Pretraining)
        {
            case DbnPretraining.Rbm:
                _layerTrainer = new RbmTrainer(options, LayerInput(layer));
                break;
            case DbnPretraining.AutoEncoder:
                _autoEncoder = new AutoEncoderTrainer(options, LayerInput(layer));
                break;
            case DbnPretraining.Supervised:
                _supervisedLayer = CreateSupervisedLayer(options, LayerInput(layer));
                break;
        }
    }

    /// <summary>
    /// A one-hidden-layer network on the layer's input: the hidden layer's W then the temporary softmax's W, both
    /// ~ N(0, InitialWeightStdDev²) drawn in that order from the layer's seed (a tiny softmax would starve the hidden
    /// layer of gradient); biases 0. It trains
    /// with the layer's learning rate, decay, FinalMomentum (constant), weight decay, batch size and epochs.
    /// </summary>
    private BackpropTrainer CreateSupervisedLayer(RbmOptions options, Matrix input)
    {
        var rng = new Xoshiro256StarStar(options.Seed);
        Matrix hidden = DenseSigmoidNetwork.RandomMatrix(options.HiddenUnits, input.Cols, options.InitialWeightStdDev, rng);
        Matrix output = DenseSigmoidNetwork.RandomMatrix(_classes, options.HiddenUnits, options.InitialWeightStdDev, rng);
        var network = new DenseSigmoidNetwork([hidden, output], [new float[options.HiddenUnits], new float[_classes]]);
        var backprop = new BackpropOptions
        {
            LearningRate = options.LearningRate,
            LearningRateDecay = options.LearningRateDecay,
            Momentum = options.FinalMomentum,
            WeightDecay = options.WeightDecay,
            BatchSize = options.BatchSize,
            Epochs = options.Epochs,
            Seed = options.Seed ^ 0xA0761D6478BD642FUL,
        };
        return new BackpropTrainer(backprop, network, input, _labels!);
    }

    /// <summary>The trained hidden layer (the temporary softmax dropped) as an RBM with visible bias 0.</summary>
    private static Rbm SupervisedLayerResult(DenseSigmoidNetwork network) =>
        new(network.Weights(0).Clone(), new float[network.Inputs], (float[])network.Bias(0).Clone());

    /// <summary>No pre-training: W ~ N(0, InitialWeightStdDev²) from the layer's seed, as an RBM starts; biases 0.</summary>
    private Rbm RandomLayer(int layer)
    {
        RbmOptions options = _options.Layers[layer];
        int visible = layer == 0 ? _data.Cols : _options.Layers[layer - 1].HiddenUnits;
        var rng = new Xoshiro256StarStar(options.Seed);
        Matrix w = DenseSigmoidNetwork.RandomMatrix(options.HiddenUnits, visible, options.InitialWeightStdDev, rng);
        return new Rbm(w, new float[visible], new float[options.HiddenUnits], options.VisibleType, options.Sigma);
    }

    internal static Xoshiro256StarStar PropagationRng(ulong seed, int layer) =>
        new(seed ^ (0xD1B54A32D192ED03UL * (ulong)(layer + 1)));

    /// <summary>
    /// Forwards every layer trainer's events with the layer's index, the fine-tuning's events as they are, and a
    /// checkpoint of the whole run after every epoch. A supervised layer's backprop events become pre-training events.
    /// </summary>
    private sealed class CheckpointingObserver(DbnTrainer owner, IDbnTrainingObserver inner) : IRbmTrainingObserver, IBackpropObserver, ILayerTrainingObserver
    {
        private readonly Stopwatch _supervisedClock = new();
        private Rbm? _supervisedView;
        private int _supervisedSamples;

        public int Layer { get; set; }

        public void OnBatchCompleted(TrainingProgress progress, Rbm model) => inner.OnBatchCompleted(Layer, progress, model);

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
            inner.OnEpochCompleted(Layer, metrics, model, checkpoint);
            inner.OnLayerEpochCompleted(Layer, new DbnLayerEpochMetrics(
                DbnPretraining.Rbm, metrics.Epoch, checkpoint.Options.Epochs, metrics.ReconstructionError, null, metrics.SamplesPerSecond, metrics.Seconds), model);
            inner.OnCheckpoint(owner.CaptureState(checkpoint, null));
        }

        public void OnEpochCompleted(DbnLayerEpochMetrics metrics, Rbm model)
        {
            inner.OnLayerEpochCompleted(Layer, metrics, model);
            inner.OnCheckpoint(owner.CaptureState());
        }

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
        {
            if (owner._stage != DbnStage.Pretraining)
            {
                inner.OnBatchCompleted(progress, network);
                return;
            }

            if (progress.Batch == 1 || !_supervisedClock.IsRunning)
            {
                _supervisedClock.Restart();
                _supervisedSamples = 0;
            }

            int batchSize = Math.Min(owner._options.Layers[Layer].BatchSize, owner._data.Rows);
            _supervisedSamples += Math.Min(batchSize, owner._data.Rows - (progress.Batch - 1) * batchSize);
            double seconds = _supervisedClock.Elapsed.TotalSeconds;
            inner.OnBatchCompleted(
                Layer,
                new TrainingProgress(progress.Epoch, progress.Epochs, progress.Batch, progress.BatchesPerEpoch, progress.Loss, seconds > 0 ? _supervisedSamples / seconds : 0),
                SupervisedView(network));
        }

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
        {
            if (owner._stage == DbnStage.Pretraining)
            {
                _supervisedClock.Reset();
                inner.OnLayerEpochCompleted(Layer, new DbnLayerEpochMetrics(
                    DbnPretraining.Supervised, metrics.Epoch, checkpoint.Options.Epochs, metrics.Loss, metrics.TrainingError,
                    metrics.SamplesPerSecond, metrics.Seconds), SupervisedView(network));
            }
            else
            {
                inner.OnEpochCompleted(metrics, network, checkpoint);
            }

            inner.OnCheckpoint(owner.CaptureState(null, checkpoint));
        }

        /// <summary>The supervised layer's live hidden weights and biases shown as an RBM (visible bias 0), made once per layer.</summary>
        private Rbm SupervisedView(DenseSigmoidNetwork network)
        {
            if (_supervisedView is null || !ReferenceEquals(_supervisedView.Weights, network.Weights(0)))
            {
                _supervisedView = new Rbm(network.Weights(0), new float[network.Inputs], network.Bias(0));
            }

            return _supervisedView;
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
