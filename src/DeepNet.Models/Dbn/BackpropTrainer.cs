using System.Numerics;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// Trains a <see cref="DenseSigmoidNetwork"/> (sigmoid hidden layers, softmax output, cross-entropy loss) by minibatch
/// SGD with momentum and L2 weight decay on shuffled minibatches. All buffers are allocated up front; a training step
/// allocates nothing. Frozen layers (<see cref="BackpropOptions.FrozenLayers"/>) are never written. The run is fixed by
/// the seed, and <see cref="CaptureState"/> / <see cref="Resume"/> continue it bit for bit, also mid-epoch.
/// </summary>
public sealed class BackpropTrainer
{
    private readonly BackpropOptions _options;
    private readonly DenseSigmoidNetwork _network;
    private readonly Matrix _data;
    private readonly int[] _labels;
    private readonly NetworkWorkspace _workspace;
    private readonly Matrix[] _weightVelocity;
    private readonly float[][] _biasVelocity;
    private readonly Xoshiro256StarStar _rng;
    private readonly TrainingSchedule _schedule;
    private readonly float[] _batch;
    private readonly int[] _batchLabels;
    private readonly int[] _predicted;
    private readonly List<BackpropEpochMetrics> _history = [];
    private readonly bool _dropout;

    /// <param name="network">Trained in place.</param>
    /// <param name="data">samples×Inputs.</param>
    /// <param name="labels">Class per sample in [0, Outputs).</param>
    public BackpropTrainer(BackpropOptions options, DenseSigmoidNetwork network, Matrix data, int[] labels)
        : this(options, network, data, labels, schedule: null)
    {
    }

    private BackpropTrainer(BackpropOptions options, DenseSigmoidNetwork network, Matrix data, int[] labels, ScheduleState? schedule)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        Validate(options, network, data, labels);
        _options = options;
        _network = network;
        _data = data;
        _labels = labels;
        int batchSize = Math.Min(options.BatchSize, data.Rows);
        _dropout = options.HiddenDropout > 0 || options.InputDropout > 0;
        _workspace = new NetworkWorkspace(network, batchSize, _dropout);
        _weightVelocity = new Matrix[network.LayerCount];
        _biasVelocity = new float[network.LayerCount][];
        for (int l = 0; l < network.LayerCount; l++)
        {
            _weightVelocity[l] = new Matrix(network.Weights(l).Rows, network.Weights(l).Cols);
            _biasVelocity[l] = new float[network.Units(l)];
        }

        _schedule = TrainingSchedule.StartOrResume(schedule, options.Seed, data.Rows, options.BatchSize, options.Epochs, out _rng);
        _batch = new float[batchSize * data.Cols];
        _batchLabels = new int[batchSize];
        _predicted = new int[batchSize];
    }

    /// <summary>Continues a run from <paramref name="state"/> on the same data and labels it was taken on.</summary>
    public static BackpropTrainer Resume(BackpropTrainingState state, Matrix data, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (data is null || data.Rows != state.SampleCount)
        {
            throw new ArgumentException($"The checkpoint was taken on {state.SampleCount} samples.", nameof(data));
        }

        var trainer = new BackpropTrainer(state.Options, state.Network.Clone(), data, labels, state.Schedule);
        for (int l = 0; l < trainer._network.LayerCount; l++)
        {
            state.WeightVelocity[l].Data.CopyTo(trainer._weightVelocity[l].Data, 0);
            state.BiasVelocity[l].CopyTo(trainer._biasVelocity[l], 0);
        }

        trainer._history.AddRange(state.History);
        return trainer;
    }

    /// <summary>The full state of the run (weights, velocities, generator, position in the epoch); resuming from it continues the run bit for bit.</summary>
    public BackpropTrainingState CaptureState() => new(
        _options, _network.Clone(), [.. _weightVelocity.Select(v => v.Clone())], [.. _biasVelocity.Select(v => (float[])v.Clone())],
        _schedule.Capture(_rng), [.. _history]);

    /// <summary>Exclusive upper bound of <see cref="BackpropOptions.HiddenDropout"/> and <see cref="BackpropOptions.InputDropout"/>.</summary>
    public const float MaxDropout = 0.9f;

    public DenseSigmoidNetwork Network => _network;

    public BackpropOptions Options => _options;

    public IReadOnlyList<BackpropEpochMetrics> History => _history;

    /// <summary>ε of a 1-based epoch: LearningRate · LearningRateDecay^(epoch − 1).</summary>
    public static float LearningRateAt(BackpropOptions options, int epoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (float)(options.LearningRate * Math.Pow(options.LearningRateDecay, epoch - 1));
    }

    /// <summary>Lowest layer trained in a 1-based epoch: the top layer during TopLayerOnlyEpochs, else FrozenLayers.</summary>
    public static int LowestTrainedLayer(BackpropOptions options, int layerCount, int epoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        return epoch <= options.TopLayerOnlyEpochs ? layerCount - 1 : Math.Min(options.FrozenLayers, layerCount - 1);
    }

    /// <summary>Runs the remaining epochs; cancellation is checked before every minibatch.</summary>
    public DenseSigmoidNetwork Train(IBackpropObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        int cols = _data.Cols;
        while (_schedule.BeginEpoch(_rng))
        {
            int epoch = _schedule.Epoch;
            int lowest = LowestTrainedLayer(_options, _network.LayerCount, epoch);
            while (_schedule.NextBatch(cancellationToken, out ReadOnlySpan<int> samples))
            {
                int count = samples.Length;
                TrainingSchedule.GatherRows(_data, samples, _batch);
                TrainingSchedule.GatherLabels(_labels, samples, _batchLabels);
                double loss = Step(_batch.AsSpan(0, count * cols), _batchLabels.AsSpan(0, count), count, lowest);
                _schedule.CompleteBatch(loss, CountWrong(count));
                observer.OnBatchCompleted(new BackpropProgress(epoch, _options.Epochs, _schedule.Batch, _schedule.BatchesPerEpoch, (float)(loss / count)), _network);
            }

            var metrics = new BackpropEpochMetrics(
                epoch, _schedule.EpochLoss / _data.Rows, (double)_schedule.EpochTally / _data.Rows, lowest, _schedule.SamplesPerSecond, _schedule.EpochSeconds);
            _schedule.EndEpoch("Backprop", LearningRateAt(_options, epoch), metrics.Loss);
            _history.Add(metrics);
            observer.OnEpochCompleted(metrics, _network, CaptureState());
        }

        return _network;
    }

    /// <summary>
    /// One SGD update on a minibatch (count×Inputs rows, count labels) of layers ≥ <paramref name="lowestLayer"/>.
    /// With dropout it first draws the batch's masks from the run's generator. Returns the summed cross-entropy of the
    /// batch before the update (of the thinned network under dropout).
    /// </summary>
    public double Step(ReadOnlySpan<float> batch, ReadOnlySpan<int> labels, int count, int lowestLayer)
    {
        lowestLayer = Math.Max(lowestLayer, Math.Min(_options.FrozenLayers, _network.LayerCount - 1));
        if (_dropout)
        {
            // Drawn from the run's generator, after this epoch's shuffle, so the masks are part of the resumable state.
            _workspace.DrawDropoutMasks(count, _options.InputDropout, _options.HiddenDropout, _rng);
        }

        double loss = _network.ComputeGradients(batch, labels, count, _workspace, lowestLayer, _dropout);
        float lr = LearningRateAt(_options, _schedule.Epoch);
        float momentum = _options.Momentum;
        for (int l = lowestLayer; l < _network.LayerCount; l++)
        {
            MomentumUpdate(_network.Weights(l).AsSpan(), _weightVelocity[l].AsSpan(), _workspace.WeightGradient(l).AsSpan(), lr, momentum, _options.WeightDecay);
            MomentumUpdate(_network.Bias(l), _biasVelocity[l], _workspace.BiasGradient(l), lr, momentum, 0f);
        }

        return loss;
    }

    /// <summary>
    /// One pass over θ, v and g (all the same length): v ← α·v − ε·(g + λ·θ); θ ← θ + v. Fused so that the
    /// memory-bound update reads each array once.
    /// </summary>
    internal static void MomentumUpdate(Span<float> theta, Span<float> velocity, ReadOnlySpan<float> gradient, float lr, float momentum, float decay)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && theta.Length >= Vector<float>.Count)
        {
            var alpha = new Vector<float>(momentum);
            var minusLr = new Vector<float>(-lr);
            var lambda = new Vector<float>(decay);
            Span<Vector<float>> t = MemoryMarshal.Cast<float, Vector<float>>(theta);
            Span<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(velocity);
            ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            for (int k = 0; k < t.Length; k++)
            {
                Vector<float> next = alpha * v[k] + minusLr * (g[k] + lambda * t[k]);
                v[k] = next;
                t[k] += next;
            }

            i = t.Length * Vector<float>.Count;
        }

        for (; i < theta.Length; i++)
        {
            float next = momentum * velocity[i] - lr * (gradient[i] + decay * theta[i]);
            velocity[i] = next;
            theta[i] += next;
        }
    }

    private int CountWrong(int count)
    {
        // The output activations still hold the pre-update forward pass of this batch.
        ReadOnlySpan<float> p = _workspace.Activations(_network.LayerCount - 1, count);
        int classes = _network.Outputs;
        int wrong = 0;
        for (int r = 0; r < count; r++)
        {
            _predicted[r] = TensorPrimitives.IndexOfMax(p.Slice(r * classes, classes));
            wrong += _predicted[r] != _batchLabels[r] ? 1 : 0;
        }

        return wrong;
    }

    private static void Validate(BackpropOptions options, DenseSigmoidNetwork network, Matrix data, int[] labels)
    {
        if (data.Rows < 1 || data.Cols != network.Inputs || labels.Length != data.Rows)
        {
            throw new ArgumentException(
                $"Expected samples×{network.Inputs} data with one label per sample; got {data.Rows}×{data.Cols} and {labels.Length} labels.", nameof(data));
        }

        if (labels.Any(l => (uint)l >= (uint)network.Outputs))
        {
            throw new ArgumentException($"Labels must lie in [0, {network.Outputs}).", nameof(labels));
        }

        if (!(options.LearningRate > 0) || !float.IsFinite(options.LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRate, "LearningRate must be positive and finite.");
        }

        if (!(options.Momentum >= 0 && options.Momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Momentum, "Momentum must lie in [0, 1).");
        }

        if (!(options.LearningRateDecay > 0 && options.LearningRateDecay <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRateDecay, "LearningRateDecay must lie in (0, 1].");
        }

        if (!(options.WeightDecay >= 0) || !float.IsFinite(options.WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WeightDecay, "WeightDecay must be non-negative and finite.");
        }

        if (!(options.HiddenDropout >= 0 && options.HiddenDropout < MaxDropout))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HiddenDropout, "HiddenDropout must lie in [0, 0.9).");
        }

        if (!(options.InputDropout >= 0 && options.InputDropout < MaxDropout))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.InputDropout, "InputDropout must lie in [0, 0.9).");
        }

        if (options.BatchSize < 1 || options.Epochs < 0 || options.TopLayerOnlyEpochs < 0 || options.FrozenLayers < 0
            || options.FrozenLayers >= network.LayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                "BatchSize must be positive, Epochs and TopLayerOnlyEpochs non-negative, FrozenLayers in [0, LayerCount).");
        }
    }
}
