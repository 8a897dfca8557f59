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
    private readonly TrainingSchedule _schedule;
    private readonly int[] _batchLabels;
    private readonly float[] _batch;
    private readonly List<CnnEpochMetrics> _history;
    private readonly AffineDistortion? _distortion;

    /// <summary>Starts a new run.</summary>
    /// <param name="data">samples × (C·H·W), each row one NCHW image of <paramref name="input"/>'s shape.</param>
    /// <param name="labels">One class index per sample, in [0, K).</param>
    public CnnTrainer(TensorShape input, IReadOnlyList<LayerSpec> layers, CnnOptions options, Matrix data, int[] labels)
        : this(options, data, labels, new Network(input, layers, Validate(options, data, labels, input), options.Seed, options.Initialization), schedule: null)
    {
    }

    private CnnTrainer(CnnOptions options, Matrix data, int[] labels, Network network, ScheduleState? schedule)
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
        _schedule = schedule is null
            ? new TrainingSchedule(data.Rows, options.BatchSize, options.Epochs)
            : new TrainingSchedule(schedule, options.BatchSize, options.Epochs);
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
        var trainer = new CnnTrainer(state.Options, data, labels, network, state.Schedule);
        if (state.OptimizerState.Count != trainer._optimizer.State.Count)
        {
            throw new ArgumentException("The checkpoint's optimizer state does not match its optimizer.", nameof(state));
        }

        for (int i = 0; i < state.OptimizerState.Count; i++)
        {
            state.OptimizerState[i].AsSpan().CopyTo(trainer._optimizer.State[i]);
        }

        trainer._optimizer.Steps = state.OptimizerSteps;
        trainer._history.AddRange(state.History);
        return trainer;
    }

    public CnnTrainingState CaptureState() => new(
        _options,
        _network.InputShape,
        [.. _network.Specs],
        [.. _network.Parameters.Select(p => (float[])p.Value.Clone())],
        [.. _optimizer.State.Select(s => (float[])s.Clone())],
        _optimizer.Steps,
        _schedule.Capture(_network.Random),
        [.. _history]);

    /// <summary>
    /// Runs the remaining epochs. Cancellation is checked before every minibatch: a cancel stops within one batch
    /// (with <see cref="OperationCanceledException"/>) and leaves a state that <see cref="CaptureState"/> can save.
    /// </summary>
    public Network Train(ICnnTrainingObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        int features = _data.Cols;
        while (_schedule.BeginEpoch(_network.Random))
        {
            int epoch = _schedule.Epoch;
            _optimizer.LearningRate = _options.LearningRateAt(epoch);
            while (_schedule.NextBatch(cancellationToken, out ReadOnlySpan<int> samples))
            {
                int count = samples.Length;
                TrainingSchedule.GatherRows(_data, samples, _batch);
                TrainingSchedule.GatherLabels(_labels, samples, _batchLabels);

                // Distortions draw from the same generator as shuffles and dropout, so a resumed run continues identically.
                _distortion?.Apply(_batch.AsSpan(0, count * features), count, _network.Random);
                double loss = _network.ComputeGradients(_batch.AsSpan(0, count * features), _batchLabels.AsSpan(0, count), out int correct);
                _optimizer.Step();
                _schedule.CompleteBatch(loss * count, correct);
                observer.OnBatchCompleted(new CnnBatchProgress(epoch, _options.Epochs, _schedule.Batch, _schedule.BatchesPerEpoch, loss, _schedule.SamplesPerSecond), _network);
            }

            var metrics = new CnnEpochMetrics(
                epoch, _schedule.EpochLoss / _data.Rows, (double)_schedule.EpochTally / _data.Rows, _schedule.SamplesPerSecond, _schedule.EpochSeconds);
            _schedule.EndEpoch("CNN training", _options.LearningRateAt(epoch), metrics.Loss);
            _history.Add(metrics);
            observer.OnEpochCompleted(metrics, _network, CaptureState());
        }

        return _network;
    }

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
