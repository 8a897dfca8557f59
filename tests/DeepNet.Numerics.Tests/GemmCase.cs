namespace DeepNet.Numerics.Tests;

/// <summary>
/// Runs one backend on one shape and transpose combination for several α/β/leading-dimension
/// variants and checks every element of C (and that padding between rows is untouched).
/// </summary>
internal static class GemmCase
{
    private static readonly (float Alpha, float Beta, bool NaNInC, int Pad)[] Variants =
    [
        (1f, 0f, true, 3),
        (0.5f, -1.5f, false, 0),
        (-2f, 1f, false, 5),
        (1f, 0f, false, 0),
        (1.25f, 0.75f, false, 1),
        (0f, 0.5f, false, 2),
        (0f, 0f, true, 0),
    ];

    public delegate void GemmCall(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc);

    /// <param name="variants">How many α/β/padding variants to run; large shapes exercise blocking and threading, and need fewer.</param>
    public static void CheckAgainstNaiveLoop(GemmCall gemm, Transpose transA, Transpose transB, int m, int n, int k, int seed, int variants = int.MaxValue)
    {
        var random = new Random(seed);
        variants = Math.Min(variants, (long)m * n * k > 4_000_000 ? 2 : Variants.Length);
        foreach (var (alpha, beta, nanInC, pad) in Variants.AsSpan(0, variants))
        {
            var (aRows, aCols) = GemmReference.StoredShape(transA, m, k);
            var (bRows, bCols) = GemmReference.StoredShape(transB, k, n);
            int lda = Math.Max(1, aCols) + pad, ldb = Math.Max(1, bCols) + pad, ldc = n + pad;
            float[] a = GemmReference.Operand(random, aRows, aCols, lda);
            float[] b = GemmReference.Operand(random, bRows, bCols, ldb);
            float[] c = GemmReference.Operand(random, m, n, ldc, padding: -7f);
            if (nanInC)
            {
                for (int i = 0; i < m; i++)
                {
                    Array.Fill(c, float.NaN, i * ldc, n);
                }
            }

            float[] expected = (float[])c.Clone();
            var scale = new double[c.Length];
            GemmReference.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc, scale);

            gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

            for (int i = 0; i < c.Length; i++)
            {
                int row = i / ldc, col = i % ldc;
                if (col >= n)
                {
                    if (c[i] != -7f)
                    {
                        Assert.Fail($"padding of C at row {row} col {col} was overwritten");
                    }

                    continue;
                }

                double tolerance = 1e-6 * (k + 4) * scale[i] + 1e-30;
                if (!(Math.Abs(c[i] - (double)expected[i]) <= tolerance))
                {
                    Assert.Fail($"C[{row},{col}] = {c[i]}, expected {expected[i]} (±{tolerance:g3}); α={alpha} β={beta} NaN-C={nanInC} pad={pad} {transA}/{transB} {m}×{n}×{k}");
                }
            }
        }
    }
}
