using System.Numerics.Tensors;

namespace DeepNet.Numerics;

/// <summary>Managed GEMM fallback used when OpenBLAS is absent.</summary>
internal sealed class ManagedGemm : IGemmKernel
{
    public GemmBackend Backend => GemmBackend.Managed;

    public void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> cRow = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                cRow.Clear();
            }
            else if (beta != 1f)
            {
                TensorPrimitives.Multiply(cRow, beta, cRow);
            }

            for (int p = 0; p < k; p++)
            {
                float aip = alpha * (transA == Transpose.No ? a[i * lda + p] : a[p * lda + i]);
                if (transB == Transpose.No)
                {
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), aip, cRow, cRow);
                }
                else
                {
                    for (int j = 0; j < n; j++)
                    {
                        cRow[j] += aip * b[j * ldb + p];
                    }
                }
            }
        }
    }
}
