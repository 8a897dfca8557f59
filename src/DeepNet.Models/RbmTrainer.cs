using System.Numerics.Tensors;
using System.Diagnostics;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Trains an RBM (Bernoulli or Gaussian visible units) with CD-k or persistent CD over shuffled minibatches, with the
/// momentum schedule, weight decay, sparsity target and learning-rate decay of <see cref="RbmOptions"/>. The whole run is
/// fixed by the seed, and <see cref="CaptureState"/> / <see cref="Resume"/> continue it bit for bit.
/// </summary>
/// <remarks>
/// A new run draws, in order: the initial weights (H·V normals, row-major), the persistent chains' starting samples
/// (one index per chain, persistent CD only), then per epoch the shuffle and per batch the updates' draws.
/// </remarks>
public sealed class RbmTrainer
{
    private readonly RbmOptions _options;
    private readonly Matrix _data;
    private readonly Rbm _rbm;
    private readonly Xoshiro256StarStar _rng;
    private readonly ContrastiveDivergence _step;
    private readonly int[] _order;
    private readonly List<EpochMetrics> _history;
    private int _epoch;
    private int _batch;
    private bool _shuffled;
    private double _epochErrorSum;

    /// <summary>
    /// Starts a new run on <paramref name="data"/> (samples×visible; values in [0, 1] for Bernoulli units, standardized
    /// real values for Gaussian units). W ~ N(0, InitialWeightStdDev²), c = 0, and b = 0 or from the data
    /// (<see cref="RbmOptions.InitializeVisibleBiasFromData"/>).
    /// </summary>
    public RbmTrainer(RbmOptions options, Matrix data)
    {
        Validate(options, data);
        _options = options;
        _data = data;
        _rng = new Xoshiro256StarStar(options.Seed);
        _rbm = new Rbm(data.Cols, options.HiddenUnits, options.VisibleType, options.Sigma);
        Span<float> weights = _rbm.Weights.AsSpan();
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = options.InitialWeightStdDev * _rng.NextGaussian();
        }

        if (options.InitializeVisibleBiasFromData)
        {
            InitializeVisibleBias(_rbm, data);
        }

        _step = CreateStep(options, _rbm, data.Rows);
        if (options.Persistent)
        {
            _step.InitializePersistentChains(data, _rng);
        }

        _order = new int[data.Rows];
        _history = [];
        _epoch = 1;
    }

    private RbmTrainer(RbmTrainingState state, Matrix data)
    {
        Validate(state.Options, data);
        if (data.Rows != state.SampleCount || data.Cols != state.Rbm.VisibleUnits)
        {
            throw new ArgumentException(
                $"The checkpoint was taken on {state.SampleCount}×{state.Rbm.VisibleUnits} data, not {data.Rows}×{data.Cols}.", nameof(data));
        }

        _options = state.Options;
        _data = data;
        _rbm = state.Rbm.Clone();
        _rng = Xoshiro256StarStar.FromState(state.RngState);
        _step = CreateStep(_options, _rbm, data.Rows);
        state.Optimizer.RestoreInto(_step);
        _order = state.Order is null ? new int[data.Rows] : (int[])state.Order.Clone();
        _shuffled = state.Order is not null;
        _history = [.. state.History];
        _epoch = state.NextEpoch;
        _batch = state.NextBatch;
        _epochErrorSum = state.EpochErrorSum;
    }

    /// <summary>The model being trained (updated in place).</summary>
    public Rbm Model => _rbm;

    public RbmOptions Options => _options;

    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>The update rule with its state (persistent chains, velocities, sparsity estimate), updated in place.</summary>
    internal ContrastiveDivergence Step => _step;

    /// <summary>ε of a 1-based epoch: LearningRate · LearningRateDecay^(epoch − 1).</summary>
    public static float LearningRateAt(RbmOptions options, int epoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (float)(options.LearningRate * Math.Pow(options.LearningRateDecay, epoch - 1));
    }

    /// <summary>Momentum of a 1-based epoch: InitialMomentum while epoch ≤ MomentumSwitchEpoch, then FinalMomentum.</summary>
    public static float MomentumAt(RbmOptions options, int epoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        return epoch <= options.MomentumSwitchEpoch ? options.InitialMomentum : options.FinalMomentum;
    }

    /// <summary>
    /// Hinton's guide §8: Bernoulli units get b_i = log(p_i/(1 − p_i)) with p_i the mean of feature i clamped to
    /// [0.001, 0.999]; Gaussian units get b_i = the mean of feature i. <paramref name="data"/> is samples×V.
    /// </summary>
    public static void InitializeVisibleBias(Rbm rbm, Matrix data)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Cols != rbm.VisibleUnits || data.Rows < 1)
        {
            throw new ArgumentException($"Expected samples of {rbm.VisibleUnits} features; got {data.Rows}×{data.Cols}.", nameof(data));
        }

        var sums = new double[data.Cols];
        for (int r = 0; r < data.Rows; r++)
        {
            Span<float> row = data.Row(r);
            for (int i = 0; i < row.Length; i++)
            {
                sums[i] += row[i];
            }
        }

        for (int i = 0; i < sums.Length; i++)
        {
            double mean = sums[i] / data.Rows;
            if (rbm.VisibleType == VisibleUnitType.Bernoulli)
            {
                double p = Math.Clamp(mean, 0.001, 0.999);
                rbm.VisibleBias[i] = (float)Math.Log(p / (1 - p));
            }
            else
            {
                rbm.VisibleBias[i] = (float)mean;
            }
        }
    }

    /// <summary>Continues a run from <paramref name="state"/> on the same data it was taken on.</summary>
    public static RbmTrainer Resume(RbmTrainingState state, Matrix data)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new RbmTrainer(state, data);
    }

    public RbmTrainingState CaptureState() => new(
        _options, _rbm.Clone(), _rng.GetState(), _data.Rows, _epoch, _batch,
        _shuffled ? (int[])_order.Clone() : null, _epochErrorSum, [.. _history], OptimizerState.CopyOf(_step));

    /// <summary>
    /// Runs the remaining epochs. Cancellation is checked before every minibatch, so a cancel stops
    /// training within one batch (with <see cref="OperationCanceledException"/>) and leaves a consistent state.
    /// </summary>
    public Rbm Train(IRbmTrainingObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        int visible = _data.Cols;
        int batchSize = Math.Min(_options.BatchSize, _data.Rows);
        int batches = (_data.Rows + batchSize - 1) / batchSize;
        var batch = new float[batchSize * visible];
        var clock = new Stopwatch();

        while (_epoch <= _options.Epochs)
        {
            // The order is part of the state from the moment it is drawn: a cancel between the shuffle and the
            // first batch must not make a resumed run shuffle again with the advanced generator.
            if (!_shuffled)
            {
                for (int i = 0; i < _order.Length; i++)
                {
                    _order[i] = i;
                }

                _rng.Shuffle(_order);
                _shuffled = true;
                _epochErrorSum = 0;
            }

            _step.LearningRate = LearningRateAt(_options, _epoch);
            _step.Momentum = MomentumAt(_options, _epoch);
            clock.Restart();
            int samplesThisSession = 0;
            while (_batch < batches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = _batch * batchSize;
                int count = Math.Min(batchSize, _data.Rows - start);
                for (int r = 0; r < count; r++)
                {
                    _data.Row(_order[start + r]).CopyTo(batch.AsSpan(r * visible, visible));
                }

                double error = _step.Step(batch, count, _rng);
                _epochErrorSum += error;
                samplesThisSession += count;
                _batch++;
                observer.OnBatchCompleted(
                    new TrainingProgress(_epoch, _options.Epochs, _batch, batches, (float)(error / count), Rate(samplesThisSession, clock)),
                    _rbm);
            }

            var metrics = new EpochMetrics(_epoch, (float)(_epochErrorSum / _data.Rows), Rate(samplesThisSession, clock), clock.Elapsed.TotalSeconds);
            ThrowIfDiverged(metrics);
            _history.Add(metrics);
            _epoch++;
            _batch = 0;
            _shuffled = false;
            _epochErrorSum = 0;
            observer.OnEpochCompleted(metrics, _rbm, CaptureState());
        }

        return _rbm;
    }

    private static ContrastiveDivergence CreateStep(RbmOptions options, Rbm rbm, int samples) =>
        new(rbm, Math.Min(options.BatchSize, samples), options);

    /// <summary>
    /// Stops a run whose parameters overflowed (typically a learning rate too large for Gaussian units) with a
    /// message a student can act on, instead of training on and storing a model of NaNs.
    /// </summary>
    private void ThrowIfDiverged(EpochMetrics metrics)
    {
        bool finite = float.IsFinite(metrics.ReconstructionError)
            && float.IsFinite(TensorPrimitives.Sum(_rbm.Weights.Data))
            && float.IsFinite(TensorPrimitives.Sum(_rbm.VisibleBias))
            && float.IsFinite(TensorPrimitives.Sum(_rbm.HiddenBias));
        if (!finite)
        {
            throw new TrainingDivergedException(
                $"Training diverged in epoch {metrics.Epoch}: the weights or the reconstruction error are no longer finite. "
                + $"Lower the learning rate (now {LearningRateAt(_options, metrics.Epoch)}).");
        }
    }

    private static double Rate(int samples, Stopwatch clock) =>
        clock.Elapsed.TotalSeconds > 0 ? samples / clock.Elapsed.TotalSeconds : 0;

    private static void Validate(RbmOptions options, Matrix data)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows < 1 || data.Cols < 1)
        {
            throw new ArgumentException("Training data must have at least one sample and one feature.", nameof(data));
        }

        IReadOnlyDictionary<string, string[]> errors = RbmOptionsValidator.Validate(options, data.Cols);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")), nameof(options));
        }
    }
}
