namespace DeepNet.Numerics;

/// <summary>A GEMM backend. Arguments arrive validated (see <see cref="Gemm.Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>).</summary>
internal interface IGemmKernel
{
    GemmBackend Backend { get; }

    void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);
}
