using System.Diagnostics;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Trains a Bernoulli RBM with CD-k over shuffled minibatches. The whole run is fixed by the seed, and
/// <see cref="CaptureState"/> / <see cref="Resume"/> continue it bit for bit.
/// </summary>
public sealed class RbmTrainer
{
    private const float InitialWeightStdDev = 0.01f;

    private readonly RbmOptions _options;
    private readonly Matrix _data;
    private readonly Rbm _rbm;
    private readonly Xoshiro256StarStar _rng;
    private readonly int[] _order;
    private readonly List<EpochMetrics> _history;
    private int _epoch;
    private int _batch;
    private double _epochErrorSum;

    /// <summary>Starts a new run on <paramref name="data"/> (samples×visible, values in [0, 1]).</summary>
    public RbmTrainer(RbmOptions options, Matrix data)
    {
        Validate(options, data);
        _options = options;
        _data = data;
        _rng = new Xoshiro256StarStar(options.Seed);
        _rbm = new Rbm(data.Cols, options.HiddenUnits);
        Span<float> weights = _rbm.Weights.AsSpan();
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = InitialWeightStdDev * _rng.NextGaussian();
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
        _order = state.Order is null ? new int[data.Rows] : (int[])state.Order.Clone();
        _history = [.. state.History];
        _epoch = state.NextEpoch;
        _batch = state.NextBatch;
        _epochErrorSum = state.EpochErrorSum;
    }

    /// <summary>The model being trained (updated in place).</summary>
    public Rbm Model => _rbm;

    public RbmOptions Options => _options;

    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>Continues a run from <paramref name="state"/> on the same data it was taken on.</summary>
    public static RbmTrainer Resume(RbmTrainingState state, Matrix data)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new RbmTrainer(state, data);
    }

    public RbmTrainingState CaptureState() => new(
        _options, _rbm.Clone(), _rng.GetState(), _data.Rows, _epoch, _batch,
        _batch > 0 ? (int[])_order.Clone() : null, _epochErrorSum, [.. _history]);

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
        var step = new ContrastiveDivergence(_rbm, batchSize, _options.K, _options.LearningRate, _options.SampleReconstruction);
        var batch = new float[batchSize * visible];
        var clock = new Stopwatch();

        while (_epoch <= _options.Epochs)
        {
            if (_batch == 0)
            {
                for (int i = 0; i < _order.Length; i++)
                {
                    _order[i] = i;
                }

                _rng.Shuffle(_order);
                _epochErrorSum = 0;
            }

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

                double error = step.Step(batch, count, _rng);
                _epochErrorSum += error;
                samplesThisSession += count;
                _batch++;
                observer.OnBatchCompleted(
                    new TrainingProgress(_epoch, _options.Epochs, _batch, batches, (float)(error / count), Rate(samplesThisSession, clock)),
                    _rbm);
            }

            var metrics = new EpochMetrics(_epoch, (float)(_epochErrorSum / _data.Rows), Rate(samplesThisSession, clock), clock.Elapsed.TotalSeconds);
            _history.Add(metrics);
            _epoch++;
            _batch = 0;
            _epochErrorSum = 0;
            observer.OnEpochCompleted(metrics, _rbm, CaptureState());
        }

        return _rbm;
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
