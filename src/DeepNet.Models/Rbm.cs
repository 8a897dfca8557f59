using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// A restricted Boltzmann machine with binary visible and hidden units, in the lecture's notation:
/// W is hidden×visible (row h is the filter of hidden unit h), b the visible and c the hidden offsets.
/// Q(h=1|x) = sigm(c + W x), P(x=1|h) = sigm(b + Wᵀ h).
/// </summary>
public sealed class Rbm
{
    public Rbm(int visibleUnits, int hiddenUnits)
        : this(new Matrix(hiddenUnits, visibleUnits), new float[visibleUnits], new float[hiddenUnits])
    {
    }

    /// <param name="weights">W, hidden×visible.</param>
    /// <param name="visibleBias">b, length visible.</param>
    /// <param name="hiddenBias">c, length hidden.</param>
    public Rbm(Matrix weights, float[] visibleBias, float[] hiddenBias)
    {
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
    }

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
            1f, visible, VisibleUnits, Weights.Data, VisibleUnits, 0f, hidden, HiddenUnits);
        AddRowsAndSquash(hidden[..(count * HiddenUnits)], HiddenBias);
    }

    /// <summary>P(x=1|h) for <paramref name="count"/> rows: hidden is count×H, visible receives count×V.</summary>
    public void VisibleProbabilities(ReadOnlySpan<float> hidden, int count, Span<float> visible)
    {
        CheckBatch(hidden, HiddenUnits, visible, VisibleUnits, count);
        Gemm.Multiply(Transpose.No, Transpose.No, count, VisibleUnits, HiddenUnits,
            1f, hidden, HiddenUnits, Weights.Data, VisibleUnits, 0f, visible, VisibleUnits);
        AddRowsAndSquash(visible[..(count * VisibleUnits)], VisibleBias);
    }

    /// <summary>Mean-field reconstruction x → Q(h|x) → P(x|h): visible and reconstruction are count×V.</summary>
    public void Reconstruct(ReadOnlySpan<float> visible, int count, Span<float> reconstruction)
    {
        var hidden = new float[count * HiddenUnits];
        HiddenProbabilities(visible, count, hidden);
        VisibleProbabilities(hidden, count, reconstruction);
    }

    public Rbm Clone() => new(Weights.Clone(), (float[])VisibleBias.Clone(), (float[])HiddenBias.Clone());

    /// <summary>rows[r] ← sigm(rows[r] + bias) for every row of width bias.Length.</summary>
    internal static void AddRowsAndSquash(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int offset = 0; offset < rows.Length; offset += bias.Length)
        {
            Span<float> row = rows.Slice(offset, bias.Length);
            TensorPrimitives.Add(row, bias, row);
        }

        TensorPrimitives.Sigmoid(rows, rows);
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
