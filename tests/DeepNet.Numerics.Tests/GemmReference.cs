using System.Numerics.Tensors;

namespace DeepNet.Numerics.Tests;

/// <summary>Naive triple loop in double precision plus the operand layouts the GEMM tests share.</summary>
internal static class GemmReference
{
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc, double[] errorScale)
    {
        // op(A) row by row and op(B) column by column, so the inner loop runs over contiguous memory.
        var opA = new double[m * k];
        var opBt = new double[n * k];
        var absA = new double[m * k];
        var absBt = new double[n * k];
        for (int p = 0; p < k; p++)
        {
            for (int i = 0; i < m; i++)
            {
                opA[i * k + p] = transA == Transpose.No ? a[i * lda + p] : a[p * lda + i];
            }

            for (int j = 0; j < n; j++)
            {
                opBt[j * k + p] = transB == Transpose.No ? b[p * ldb + j] : b[j * ldb + p];
            }
        }

        TensorPrimitives.Abs(opA, absA);
        TensorPrimitives.Abs(opBt, absBt);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = TensorPrimitives.Dot<double>(opA.AsSpan(i * k, k), opBt.AsSpan(j * k, k));
                double magnitude = TensorPrimitives.Dot<double>(absA.AsSpan(i * k, k), absBt.AsSpan(j * k, k));

                double prior = beta == 0f ? 0 : beta * (double)c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum + prior);
                errorScale[i * ldc + j] = Math.Abs(alpha) * magnitude + Math.Abs(prior);
            }
        }
    }

    /// <summary>A row-major rows×cols operand with leading dimension ld; padding holds a sentinel.</summary>
    public static float[] Operand(Random random, int rows, int cols, int ld, float padding = 1e30f)
    {
        var data = new float[Math.Max(0, (rows - 1) * ld + cols)];
        Array.Fill(data, padding);
        for (int r = 0; r < rows; r++)
        {
            for (int col = 0; col < cols; col++)
            {
                data[r * ld + col] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        return data;
    }

    public static (int Rows, int Cols) StoredShape(Transpose trans, int rows, int cols) =>
        trans == Transpose.No ? (rows, cols) : (cols, rows);
}
