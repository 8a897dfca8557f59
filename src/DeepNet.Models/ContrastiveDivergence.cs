using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// The lecture's CD-k update with preallocated workspaces, applied to one minibatch at a time:
/// Q(h1=1|x1) = sigm(c + W x1), sample h1; P(x2=1|h1) = sigm(b + Wᵀ h1), sample x2 (or keep the probability);
/// for k &gt; 1 the Gibbs chain continues h → x; then with Q(h=1|x_k) of the last visible state x_k:
/// W ← W + ε(h1 x1ᵀ − Q(h=1|x_k) x_kᵀ), b ← b + ε(x1 − x_k), c ← c + ε(h1 − Q(h=1|x_k)),
/// each averaged over the minibatch.
/// </summary>
/// <remarks>
/// Random draws happen in a fixed order so a seed fixes the run: h1 (count·H uniforms, row-major),
/// then per Gibbs step the visible sample (count·V, when sampled) and, between steps, the hidden sample (count·H).
/// </remarks>
public sealed class ContrastiveDivergence
{
    private readonly Rbm _rbm;
    private readonly int _k;
    private readonly float _learningRate;
    private readonly bool _sampleReconstruction;
    private readonly int _maxBatch;
    private readonly float[] _hiddenProbabilities;
    private readonly float[] _chainHidden;
    private readonly float[] _visibleProbabilities;

    // Positive and negative statistics stacked along the batch axis — [h1; −Q(h|x_k)] and [x1; x_k] —
    // so the weight update is one GEMM with inner dimension 2·count instead of two.
    private readonly float[] _stackedHidden;
    private readonly float[] _stackedVisible;
    private readonly float[] _visibleDelta;
    private readonly float[] _hiddenDelta;

    public ContrastiveDivergence(Rbm rbm, int maxBatch, int k, float learningRate, bool sampleReconstruction)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _rbm = rbm;
        _k = k;
        _learningRate = learningRate;
        _sampleReconstruction = sampleReconstruction;
        _maxBatch = maxBatch;
        int hidden = maxBatch * rbm.HiddenUnits;
        int visible = maxBatch * rbm.VisibleUnits;
        _hiddenProbabilities = new float[hidden];
        _chainHidden = new float[hidden];
        _visibleProbabilities = new float[visible];
        _stackedHidden = new float[2 * hidden];
        _stackedVisible = new float[2 * visible];
        _visibleDelta = new float[rbm.VisibleUnits];
        _hiddenDelta = new float[rbm.HiddenUnits];
    }

    /// <summary>
    /// Applies one CD-k update for the minibatch <paramref name="x1"/> (count×V, row-major) and returns
    /// Σ over the batch of Σᵢ (x1ᵢ − P(x2ᵢ=1|h1))², the squared reconstruction error before the update.
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
        Span<float> stackedHidden = _stackedHidden.AsSpan(0, 2 * count * h);
        Span<float> stackedVisible = _stackedVisible.AsSpan(0, 2 * count * v);
        Span<float> h1 = stackedHidden[..(count * h)];
        Span<float> negativeHidden = stackedHidden[(count * h)..];
        Span<float> positiveVisible = stackedVisible[..(count * v)];
        Span<float> x = stackedVisible[(count * v)..];
        Span<float> q = _hiddenProbabilities.AsSpan(0, count * h);
        Span<float> hChain = _chainHidden.AsSpan(0, count * h);
        Span<float> p = _visibleProbabilities.AsSpan(0, count * v);
        x1[..(count * v)].CopyTo(positiveVisible);
        x1 = positiveVisible;

        _rbm.HiddenProbabilities(x1, count, q);
        rng.SampleBernoulli(q, h1);

        double squaredError = 0;
        ReadOnlySpan<float> hidden = h1;
        for (int step = 1; step <= _k; step++)
        {
            _rbm.VisibleProbabilities(hidden, count, p);
            if (step == 1)
            {
                squaredError = SquaredDistance(x1, p);
            }

            if (_sampleReconstruction)
            {
                rng.SampleBernoulli(p, x);
            }
            else
            {
                p.CopyTo(x);
            }

            _rbm.HiddenProbabilities(x, count, q);
            if (step < _k)
            {
                rng.SampleBernoulli(q, hChain);
                hidden = hChain;
            }
        }

        float rate = _learningRate / count;
        TensorPrimitives.Negate(q, negativeHidden);
        // W += rate·(h1ᵀx1 − Q(h|x_k)ᵀx_k) = rate·[h1; −Q]ᵀ[x1; x_k], accumulated straight into W.
        Gemm.Multiply(Transpose.Yes, Transpose.No, h, v, 2 * count, rate, stackedHidden, h, stackedVisible, v, 1f, _rbm.Weights.Data, v);

        AccumulateRowDifferences(x1, x, v, _visibleDelta);
        TensorPrimitives.MultiplyAdd(_visibleDelta, rate, _rbm.VisibleBias, _rbm.VisibleBias);
        AccumulateRowDifferences(h1, q, h, _hiddenDelta);
        TensorPrimitives.MultiplyAdd(_hiddenDelta, rate, _rbm.HiddenBias, _rbm.HiddenBias);
        return squaredError;
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
}
