using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// A restricted Boltzmann machine with binary hidden units, in the lecture's notation:
/// W is hidden×visible (row h is the filter of hidden unit h), b the visible and c the hidden offsets.
/// Bernoulli visible units: Q(h=1|x) = sigm(c + W x), P(x=1|h) = sigm(b + Wᵀ h).
/// Gaussian visible units with standard deviation σ: Q(h=1|x) = sigm(c + W x/σ), x|h ~ N(b + σWᵀh, σ²).
/// </summary>
public sealed class Rbm
{
    public Rbm(int visibleUnits, int hiddenUnits, VisibleUnitType visibleType = VisibleUnitType.Bernoulli, float sigma = 1f)
        : this(new Matrix(hiddenUnits, visibleUnits), new float[visibleUnits], new float[hiddenUnits], visibleType, sigma)
    {
    }

    /// <param name="weights">W, hidden×visible.</param>
    /// <param name="visibleBias">b, length visible.</param>
    /// <param name="hiddenBias">c, length hidden.</param>
    /// <param name="visibleType">Bernoulli or Gaussian visible units.</param>
    /// <param name="sigma">σ of Gaussian visible units (ignored for Bernoulli); must be positive and finite.</param>
    public Rbm(Matrix weights, float[] visibleBias, float[] hiddenBias, VisibleUnitType visibleType = VisibleUnitType.Bernoulli, float sigma = 1f)
    {
        if (!float.IsFinite(sigma) || sigma <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be positive and finite.");
        }

        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(visibleBias);
        ArgumentNullException.ThrowIfNull(hiddenBias);
        if (weights.Rows < 1 || weights.Cols < 1)
        {
            throw new ArgumentException("An RBM needs at least one visible and one hidden unit.", nameof(weights));
        }

        if (visibleBias.Length != weights.Cols || hiddenBias.Length != weights.Rows)
        {
            throw new ArgumentException(
                $"Weights are {weights.Rows}×{weights.Cols} (hidden×visible) but biases have {visibleBias.Length} visible and {hiddenBias.Length} hidden entries.");
        }

        Weights = weights;
        VisibleBias = visibleBias;
        HiddenBias = hiddenBias;
        VisibleType = visibleType;
        Sigma = visibleType == VisibleUnitType.Gaussian ? sigma : 1f;
    }

    public VisibleUnitType VisibleType { get; }

    /// <summary>σ of Gaussian visible units; 1 for Bernoulli units.</summary>
    public float Sigma { get; }

    public int VisibleUnits => Weights.Cols;

    public int HiddenUnits => Weights.Rows;

    /// <summary>W, hidden×visible, row-major.</summary>
    public Matrix Weights { get; }

    /// <summary>b, length VisibleUnits.</summary>
    public float[] VisibleBias { get; }

    /// <summary>c, length HiddenUnits.</summary>
    public float[] HiddenBias { get; }

    /// <summary>Q(h=1|x) for <paramref name="count"/> rows: visible is count×V, hidden receives count×H.</summary>
    public void HiddenProbabilities(ReadOnlySpan<float> visible, int count, Span<float> hidden)
    {
        CheckBatch(visible, VisibleUnits, hidden, HiddenUnits, count);
        Gemm.Multiply(Transpose.No, Transpose.Yes, count, HiddenUnits, VisibleUnits,
            1f / Sigma, visible, VisibleUnits, Weights.Data, VisibleUnits, 0f, hidden, HiddenUnits);
        AddRows(hidden[..(count * HiddenUnits)], HiddenBias, sigmoid: true);
    }

    /// <summary>
    /// The visible units' mean given h, for <paramref name="count"/> rows (hidden is count×H, visible receives count×V):
    /// P(x=1|h) for Bernoulli units, E[x|h] = b + σWᵀh for Gaussian units.
    /// </summary>
    public void VisibleProbabilities(ReadOnlySpan<float> hidden, int count, Span<float> visible)
    {
        CheckBatch(hidden, HiddenUnits, visible, VisibleUnits, count);
        Gemm.Multiply(Transpose.No, Transpose.No, count, VisibleUnits, HiddenUnits,
            Sigma, hidden, HiddenUnits, Weights.Data, VisibleUnits, 0f, visible, VisibleUnits);
        AddRows(visible[..(count * VisibleUnits)], VisibleBias, sigmoid: VisibleType == VisibleUnitType.Bernoulli);
    }

    /// <summary>
    /// Samples x|h in place over the means from <see cref="VisibleProbabilities"/> (count×V):
    /// Bernoulli draws for binary units, mean + σ·N(0, 1) for Gaussian units.
    /// </summary>
    public void SampleVisible(Span<float> means, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (VisibleType == VisibleUnitType.Bernoulli)
        {
            rng.SampleBernoulli(means, means);
            return;
        }

        for (int i = 0; i < means.Length; i++)
        {
            means[i] += Sigma * rng.NextGaussian();
        }
    }

    /// <summary>
    /// Reconstruction x → h → E[x|h] for count×V rows. With <see cref="HiddenFeatures.Probabilities"/> h is Q(h=1|x)
    /// (mean field, no randomness); with <see cref="HiddenFeatures.Binary"/> h is a sample drawn with <paramref name="rng"/>.
    /// </summary>
    public void Reconstruct(ReadOnlySpan<float> visible, int count, Span<float> reconstruction,
        HiddenFeatures features = HiddenFeatures.Probabilities, Xoshiro256StarStar? rng = null)
    {
        var hidden = new float[count * HiddenUnits];
        HiddenProbabilities(visible, count, hidden);
        if (features == HiddenFeatures.Binary)
        {
            (rng ?? throw new ArgumentNullException(nameof(rng), "Binary features need a random generator.")).SampleBernoulli(hidden, hidden);
        }

        VisibleProbabilities(hidden, count, reconstruction);
    }

    public Rbm Clone() => new(Weights.Clone(), (float[])VisibleBias.Clone(), (float[])HiddenBias.Clone(), VisibleType, Sigma);

    /// <summary>
    /// rows[r] ← rows[r] + bias (then the logistic function when <paramref name="sigmoid"/>) for every row of width
    /// bias.Length: one pass over the GEMM's output, each row still in L1 for the second step.
    /// </summary>
    private static void AddRows(Span<float> rows, ReadOnlySpan<float> bias, bool sigmoid)
    {
        for (int offset = 0; offset < rows.Length; offset += bias.Length)
        {
            Span<float> row = rows.Slice(offset, bias.Length);
            TensorPrimitives.Add(row, bias, row);
            if (sigmoid)
            {
                TensorPrimitives.Sigmoid(row, row);
            }
        }
    }

    private static void CheckBatch(ReadOnlySpan<float> input, int inputWidth, Span<float> output, int outputWidth, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (input.Length < (long)count * inputWidth || output.Length < (long)count * outputWidth)
        {
            throw new ArgumentException(
                $"A batch of {count} needs {count}×{inputWidth} inputs and {count}×{outputWidth} outputs; got {input.Length} and {output.Length}.");
        }
    }
}
