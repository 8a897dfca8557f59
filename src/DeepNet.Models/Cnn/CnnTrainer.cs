using System.Diagnostics;
using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>
/// Trains a <see cref="Network"/> with softmax cross-entropy over shuffled minibatches with SGD + momentum or Adam.
/// One seeded generator draws, in order, the initial weights, then per epoch the shuffle and per batch the
/// augmentation's distortions (when <see cref="CnnOptions.Augmentation"/> is set) and the dropout masks; <see cref="CaptureState"/> / <see cref="Resume"/> continue a run bit for bit.
/// </summary>
public sealed class CnnTrainer
{
    private readonly CnnOptions _options;
    private readonly Matrix _data;
    private readonly int[] _labels;
    private readonly Network _network;
    private readonly IOptimizer _optimizer;
    private readonly int[] _order;
    private readonly int[] _batchLabels;
    private readonly float[] _batch;
    private readonly List<CnnEpochMetrics> _history;
    private readonly AffineDistortion? _distortion;
    private int _epoch;
    private int _batchIndex;
    private bool _shuffled;
    private double _epochLossSum;
    private int _epochCorrect;

    /// <summary>Starts a new run.</summary>
    /// <param name="data">samples × (C·H·W), each row one NCHW image of <paramref name="input"/>'s shape.</param>
    /// <param name="labels">One class index per sample, in [0, K).</param>
    public CnnTrainer(TensorShape input, IReadOnlyList<LayerSpec> layers, CnnOptions options, Matrix data, int[] labels)
        : this(options, data, labels, new Network(input, layers, Validate(options, data, labels, input), options.Seed, options.Initialization))
    {
        _epoch = 1;
    }

    private CnnTrainer(CnnOptions options, Matrix data, int[] labels, Network network)
    {
        _options = options;
        _data = data;
        _labels = labels;
        _network = network;
        int classes = network.Classes;
        if (labels.Any(l => (uint)l >= (uint)classes))
        {
            throw new ArgumentException($"Labels must be in [0, {classes}).", nameof(labels));
        }

        _optimizer = options.Optimizer == CnnOptimizerKind.Adam
            ? new Adam(network.Parameters, options.LearningRate, weightDecay: options.WeightDecay)
            : new SgdMomentum(network.Parameters, options.LearningRate, options.Momentum, options.WeightDecay);
        _order = new int[data.Rows];
        _batchLabels = new int[network.MaxBatch];
        _batch = new float[network.MaxBatch * data.Cols];
        _history = [];
        _distortion = options.Augmentation is { } augmentation ? new AffineDistortion(network.InputShape, augmentation) : null;
    }

    /// <summary>The network being trained (updated in place).</summary>
    public Network Model => _network;

    public CnnOptions Options => _options;

    public IReadOnlyList<CnnEpochMetrics> History => _history;

    /// <summary>Continues a run from <paramref name="state"/> on the same data and labels it was taken on.</summary>
    public static CnnTrainer Resume(CnnTrainingState state, Matrix data, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(state);
        int batch = Validate(state.Options, data, labels, state.InputShape);
        if (data.Rows != state.SampleCount)
        {
            throw new ArgumentException($"The checkpoint was taken on {state.SampleCount} samples, not {data.Rows}.", nameof(data));
        }

        Network network = Network.Restore(state.InputShape, state.Layers, batch, state.RngState, state.Parameters);
        var trainer = new CnnTrainer(state.Options, data, labels, network);
        if (state.OptimizerState.Count != trainer._optimizer.State.Count)
        {
            throw new ArgumentException("The checkpoint's optimizer state does not match its optimizer.", nameof(state));
        }

        for (int i = 0; i < state.OptimizerState.Count; i++)
        {
            state.OptimizerState[i].AsSpan().CopyTo(trainer._optimizer.State[i]);
        }

        trainer._optimizer.Steps = state.OptimizerSteps;
        if (state.Order is not null)
        {
            state.Order.CopyTo(trainer._order, 0);
        }

        trainer._shuffled = state.Order is not null;
        trainer._history.AddRange(state.History);
        trainer._epoch = state.NextEpoch;
        trainer._batchIndex = state.NextBatch;
        trainer._epochLossSum = state.EpochLossSum;
        trainer._epochCorrect = state.EpochCorrect;
        return trainer;
    }

    public CnnTrainingState CaptureState() => new(
        _options,
        _network.InputShape,
        [.. _network.Specs],
        [.. _network.Parameters.Select(p => (float[])p.Value.Clone())],
        [.. _optimizer.State.Select(s => (float[])s.Clone())],
        _optimizer.Steps,
        _network.Random.GetState(),
        _data.Rows,
        _epoch,
        _batchIndex,
        _shuffled ? (int[])_order.Clone() : null,
        _epochLossSum,
        _epochCorrect,
        [.. _history]);

    /// <summary>
    /// Runs the remaining epochs. Cancellation is checked before every minibatch: a cancel stops within one batch
    /// (with <see cref="OperationCanceledException"/>) and leaves a state that <see cref="CaptureState"/> can save.
    /// </summary>
    public Network Train(ICnnTrainingObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        int features = _data.Cols;
        int batchSize = _network.MaxBatch;
        int batches = (_data.Rows + batchSize - 1) / batchSize;
        var clock = new Stopwatch();
        while (_epoch <= _options.Epochs)
        {
            if (!_shuffled)
            {
                for (int i = 0; i < _order.Length; i++)
                {
                    _order[i] = i;
                }

                _network.Random.Shuffle(_order);
                _shuffled = true;
                _epochLossSum = 0;
                _epochCorrect = 0;
            }

            _optimizer.LearningRate = _options.LearningRateAt(_epoch);
            clock.Restart();
            int samplesThisSession = 0;
            while (_batchIndex < batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = _batchIndex * batchSize;
                int count = Math.Min(batchSize, _data.Rows - start);
                for (int r = 0; r < count; r++)
                {
                    int sample = _order[start + r];
                    _data.Row(sample).CopyTo(_batch.AsSpan(r * features, features));
                    _batchLabels[r] = _labels[sample];
                }

                // Distortions draw from the same generator as shuffles and dropout, so a resumed run continues identically.
                _distortion?.Apply(_batch.AsSpan(0, count * features), count, _network.Random);
                double loss = _network.ComputeGradients(_batch.AsSpan(0, count * features), _batchLabels.AsSpan(0, count), out int correct);
                _optimizer.Step();
                _epochLossSum += loss * count;
                _epochCorrect += correct;
                samplesThisSession += count;
                _batchIndex++;
                observer.OnBatchCompleted(new CnnBatchProgress(_epoch, _options.Epochs, _batchIndex, batches, loss, Rate(samplesThisSession, clock)), _network);
            }

            var metrics = new CnnEpochMetrics(
                _epoch, _epochLossSum / _data.Rows, (double)_epochCorrect / _data.Rows, Rate(samplesThisSession, clock), clock.Elapsed.TotalSeconds);
            if (!double.IsFinite(metrics.Loss))
            {
                throw new TrainingDivergedException(
                    $"Training diverged in epoch {_epoch}: the loss is no longer finite. Lower the learning rate (now {_options.LearningRateAt(_epoch)}).");
            }

            _history.Add(metrics);
            _epoch++;
            _batchIndex = 0;
            _shuffled = false;
            _epochLossSum = 0;
            _epochCorrect = 0;
            observer.OnEpochCompleted(metrics, _network, CaptureState());
        }

        return _network;
    }

    private static double Rate(int samples, Stopwatch clock) =>
        clock.Elapsed.TotalSeconds > 0 ? samples / clock.Elapsed.TotalSeconds : 0;

    /// <returns>The batch size the network's buffers need: min(BatchSize, samples).</returns>
    private static int Validate(CnnOptions options, Matrix data, int[] labels, TensorShape input)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        options.Validate();
        if (data.Rows < 1 || data.Cols != input.Size)
        {
            throw new ArgumentException($"Expected samples of {input} = {input.Size} values; got {data.Rows}×{data.Cols}.", nameof(data));
        }

        if (labels.Length != data.Rows)
        {
            throw new ArgumentException($"Expected {data.Rows} labels, got {labels.Length}.", nameof(labels));
        }

        return Math.Min(options.BatchSize, data.Rows);
    }
}
