using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>Fully connected layer on the flattened input: Y[N×U] = X[N×I]·Wᵀ + b, weights U×I, bias U.</summary>
public sealed class Dense : LayerBase
{
    private readonly Parameter _weights;
    private readonly Parameter _bias;

    public Dense(TensorShape input, DenseSpec spec, int maxBatch)
        : base(spec.Describe(), input, new TensorShape(spec.Units, 1, 1), maxBatch)
    {
        Units = spec.Units;
        _weights = new Parameter("weight", [spec.Units, input.Size], decays: true);
        _bias = new Parameter("bias", [spec.Units], decays: false);
        Parameters = [_weights, _bias];
    }

    public int Units { get; }

    /// <summary>Units × (C·H·W), row-major.</summary>
    public Parameter Weights => _weights;

    public Parameter Bias => _bias;

    public override IReadOnlyList<Parameter> Parameters { get; }

    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training)
    {
        CheckForward(input, batch);
        int features = InputShape.Size;
        Span<float> y = OutputBuffer.AsSpan(0, batch * Units);
        for (int n = 0; n < batch; n++)
        {
            _bias.Value.CopyTo(y.Slice(n * Units, Units));
        }

        MultiplyInSlices(Transpose.No, Transpose.Yes, batch, Units, features, input, features, _weights.Value, features, 1f, y, Units);
        return y;
    }

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        int features = InputShape.Size;
        // dW[U×I] = dYᵀ·X; db = column sums of dY.
        MultiplyInSlices(Transpose.Yes, Transpose.No, Units, features, batch, outputGradient, Units, input, features, 0f, _weights.Gradient, features);
        outputGradient[..Units].CopyTo(_bias.Gradient);
        for (int n = 1; n < batch; n++)
        {
            TensorPrimitives.Add(_bias.Gradient, outputGradient.Slice(n * Units, Units), _bias.Gradient);
        }

        if (!inputGradient)
        {
            return [];
        }

        // dX[N×I] = dY·W
        Span<float> dx = InputGradientBuffer.AsSpan(0, batch * features);
        MultiplyInSlices(Transpose.No, Transpose.No, batch, features, Units, outputGradient, Units, _weights.Value, features, 0f, dx, features);
        return dx;
    }

    // OpenBLAS runs a product of m·n·k ≥ 65536·4 multiply-adds on its thread pool (interface/gemm.c: SMP_THRESHOLD_MIN ×
    // GEMM_MULTITHREAD_THRESHOLD), and its pool threads then spin between calls: with a CNN's small dense layers that costs
    // more than it saves and takes the core the convolutions' second half runs on (Network's per-sample pass).
    // Slices below the threshold run on the calling thread; k is never split, so no partial sums are added.
    internal const long SliceMultiplyAdds = 65536L * 4 - 1;

    /// <summary>C ← op(A)·op(B) + β·C as Gemm.Multiply, in slices of rows or columns of C of at most <see cref="SliceMultiplyAdds"/> multiply-adds each.</summary>
    internal static void MultiplyInSlices(
        Transpose transA, Transpose transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        long rowsPerSlice = SliceMultiplyAdds / Math.Max(1L, (long)n * k);
        long columnsPerSlice = SliceMultiplyAdds / Math.Max(1L, (long)m * k);
        if ((long)m * n * k <= SliceMultiplyAdds || (rowsPerSlice == 0 && columnsPerSlice == 0))
        {
            Gemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        if (rowsPerSlice >= columnsPerSlice)
        {
            int rows = (int)rowsPerSlice;
            for (int r = 0; r < m; r += rows)
            {
                int count = Math.Min(rows, m - r);
                // Row r of op(A) starts at A[r, 0] (A m×k) or at A[0, r] (A stored k×m).
                ReadOnlySpan<float> aSlice = transA == Transpose.No ? a[(r * lda)..] : a[r..];
                Gemm.Multiply(transA, transB, count, n, k, 1f, aSlice, lda, b, ldb, beta, c[(r * ldc)..], ldc);
            }

            return;
        }

        int columns = (int)columnsPerSlice;
        for (int j = 0; j < n; j += columns)
        {
            int count = Math.Min(columns, n - j);
            // Column j of op(B) starts at B[0, j] (B k×n) or at B[j, 0] (B stored n×k).
            ReadOnlySpan<float> bSlice = transB == Transpose.No ? b[j..] : b[(j * ldb)..];
            Gemm.Multiply(transA, transB, m, count, k, 1f, a, lda, bSlice, ldb, beta, c[j..], ldc);
        }
    }
}
