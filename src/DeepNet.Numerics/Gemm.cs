namespace DeepNet.Numerics;

/// <summary>
/// The single GEMM entry point: C ← α·op(A)·op(B) + β·C on row-major float32 data,
/// where op(X) is X or Xᵀ. Dispatches to OpenBLAS when present, else a managed SIMD kernel.
/// </summary>
public static class Gemm
{
    private static IGemmKernel _kernel = GemmKernels.SelectDefault();

    /// <summary>The backend every call currently runs on.</summary>
    public static GemmBackend Backend => _kernel.Backend;

    /// <summary>Switches the process-wide backend. Throws when OpenBLAS is requested but cannot be loaded.</summary>
    public static void Use(GemmBackend backend) => _kernel = GemmKernels.Create(backend);

    /// <summary>
    /// C[m×n] ← α·op(A)·op(B) + β·C. op(A) is m×k, op(B) is k×n, all row-major.
    /// A is stored m×k (lda ≥ k) when <paramref name="transA"/> is No, k×m (lda ≥ m) when Yes;
    /// B is stored k×n (ldb ≥ n) when No, n×k (ldb ≥ k) when Yes; C is m×n with ldc ≥ n.
    /// With β = 0, C's prior contents are ignored (NaNs in it do not propagate).
    /// </summary>
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        _kernel.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Matrix form: C ← α·op(A)·op(B) + β·C with shapes taken from the matrices.</summary>
    public static void Multiply(Matrix a, Transpose transA, Matrix b, Transpose transB, Matrix c, float alpha = 1f, float beta = 0f)
    {
        int m = transA == Transpose.No ? a.Rows : a.Cols;
        int k = transA == Transpose.No ? a.Cols : a.Rows;
        int kb = transB == Transpose.No ? b.Rows : b.Cols;
        int n = transB == Transpose.No ? b.Cols : b.Rows;
        if (k != kb || c.Rows != m || c.Cols != n)
        {
            throw new ArgumentException($"Shape mismatch: op(A) is {m}×{k}, op(B) is {kb}×{n}, C is {c.Rows}×{c.Cols}.");
        }

        Multiply(transA, transB, m, n, k, alpha, a.Data, a.Cols, b.Data, b.Cols, beta, c.Data, c.Cols);
    }
}
