using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// The lecture's CD-k update with preallocated workspaces, applied to one minibatch at a time, extended by persistent
/// chains, momentum, weight decay and a sparsity target (Hinton's practical guide). Plain CD-1 is the lecture's update:
/// Q(h1=1|x1) = sigm(c + W x1), sample h1; P(x2=1|h1) = sigm(b + Wᵀ h1), sample x2 (or keep the probability);
/// for k &gt; 1 the Gibbs chain continues h → x; then with Q(h=1|x_k) of the last visible state x_k:
/// W ← W + ε(h1 x1ᵀ − Q(h=1|x_k) x_kᵀ), b ← b + ε(x1 − x_k), c ← c + ε(h1 − Q(h=1|x_k)),
/// each averaged over the minibatch.
/// </summary>
/// <remarks>
/// <para>
/// Gaussian visible units (energy E(x,h) = Σᵢ(xᵢ − bᵢ)²/(2σ²) − cᵀh − Σᵢⱼ hⱼWⱼᵢxᵢ/σ) use the same statistics of
/// ∂(−E)/∂θ: ΔW = ε/σ·(h1 x1ᵀ − Q(h|x_k) x_kᵀ), Δb = ε/σ²·(x1 − x_k), Δc = ε(h1 − Q(h|x_k)); the negative visible state is
/// drawn as mean + σ·N(0,1) (or is the mean). For Bernoulli units σ = 1 and the update is the lecture's.
/// </para>
/// <para>
/// Persistent CD: the negative statistics come from <see cref="PersistentChains"/> (chains×V visible states), each advanced
/// k Gibbs steps x → h → x per update and kept for the next; positive and negative terms are averaged separately
/// (over the batch and over the chains). With SampleReconstruction = false a chain carries the mean E[x|h] as its visible
/// state (the hidden states are still sampled).
/// </para>
/// <para>
/// With momentum α, weight decay λ and sparsity the increment is Δθ ← α·Δθ + ε·(statistics − λW + sparsity term);
/// θ ← θ + Δθ. The sparsity term (guide §11) uses q ← decay·q + (1 − decay)·mean over the batch of Q(h=1|x1):
/// Δcⱼ += cost·(p − qⱼ), ΔWⱼᵢ += cost·(p − qⱼ)·mean(x1ᵢ)/σ.
/// </para>
/// <para>
/// Random draws happen in a fixed order so a seed fixes the run: h1 (count·H uniforms, row-major); for CD then per Gibbs
/// step the visible sample (count·V, when sampled) and, between steps, the hidden sample (count·H); for persistent CD per
/// Gibbs step the chains' hidden sample (chains·H) and visible sample (chains·V, when sampled).
/// A Gaussian visible sample consumes two uniforms per unit (Box–Muller).
/// </para>
/// </remarks>
public sealed class ContrastiveDivergence
{
    private readonly Rbm _rbm;
    private readonly int _k;
    private readonly bool _sampleReconstruction;
    private readonly int _maxBatch;
    private readonly int _chains;
    private readonly float _weightDecay;
    private readonly float _sparsityTarget;
    private readonly float _sparsityCost;
    private readonly float _sparsityDecay;
    private readonly float[] _hiddenProbabilities;
    private readonly float[] _chainHidden;
    private readonly float[] _visibleProbabilities;

    // Positive and negative statistics stacked along the batch axis — [h1; −Q(h|x_k)] and [x1; x_k] —
    // so the weight update is one GEMM with inner dimension count + negatives instead of two.
    private readonly float[] _stackedHidden;
    private readonly float[] _stackedVisible;
    private readonly float[] _visibleDelta;
    private readonly float[] _hiddenDelta;
    private readonly float[]? _visibleMean;
    private readonly float[]? _hiddenMean;
    private float _learningRate;
    private float _momentum;

    /// <summary>Plain CD-k for <paramref name="rbm"/> (its own visible type and σ): no momentum, decay, sparsity or persistence.</summary>
    /// <param name="maxBatch">Largest minibatch <see cref="Step"/> accepts.</param>
    public ContrastiveDivergence(Rbm rbm, int maxBatch, int k, float learningRate, bool sampleReconstruction)
        : this(rbm, maxBatch, new RbmOptions
        {
            K = k,
            LearningRate = learningRate,
            SampleReconstruction = sampleReconstruction,
            VisibleType = rbm?.VisibleType ?? VisibleUnitType.Bernoulli,
            Sigma = rbm?.Sigma ?? 1f,
            HiddenUnits = rbm?.HiddenUnits ?? 1,
        })
    {
    }

    /// <summary>
    /// CD-k or persistent CD for <paramref name="rbm"/> with every option of <paramref name="options"/>
    /// (the options' visible type, σ and hidden units must match the model). The learning rate and momentum start at
    /// <see cref="RbmOptions.LearningRate"/> and <see cref="RbmOptions.InitialMomentum"/>; a trainer changes them per epoch.
    /// Persistent chains start at zero (see <see cref="InitializePersistentChains"/>), the sparsity estimate at the target.
    /// </summary>
    /// <param name="maxBatch">Largest minibatch <see cref="Step"/> accepts.</param>
    public ContrastiveDivergence(Rbm rbm, int maxBatch, RbmOptions options)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        IReadOnlyDictionary<string, string[]> errors = RbmOptionsValidator.Validate(options, rbm.VisibleUnits);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")), nameof(options));
        }

        if (options.VisibleType != rbm.VisibleType || (rbm.VisibleType == VisibleUnitType.Gaussian && options.Sigma != rbm.Sigma)
            || options.HiddenUnits != rbm.HiddenUnits)
        {
            throw new ArgumentException(
                $"The options describe {options.HiddenUnits} hidden units and {options.VisibleType} visible units (σ = {options.Sigma}) " +
                $"but the model has {rbm.HiddenUnits} hidden and {rbm.VisibleType} visible units (σ = {rbm.Sigma}).", nameof(options));
        }

        _rbm = rbm;
        _k = options.K;
        _sampleReconstruction = options.SampleReconstruction;
        _maxBatch = maxBatch;
        _chains = options.Persistent ? options.PersistentChains : 0;
        _weightDecay = options.WeightDecay;
        LearningRate = options.LearningRate;
        int v = rbm.VisibleUnits;
        int h = rbm.HiddenUnits;
        int negatives = options.Persistent ? _chains : maxBatch;
        int rows = Math.Max(maxBatch, negatives);
        _hiddenProbabilities = new float[rows * h];
        _chainHidden = new float[rows * h];
        _visibleProbabilities = new float[rows * v];
        _stackedHidden = new float[(maxBatch + negatives) * h];
        _stackedVisible = new float[(maxBatch + negatives) * v];
        _visibleDelta = new float[v];
        _hiddenDelta = new float[h];
        if (options.Persistent)
        {
            PersistentChains = new Matrix(_chains, v);
        }

        if (options.InitialMomentum > 0 || options.FinalMomentum > 0)
        {
            WeightVelocity = new Matrix(h, v);
            VisibleBiasVelocity = new float[v];
            HiddenBiasVelocity = new float[h];
        }

        if (options.SparsityTarget is float target)
        {
            _sparsityTarget = target;
            _sparsityCost = options.SparsityCost;
            _sparsityDecay = options.SparsityDecay;
            SparsityEstimate = new float[h];
            Array.Fill(SparsityEstimate, target);
            _visibleMean = new float[v];
            _hiddenMean = new float[h];
        }

        Momentum = options.InitialMomentum;
    }

    /// <summary>ε used by the next <see cref="Step"/> (before division by the batch size).</summary>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!float.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and non-negative.");
            }

            _learningRate = value;
        }
    }

    /// <summary>Momentum α used by the next <see cref="Step"/>; non-zero only when the options enabled momentum.</summary>
    public float Momentum
    {
        get => _momentum;
        set
        {
            if (!float.IsFinite(value) || value < 0 || value >= 1 || (value > 0 && WeightVelocity is null))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    "Momentum must be in [0, 1), and non-zero only when the options enable momentum.");
            }

            _momentum = value;
        }
    }

    /// <summary>Persistent CD's fantasy particles: chains×V visible states, updated in place by every step; null for CD-k.</summary>
    public Matrix? PersistentChains { get; }

    /// <summary>The weight increment ΔW (hidden×visible) carried by momentum; null without momentum.</summary>
    public Matrix? WeightVelocity { get; }

    /// <summary>The visible-bias increment Δb (length V) carried by momentum; null without momentum.</summary>
    public float[]? VisibleBiasVelocity { get; }

    /// <summary>The hidden-bias increment Δc (length H) carried by momentum; null without momentum.</summary>
    public float[]? HiddenBiasVelocity { get; }

    /// <summary>The running estimate q (length H) of each hidden unit's mean activation; null without a sparsity target.</summary>
    public float[]? SparsityEstimate { get; }

    /// <summary>Starts every persistent chain at a training sample chosen uniformly with <paramref name="rng"/> (one draw per chain).</summary>
    /// <param name="data">samples×V.</param>
    public void InitializePersistentChains(Matrix data, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rng);
        if (PersistentChains is null)
        {
            throw new InvalidOperationException("Persistent chains exist only for persistent CD.");
        }

        if (data.Cols != _rbm.VisibleUnits || data.Rows < 1)
        {
            throw new ArgumentException($"Chains start from samples of {_rbm.VisibleUnits} features; got {data.Rows}×{data.Cols}.", nameof(data));
        }

        for (int chain = 0; chain < PersistentChains.Rows; chain++)
        {
            data.Row(rng.NextInt(data.Rows)).CopyTo(PersistentChains.Row(chain));
        }
    }

    /// <summary>
    /// Applies one update for the minibatch <paramref name="x1"/> (count×V, row-major) and returns
    /// Σ over the batch of Σᵢ (x1ᵢ − E[x2ᵢ|h1])², the squared reconstruction error before the update.
    /// </summary>
    public double Step(ReadOnlySpan<float> x1, int count, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (count < 1 || count > _maxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Batch size must be between 1 and {_maxBatch}.");
        }

        int v = _rbm.VisibleUnits;
        int h = _rbm.HiddenUnits;
        if (x1.Length < count * v)
        {
            throw new ArgumentException($"A batch of {count} needs {count}×{v} values; got {x1.Length}.", nameof(x1));
        }

        int negatives = PersistentChains is null ? count : _chains;
        Span<float> stackedHidden = _stackedHidden.AsSpan(0, (count + negatives) * h);
        Span<float> stackedVisible = _stackedVisible.AsSpan(0, (count + negatives) * v);
        Span<float> h1 = stackedHidden[..(count * h)];
        Span<float> negativeHidden = stackedHidden[(count * h)..];
        Span<float> positiveVisible = stackedVisible[..(count * v)];
        Span<float> x = stackedVisible[(count * v)..];
        Span<float> q = _hiddenProbabilities.AsSpan(0, count * h);
        x1[..(count * v)].CopyTo(positiveVisible);
        x1 = positiveVisible;

        _rbm.HiddenProbabilities(x1, count, q);
        if (SparsityEstimate is not null)
        {
            UpdateSparsityEstimate(q, count);
        }

        rng.SampleBernoulli(q, h1);

        double squaredError;
        if (PersistentChains is null)
        {
            squaredError = RunDataChain(x1, h1, x, count, rng);
            q = _hiddenProbabilities.AsSpan(0, count * h);
        }
        else
        {
            Span<float> p = _visibleProbabilities.AsSpan(0, count * v);
            _rbm.VisibleProbabilities(h1, count, p);
            squaredError = SquaredDistance(x1, p);
            RunPersistentChains(x, rng);
            q = _hiddenProbabilities.AsSpan(0, negatives * h);
        }

        // Statistics of ∂(−E)/∂θ: hⱼxᵢ/σ for W, xᵢ/σ² for b (the bias itself cancels in x1 − x_k), hⱼ for c.
        float rate = _learningRate / count;
        float sigma = _rbm.Sigma;
        float weightRate = rate / sigma;
        float visibleRate = rate / (sigma * sigma);
        if (PersistentChains is null)
        {
            TensorPrimitives.Negate(q, negativeHidden);
            AccumulateRowDifferences(x1, x, v, _visibleDelta);
            AccumulateRowDifferences(h1, q, h, _hiddenDelta);
        }
        else
        {
            // Negative terms are means over the chains: scale them by count/chains so one rate serves both halves.
            float negativeScale = (float)count / negatives;
            TensorPrimitives.Multiply(q, -negativeScale, negativeHidden);
            AccumulateScaledRowDifferences(x1, x, negativeScale, v, _visibleDelta);
            AccumulateScaledRowDifferences(h1, q, negativeScale, h, _hiddenDelta);
        }

        if (WeightVelocity is null)
        {
            // W ← (1 − ελ)·W + rate·[h1; −Q]ᵀ[x1; x_k], accumulated straight into W (λ = 0 gives the lecture's update).
            Gemm.Multiply(Transpose.Yes, Transpose.No, h, v, count + negatives, weightRate, stackedHidden, h, stackedVisible, v,
                1f - _learningRate * _weightDecay, _rbm.Weights.Data, v);
            if (SparsityEstimate is not null)
            {
                AddSparsityTerm(x1, count, _rbm.Weights.Data, _rbm.HiddenBias);
            }

            TensorPrimitives.MultiplyAdd(_visibleDelta, visibleRate, _rbm.VisibleBias, _rbm.VisibleBias);
            TensorPrimitives.MultiplyAdd(_hiddenDelta, rate, _rbm.HiddenBias, _rbm.HiddenBias);
            return squaredError;
        }

        // Δθ ← α·Δθ + ε·(statistics − λW + sparsity term); θ ← θ + Δθ.
        float[] weightVelocity = WeightVelocity.Data;
        Gemm.Multiply(Transpose.Yes, Transpose.No, h, v, count + negatives, weightRate, stackedHidden, h, stackedVisible, v,
            _momentum, weightVelocity, v);
        if (_weightDecay > 0)
        {
            TensorPrimitives.MultiplyAdd(_rbm.Weights.Data, -_learningRate * _weightDecay, weightVelocity, weightVelocity);
        }

        TensorPrimitives.Multiply(HiddenBiasVelocity!, _momentum, HiddenBiasVelocity);
        TensorPrimitives.MultiplyAdd(_hiddenDelta, rate, HiddenBiasVelocity, HiddenBiasVelocity);
        if (SparsityEstimate is not null)
        {
            AddSparsityTerm(x1, count, weightVelocity, HiddenBiasVelocity);
        }

        TensorPrimitives.Multiply(VisibleBiasVelocity!, _momentum, VisibleBiasVelocity);
        TensorPrimitives.MultiplyAdd(_visibleDelta, visibleRate, VisibleBiasVelocity, VisibleBiasVelocity);
        TensorPrimitives.Add(_rbm.Weights.Data, weightVelocity, _rbm.Weights.Data);
        TensorPrimitives.Add(_rbm.VisibleBias, VisibleBiasVelocity, _rbm.VisibleBias);
        TensorPrimitives.Add(_rbm.HiddenBias, HiddenBiasVelocity, _rbm.HiddenBias);
        return squaredError;
    }

    /// <summary>
    /// CD-k's chain from the data: x ← sample of x|h, h ← sample of Q(h|x), k times, leaving Q(h=1|x_k) in the
    /// hidden-probability workspace. Returns the squared error of the first reconstruction.
    /// </summary>
    private double RunDataChain(ReadOnlySpan<float> x1, ReadOnlySpan<float> h1, Span<float> x, int count, Xoshiro256StarStar rng)
    {
        int v = _rbm.VisibleUnits;
        int h = _rbm.HiddenUnits;
        Span<float> q = _hiddenProbabilities.AsSpan(0, count * h);
        Span<float> hChain = _chainHidden.AsSpan(0, count * h);
        Span<float> p = _visibleProbabilities.AsSpan(0, count * v);
        double squaredError = 0;
        ReadOnlySpan<float> hidden = h1;
        for (int step = 1; step <= _k; step++)
        {
            _rbm.VisibleProbabilities(hidden, count, p);
            if (step == 1)
            {
                squaredError = SquaredDistance(x1, p);
            }

            SampleOrCopyVisible(p, x, rng);
            _rbm.HiddenProbabilities(x, count, q);
            if (step < _k)
            {
                rng.SampleBernoulli(q, hChain);
                hidden = hChain;
            }
        }

        return squaredError;
    }

    /// <summary>
    /// Advances every persistent chain k steps x → h → x, writes the final states to <paramref name="x"/> (chains×V) and
    /// to <see cref="PersistentChains"/>, and leaves Q(h=1|x) of the final states in the hidden-probability workspace.
    /// </summary>
    private void RunPersistentChains(Span<float> x, Xoshiro256StarStar rng)
    {
        int v = _rbm.VisibleUnits;
        int h = _rbm.HiddenUnits;
        Span<float> q = _hiddenProbabilities.AsSpan(0, _chains * h);
        Span<float> hChain = _chainHidden.AsSpan(0, _chains * h);
        Span<float> p = _visibleProbabilities.AsSpan(0, _chains * v);
        PersistentChains!.AsSpan().CopyTo(x);
        for (int step = 1; step <= _k; step++)
        {
            _rbm.HiddenProbabilities(x, _chains, q);
            rng.SampleBernoulli(q, hChain);
            _rbm.VisibleProbabilities(hChain, _chains, p);
            SampleOrCopyVisible(p, x, rng);
        }

        _rbm.HiddenProbabilities(x, _chains, q);
        x.CopyTo(PersistentChains.AsSpan());
    }

    private void SampleOrCopyVisible(ReadOnlySpan<float> means, Span<float> x, Xoshiro256StarStar rng)
    {
        if (!_sampleReconstruction)
        {
            means.CopyTo(x);
        }
        else if (_rbm.VisibleType == VisibleUnitType.Bernoulli)
        {
            rng.SampleBernoulli(means, x);
        }
        else
        {
            means.CopyTo(x);
            _rbm.SampleVisible(x, rng);
        }
    }

    /// <summary>q ← decay·q + (1 − decay)·(mean over the batch of Q(h=1|x1)); also keeps the batch mean of x1 for the W term.</summary>
    private void UpdateSparsityEstimate(ReadOnlySpan<float> positiveHidden, int count)
    {
        int h = _rbm.HiddenUnits;
        float[] hiddenMean = _hiddenMean!;
        Array.Clear(hiddenMean);
        for (int offset = 0; offset < count * h; offset += h)
        {
            TensorPrimitives.Add(hiddenMean, positiveHidden.Slice(offset, h), hiddenMean);
        }

        TensorPrimitives.Multiply(hiddenMean, (1f - _sparsityDecay) / count, hiddenMean);
        TensorPrimitives.MultiplyAdd(SparsityEstimate!, _sparsityDecay, hiddenMean, SparsityEstimate!);
    }

    /// <summary>
    /// Adds the sparsity term ε·cost·(p − qⱼ) to <paramref name="hiddenBias"/>ⱼ and ε·cost·(p − qⱼ)·mean(x1)/σ to row j of
    /// <paramref name="weights"/> (hidden×visible): the gradient of the cross-entropy penalty through unit j's total input.
    /// </summary>
    private void AddSparsityTerm(ReadOnlySpan<float> x1, int count, Span<float> weights, Span<float> hiddenBias)
    {
        int v = _rbm.VisibleUnits;
        float[] visibleMean = _visibleMean!;
        Array.Clear(visibleMean);
        for (int offset = 0; offset < count * v; offset += v)
        {
            TensorPrimitives.Add(visibleMean, x1.Slice(offset, v), visibleMean);
        }

        TensorPrimitives.Multiply(visibleMean, 1f / (count * _rbm.Sigma), visibleMean);
        float scale = _learningRate * _sparsityCost;
        float[] estimate = SparsityEstimate!;
        for (int j = 0; j < estimate.Length; j++)
        {
            float push = scale * (_sparsityTarget - estimate[j]);
            hiddenBias[j] += push;
            Span<float> row = weights.Slice(j * v, v);
            TensorPrimitives.MultiplyAdd(visibleMean, push, row, row);
        }
    }

    private static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        // Chunked so float accumulation error stays small on 60k×784 epochs.
        const int Chunk = 4096;
        double total = 0;
        for (int offset = 0; offset < a.Length; offset += Chunk)
        {
            int length = Math.Min(Chunk, a.Length - offset);
            float d = TensorPrimitives.Distance(a.Slice(offset, length), b.Slice(offset, length));
            total += (double)d * d;
        }

        return total;
    }

    /// <summary>delta ← Σ_rows (positive − negative), rows of width <paramref name="width"/>.</summary>
    private static void AccumulateRowDifferences(ReadOnlySpan<float> positive, ReadOnlySpan<float> negative, int width, Span<float> delta)
    {
        delta.Clear();
        for (int offset = 0; offset < positive.Length; offset += width)
        {
            TensorPrimitives.Add(delta, positive.Slice(offset, width), delta);
            TensorPrimitives.Subtract(delta, negative.Slice(offset, width), delta);
        }
    }

    /// <summary>delta ← Σ_rows positive − scale·Σ_rows negative; the two spans may hold different numbers of rows.</summary>
    private static void AccumulateScaledRowDifferences(
        ReadOnlySpan<float> positive, ReadOnlySpan<float> negative, float scale, int width, Span<float> delta)
    {
        delta.Clear();
        for (int offset = 0; offset < negative.Length; offset += width)
        {
            TensorPrimitives.Add(delta, negative.Slice(offset, width), delta);
        }

        TensorPrimitives.Multiply(delta, -scale, delta);
        for (int offset = 0; offset < positive.Length; offset += width)
        {
            TensorPrimitives.Add(delta, positive.Slice(offset, width), delta);
        }
    }
}
