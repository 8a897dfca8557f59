using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace DeepNet.Numerics;

/// <summary>
/// Elementwise activations and their backward passes, through TensorPrimitives. Backward passes take the forward
/// output y (not the input) and compute dx = dy·f′ expressed in y. Spans of equal length; y may alias x.
/// </summary>
public static class Activations
{
    /// <summary>y = 1 / (1 + e^(−x)).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, Same(x, y));

    /// <summary>dx = dy·y·(1 − y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => SigmoidBackward(y, dy, dx, Simd.Width);

    /// <summary>dx = dy·y·(1 − y) on vectors of <paramref name="width"/>; every width gives the same bits.</summary>
    internal static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, SimdWidth width)
    {
        Check(y, dy, dx);
        Elementwise.Map<SigmoidGradient>(y, dy, dx, width);
    }

    /// <summary>y = tanh(x).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, Same(x, y));

    /// <summary>dx = dy·(1 − y²).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => TanhBackward(y, dy, dx, Simd.Width);

    /// <summary>dx = dy·(1 − y²) on vectors of <paramref name="width"/>; every width gives the same bits.</summary>
    internal static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, SimdWidth width)
    {
        Check(y, dy, dx);
        Elementwise.Map<TanhGradient>(y, dy, dx, width);
    }

    /// <summary>y = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, Same(x, y));

    /// <summary>dx = dy where y &gt; 0, else 0.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => ReluBackward(y, dy, dx, Simd.Width);

    /// <summary>dx = dy where y &gt; 0, else 0, on vectors of <paramref name="width"/>.</summary>
    internal static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, SimdWidth width)
    {
        Check(y, dy, dx);
        Elementwise.Map<ReluGradient>(y, dy, dx, width);
    }

    /// <summary>
    /// Row-wise softmax and mean cross-entropy: probabilities[n, :] = softmax(logits[n, :]);
    /// returns −(1/N)·Σ_n log probabilities[n, labels[n]]; gradient (of that mean with respect to the logits)
    /// = (probabilities − onehot(labels)) / N.
    /// </summary>
    /// <param name="logits">N×K.</param>
    /// <param name="labels">N class indices in [0, K).</param>
    /// <param name="probabilities">N×K, overwritten.</param>
    /// <param name="gradient">N×K, overwritten; may be empty to skip it.</param>
    public static double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes, Span<float> probabilities, Span<float> gradient)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        int batch = labels.Length;
        if (batch == 0 || logits.Length != batch * classes || probabilities.Length != logits.Length
            || (!gradient.IsEmpty && gradient.Length != logits.Length))
        {
            throw new ArgumentException($"Expected {batch}×{classes} logits, probabilities and gradient for {batch} labels.");
        }

        double loss = 0;
        for (int n = 0; n < batch; n++)
        {
            int label = labels[n];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"Label {label} of sample {n} is not in [0, {classes}).");
            }

            ReadOnlySpan<float> row = logits.Slice(n * classes, classes);
            Span<float> p = probabilities.Slice(n * classes, classes);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, p);
            TensorPrimitives.Exp(p, p);
            float sum = TensorPrimitives.Sum(p);
            TensorPrimitives.Divide(p, sum, p);
            // log p_label computed from the shifted logit: exact even when p_label underflows.
            loss -= row[label] - max - Math.Log(sum);
        }

        if (!gradient.IsEmpty)
        {
            float scale = 1f / batch;
            TensorPrimitives.Multiply(probabilities, scale, gradient);
            for (int n = 0; n < batch; n++)
            {
                gradient[n * classes + labels[n]] -= scale;
            }
        }

        return loss / batch;
    }

    private static Span<float> Same(ReadOnlySpan<float> x, Span<float> y) =>
        y.Length == x.Length ? y : throw new ArgumentException($"Expected {x.Length} outputs, got {y.Length}.", nameof(y));

    private static void Check(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        if (dy.Length != y.Length || dx.Length != y.Length)
        {
            throw new ArgumentException($"Expected {y.Length} values in y, dy and dx; got {dy.Length} and {dx.Length}.");
        }
    }

    /// <summary>(y, dy) → dy·y·(1 − y).</summary>
    private struct SigmoidGradient : IBinaryLanes
    {
        public static float Apply(float y, float dy) => dy * y * (1f - y);

        public static Vector128<float> Apply(Vector128<float> y, Vector128<float> dy) => dy * y * (Vector128<float>.One - y);

        public static Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);

        public static Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * y * (Vector512<float>.One - y);
    }

    /// <summary>(y, dy) → dy·(1 − y²).</summary>
    private struct TanhGradient : IBinaryLanes
    {
        public static float Apply(float y, float dy) => dy * (1f - y * y);

        public static Vector128<float> Apply(Vector128<float> y, Vector128<float> dy) => dy * (Vector128<float>.One - y * y);

        public static Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);

        public static Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy * (Vector512<float>.One - y * y);
    }

    /// <summary>(y, dy) → dy where y &gt; 0, else 0.</summary>
    private struct ReluGradient : IBinaryLanes
    {
        public static float Apply(float y, float dy) => y > 0f ? dy : 0f;

        public static Vector128<float> Apply(Vector128<float> y, Vector128<float> dy) => dy & Vector128.GreaterThan(y, Vector128<float>.Zero);

        public static Vector256<float> Apply(Vector256<float> y, Vector256<float> dy) => dy & Vector256.GreaterThan(y, Vector256<float>.Zero);

        public static Vector512<float> Apply(Vector512<float> y, Vector512<float> dy) => dy & Vector512.GreaterThan(y, Vector512<float>.Zero);
    }
}
