using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// Trains one auto-associator layer (Bengio et al. 2007): a tied-weight sigmoid autoencoder h = sigm(c + W x),
/// x̂ = sigm(b + Wᵀ h) with W H×V (the RBM layout), minimizing the cross-entropy −Σᵢ [xᵢ log x̂ᵢ + (1 − xᵢ) log(1 − x̂ᵢ)]
/// by minibatch SGD with momentum and L2 weight decay on W, over shuffled minibatches. Uses from <see cref="RbmOptions"/>:
/// HiddenUnits, Epochs, BatchSize, LearningRate, LearningRateDecay, the momentum schedule, WeightDecay,
/// InitialWeightStdDev, InitializeVisibleBiasFromData and Seed. Buffers are allocated up front; a step allocates
/// nothing. The run is fixed by the seed and <see cref="CaptureState"/> / <see cref="Resume"/> continue it bit for bit.
/// </summary>
/// <remarks>Draws, in order: the initial W (H·V normals, row-major, as <see cref="RbmTrainer"/>), then one shuffle per epoch.</remarks>
public sealed class AutoEncoderTrainer
{
    private const float Epsilon = 1e-7f;
    private readonly RbmOptions _options;
    private readonly Matrix _data;
    private readonly Rbm _model;
    private readonly Matrix _weightVelocity;
    private readonly float[] _visibleBiasVelocity;
    private readonly float[] _hiddenBiasVelocity;
    private readonly int _maxBatch;
    private readonly float[] _batch;
    private readonly float[] _hidden;
    private readonly float[] _reconstruction;
    private readonly float[] _outputDelta;
    private readonly float[] _hiddenDelta;
    private readonly float[] _scratch;
    private readonly Matrix _weightGradient;
    private readonly float[] _visibleBiasGradient;
    private readonly float[] _hiddenBiasGradient;
    private readonly List<DbnLayerEpochMetrics> _history = [];
    private readonly Xoshiro256StarStar _rng;
    private readonly TrainingSchedule _schedule;

    /// <summary>
    /// Starts a new run on <paramref name="data"/> (samples×V, values in [0, 1]): W ~ N(0, InitialWeightStdDev²),
    /// c = 0, b = the data's log-odds or 0 (<see cref="RbmOptions.InitializeVisibleBiasFromData"/>).
    /// </summary>
    public AutoEncoderTrainer(RbmOptions options, Matrix data)
        : this(options, data, new Rbm(data?.Cols ?? 1, options?.HiddenUnits ?? 1), schedule: null)
    {
        Span<float> weights = _model.Weights.AsSpan();
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = _options.InitialWeightStdDev * _rng.NextGaussian();
        }

        if (_options.InitializeVisibleBiasFromData)
        {
            RbmTrainer.InitializeVisibleBias(_model, _data);
        }
    }

    private AutoEncoderTrainer(RbmOptions options, Matrix data, Rbm model, ScheduleState? schedule)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows < 1 || data.Cols < 1)
        {
            throw new ArgumentException("Training data must have at least one sample and one feature.", nameof(data));
        }

        if (options.VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("An auto-associator reconstructs inputs in [0, 1] with a cross-entropy: it needs Bernoulli visible units.", nameof(options));
        }

        IReadOnlyDictionary<string, string[]> errors = RbmOptionsValidator.Validate(options, data.Cols);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")), nameof(options));
        }

        _options = options;
        _data = data;
        _model = model;
        int v = data.Cols;
        int h = options.HiddenUnits;
        _maxBatch = Math.Min(options.BatchSize, data.Rows);
        _weightVelocity = new Matrix(h, v);
        _visibleBiasVelocity = new float[v];
        _hiddenBiasVelocity = new float[h];
        _batch = new float[_maxBatch * v];
        _hidden = new float[_maxBatch * h];
        _reconstruction = new float[_maxBatch * v];
        _outputDelta = new float[_maxBatch * v];
        _hiddenDelta = new float[_maxBatch * h];
        _scratch = new float[_maxBatch * v];
        _weightGradient = new Matrix(h, v);
        _visibleBiasGradient = new float[v];
        _hiddenBiasGradient = new float[h];
        _schedule = TrainingSchedule.StartOrResume(schedule, options.Seed, data.Rows, options.BatchSize, options.Epochs, out _rng);
    }

    /// <summary>Continues a run from <paramref name="state"/> on the same data it was taken on.</summary>
    public static AutoEncoderTrainer Resume(AutoEncoderTrainingState state, Matrix data)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows != state.SampleCount || data.Cols != state.Model.VisibleUnits)
        {
            throw new ArgumentException(
                $"The checkpoint was taken on {state.SampleCount}×{state.Model.VisibleUnits} data, not {data.Rows}×{data.Cols}.", nameof(data));
        }

        var trainer = new AutoEncoderTrainer(state.Options, data, state.Model.Clone(), state.Schedule);
        state.WeightVelocity.Data.CopyTo(trainer._weightVelocity.Data, 0);
        state.VisibleBiasVelocity.CopyTo(trainer._visibleBiasVelocity, 0);
        state.HiddenBiasVelocity.CopyTo(trainer._hiddenBiasVelocity, 0);
        trainer._history.AddRange(state.History);
        return trainer;
    }

    /// <summary>The full state of the run; resuming from it continues the run bit for bit, also mid-epoch.</summary>
    public AutoEncoderTrainingState CaptureState() => new(
        _options, _model.Clone(), _weightVelocity.Clone(), (float[])_visibleBiasVelocity.Clone(), (float[])_hiddenBiasVelocity.Clone(),
        _schedule.Capture(_rng), [.. _history]);

    /// <summary>The autoencoder's W (encoder, decoder Wᵀ), b (decoder bias) and c (encoder bias) as an RBM, updated in place.</summary>
    public Rbm Model => _model;

    public RbmOptions Options => _options;

    public IReadOnlyList<DbnLayerEpochMetrics> History => _history;

    /// <summary>Runs the remaining epochs; cancellation is checked before every minibatch. Returns <see cref="Model"/>.</summary>
    public Rbm Train(ILayerTrainingObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        int cols = _data.Cols;
        while (_schedule.BeginEpoch(_rng))
        {
            int epoch = _schedule.Epoch;
            float lr = RbmTrainer.LearningRateAt(_options, epoch);
            float momentum = RbmTrainer.MomentumAt(_options, epoch);
            while (_schedule.NextBatch(cancellationToken, out ReadOnlySpan<int> samples))
            {
                int count = samples.Length;
                TrainingSchedule.GatherRows(_data, samples, _batch);
                double loss = ComputeGradients(_batch.AsSpan(0, count * cols), count);
                BackpropTrainer.MomentumUpdate(_model.Weights.AsSpan(), _weightVelocity.AsSpan(), _weightGradient.AsSpan(), lr, momentum, _options.WeightDecay);
                BackpropTrainer.MomentumUpdate(_model.VisibleBias, _visibleBiasVelocity, _visibleBiasGradient, lr, momentum, 0f);
                BackpropTrainer.MomentumUpdate(_model.HiddenBias, _hiddenBiasVelocity, _hiddenBiasGradient, lr, momentum, 0f);
                _schedule.CompleteBatch(loss);
                observer.OnBatchCompleted(
                    new TrainingProgress(epoch, _options.Epochs, _schedule.Batch, _schedule.BatchesPerEpoch, (float)(loss / count), _schedule.SamplesPerSecond),
                    _model);
            }

            var metrics = new DbnLayerEpochMetrics(
                DbnPretraining.AutoEncoder, epoch, _options.Epochs, _schedule.EpochLoss / _data.Rows, null, _schedule.SamplesPerSecond, _schedule.EpochSeconds);
            _schedule.EndEpoch("Auto-encoder training", lr, metrics.Loss, _model.Weights.Data);
            _history.Add(metrics);
            observer.OnEpochCompleted(metrics, _model);
        }

        return _model;
    }

    /// <summary>
    /// Forward and backward pass on <paramref name="count"/> rows of <paramref name="batch"/> (count×V, in [0, 1]):
    /// fills the mean gradients of the cross-entropy over the batch (without weight decay) — W's (encoder plus decoder
    /// path, tied) in <see cref="WeightGradient"/>, b's and c's — and returns the summed cross-entropy.
    /// </summary>
    internal double ComputeGradients(ReadOnlySpan<float> batch, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _maxBatch);
        int v = _model.VisibleUnits;
        int h = _model.HiddenUnits;
        ReadOnlySpan<float> x = batch[..(count * v)];
        Span<float> hidden = _hidden.AsSpan(0, count * h);
        Span<float> reconstruction = _reconstruction.AsSpan(0, count * v);
        Span<float> outputDelta = _outputDelta.AsSpan(0, count * v);
        Span<float> hiddenDelta = _hiddenDelta.AsSpan(0, count * h);
        Span<float> scratch = _scratch.AsSpan(0, count * v);
        float[] w = _model.Weights.Data;

        // h = sigm(x·Wᵀ + c); x̂ = sigm(h·W + b).
        Gemm.Multiply(Transpose.No, Transpose.Yes, count, h, v, 1f, x, v, w, v, 0f, hidden, h);
        AddToRows(hidden, _model.HiddenBias);
        TensorPrimitives.Sigmoid(hidden, hidden);
        Gemm.Multiply(Transpose.No, Transpose.No, count, v, h, 1f, hidden, h, w, v, 0f, reconstruction, v);
        AddToRows(reconstruction, _model.VisibleBias);
        TensorPrimitives.Sigmoid(reconstruction, reconstruction);

        // −Σ [x log x̂ + (1 − x) log(1 − x̂)] = −Σ x·(log x̂ − log(1 − x̂)) − Σ log(1 − x̂), with x̂ clamped away from 0 and 1.
        TensorPrimitives.Clamp(reconstruction, Epsilon, 1f - Epsilon, scratch);
        TensorPrimitives.Subtract(1f, scratch, outputDelta);
        TensorPrimitives.Log(scratch, scratch);
        TensorPrimitives.Log(outputDelta, outputDelta);
        double logComplement = TensorPrimitives.Sum(outputDelta);
        TensorPrimitives.Subtract(scratch, outputDelta, scratch);
        double loss = -(TensorPrimitives.Dot(x, scratch) + logComplement);

        // With a sigmoid output, ∂loss/∂(pre-activation) = x̂ − x.
        float scale = 1f / count;
        TensorPrimitives.Subtract(reconstruction, x, outputDelta);
        ColumnMeans(outputDelta, v, scale, _visibleBiasGradient);
        Gemm.Multiply(Transpose.Yes, Transpose.No, h, v, count, scale, hidden, h, outputDelta, v, 0f, _weightGradient.Data, v);
        Gemm.Multiply(Transpose.No, Transpose.Yes, count, h, v, 1f, outputDelta, v, w, v, 0f, hiddenDelta, h);
        DenseSigmoidNetwork.MultiplyBySigmoidDerivative(hiddenDelta, hidden);
        ColumnMeans(hiddenDelta, h, scale, _hiddenBiasGradient);
        Gemm.Multiply(Transpose.Yes, Transpose.No, h, v, count, scale, hiddenDelta, h, x, v, 1f, _weightGradient.Data, v);
        return loss;
    }

    /// <summary>Mean ∂loss/∂W (H×V) of the last <see cref="ComputeGradients"/>.</summary>
    internal Matrix WeightGradient => _weightGradient;

    /// <summary>Mean ∂loss/∂b (V).</summary>
    internal float[] VisibleBiasGradient => _visibleBiasGradient;

    /// <summary>Mean ∂loss/∂c (H).</summary>
    internal float[] HiddenBiasGradient => _hiddenBiasGradient;

    private static void AddToRows(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int offset = 0; offset < rows.Length; offset += bias.Length)
        {
            Span<float> row = rows.Slice(offset, bias.Length);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>destination = scale · Σ_rows rows (rows is count×width).</summary>
    private static void ColumnMeans(ReadOnlySpan<float> rows, int width, float scale, Span<float> destination)
    {
        destination.Clear();
        for (int offset = 0; offset < rows.Length; offset += width)
        {
            TensorPrimitives.Add(destination, rows.Slice(offset, width), destination);
        }

        TensorPrimitives.Multiply(destination, scale, destination);
    }
}
