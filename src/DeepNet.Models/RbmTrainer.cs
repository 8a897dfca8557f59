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
    private readonly TrainingSchedule _schedule;
    private readonly List<EpochMetrics> _history;

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

        _schedule = new TrainingSchedule(data.Rows, options.BatchSize, options.Epochs);
        _history = [];
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
        _rng = Xoshiro256StarStar.FromState(state.Schedule.RngState);
        _step = CreateStep(_options, _rbm, data.Rows);
        state.Optimizer.RestoreInto(_step);
        _schedule = new TrainingSchedule(state.Schedule, _options.BatchSize, _options.Epochs);
        _history = [.. state.History];
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

    public RbmTrainingState CaptureState() =>
        new(_options, _rbm.Clone(), _schedule.Capture(_rng), [.. _history], OptimizerState.CopyOf(_step));

    /// <summary>
    /// Runs the remaining epochs. Cancellation is checked before every minibatch, so a cancel stops
    /// training within one batch (with <see cref="OperationCanceledException"/>) and leaves a consistent state.
    /// </summary>
    public Rbm Train(IRbmTrainingObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var batch = new float[_schedule.BatchSize * _data.Cols];
        while (_schedule.BeginEpoch(_rng))
        {
            int epoch = _schedule.Epoch;
            _step.LearningRate = LearningRateAt(_options, epoch);
            _step.Momentum = MomentumAt(_options, epoch);
            while (_schedule.NextBatch(cancellationToken, out ReadOnlySpan<int> samples))
            {
                TrainingSchedule.GatherRows(_data, samples, batch);
                double error = _step.Step(batch, samples.Length, _rng);
                _schedule.CompleteBatch(error);
                observer.OnBatchCompleted(
                    new TrainingProgress(epoch, _options.Epochs, _schedule.Batch, _schedule.BatchesPerEpoch, (float)(error / samples.Length), _schedule.SamplesPerSecond),
                    _rbm);
            }

            var metrics = new EpochMetrics(epoch, (float)(_schedule.EpochLoss / _data.Rows), _schedule.SamplesPerSecond, _schedule.EpochSeconds);
            _schedule.EndEpoch("RBM training", _step.LearningRate, metrics.ReconstructionError, _rbm.Weights.Data, _rbm.VisibleBias, _rbm.HiddenBias);
            _history.Add(metrics);
            observer.OnEpochCompleted(metrics, _rbm, CaptureState());
        }

        return _rbm;
    }

    private static ContrastiveDivergence CreateStep(RbmOptions options, Rbm rbm, int samples) =>
        new(rbm, Math.Min(options.BatchSize, samples), options);

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
