namespace DeepNet.Numerics.Tests;

public class GemmBackendTests
{
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (3, 5, 7), (6, 16, 8), (7, 17, 257), (17, 33, 65), (1, 300, 2), (250, 1, 40),
        (13, 37, 600), (3, 2100, 5), (129, 257, 31), (257, 129, 31), (100, 784, 500),
    ];

    private static readonly Transpose[][] TransposeCombos =
    [
        [Transpose.No, Transpose.No], [Transpose.No, Transpose.Yes], [Transpose.Yes, Transpose.No], [Transpose.Yes, Transpose.Yes],
    ];

    private static readonly Lazy<OpenBlasGemm?> OpenBlas = new(OpenBlasGemm.TryLoad);

    public static TheoryData<int, int, int, Transpose, Transpose> ShapesAndTransposes()
    {
        var data = new TheoryData<int, int, int, Transpose, Transpose>();
        foreach (var (m, n, k) in Shapes)
        {
            foreach (Transpose[] t in TransposeCombos)
            {
                data.Add(m, n, k, t[0], t[1]);
            }
        }

        return data;
    }

    public static TheoryData<string, Transpose, Transpose> IsasAndTransposes()
    {
        var data = new TheoryData<string, Transpose, Transpose>();
        foreach (ManagedGemmIsa isa in Enum.GetValues<ManagedGemmIsa>())
        {
            foreach (Transpose[] t in TransposeCombos)
            {
                data.Add(isa.ToString(), t[0], t[1]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void ManagedGemmMatchesNaiveLoop(int m, int n, int k, Transpose transA, Transpose transB)
    {
        var gemm = new ManagedGemm();
        GemmCase.CheckAgainstNaiveLoop(Call(gemm), transA, transB, m, n, k, seed: m * 31 + n * 7 + k);
    }

    [Theory]
    [MemberData(nameof(IsasAndTransposes))]
    public void EveryManagedInstructionSetMatchesNaiveLoop(string instructionSet, Transpose transA, Transpose transB)
    {
        var isa = Enum.Parse<ManagedGemmIsa>(instructionSet);
        var gemm = new ManagedGemm(isa);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 5, 7), (17, 33, 65), (9, 70, 300), (129, 257, 31) })
        {
            GemmCase.CheckAgainstNaiveLoop(Call(gemm), transA, transB, m, n, k, seed: (int)isa * 1000 + m);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void ManagedGemmSplitsWorkAcrossAnyThreadCount(int threads)
    {
        var gemm = new ManagedGemm { MaxThreads = threads };
        foreach (Transpose[] t in TransposeCombos)
        {
            GemmCase.CheckAgainstNaiveLoop(Call(gemm), t[0], t[1], 131, 97, 300, seed: threads, variants: 2);
            GemmCase.CheckAgainstNaiveLoop(Call(gemm), t[0], t[1], 97, 131, 300, seed: threads + 1, variants: 2);
        }
    }

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void OpenBlasGemmMatchesNaiveLoop(int m, int n, int k, Transpose transA, Transpose transB)
    {
        if (OpenBlas.Value is not { } openBlas)
        {
            // libopenblas.so.0 is not installed here (CI installs it); nothing to compare.
            return;
        }

        GemmCase.CheckAgainstNaiveLoop(Call(openBlas), transA, transB, m, n, k, seed: m * 31 + n * 7 + k);
    }

    [Fact]
    public void ManagedAndOpenBlasAgreeOnRandomShapes()
    {
        var random = new Random(2024);
        var managed = new ManagedGemm();
        for (int trial = 0; trial < 40; trial++)
        {
            int m = random.Next(1, 150), n = random.Next(1, 150), k = random.Next(1, 400);
            Transpose transA = (Transpose)random.Next(2), transB = (Transpose)random.Next(2);
            var (aRows, aCols) = GemmReference.StoredShape(transA, m, k);
            var (bRows, bCols) = GemmReference.StoredShape(transB, k, n);
            int lda = aCols + random.Next(3), ldb = bCols + random.Next(3), ldc = n + random.Next(3);
            float[] a = GemmReference.Operand(random, aRows, aCols, lda);
            float[] b = GemmReference.Operand(random, bRows, bCols, ldb);
            float[] c = GemmReference.Operand(random, m, n, ldc, padding: 0f);
            float alpha = (float)(random.NextDouble() * 4 - 2), beta = trial % 3 == 0 ? 0f : (float)random.NextDouble();

            float[] fromManaged = (float[])c.Clone();
            managed.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, fromManaged, ldc);
            float[] expected = (float[])c.Clone();
            var scale = new double[c.Length];
            GemmReference.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc, scale);
            AssertClose(expected, fromManaged, scale, k);

            if (OpenBlas.Value is not { } openBlas)
            {
                // Without OpenBLAS only the managed side is checked (against the naive loop above).
                continue;
            }

            float[] fromOpenBlas = (float[])c.Clone();
            openBlas.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, fromOpenBlas, ldc);
            AssertClose(fromOpenBlas, fromManaged, scale, k);
        }
    }

    [Fact]
    public void ManagedGemmUsesTheProcessWideVectorWidth()
    {
        ManagedGemmIsa isa = new ManagedGemm().Isa;
        Assert.Equal(ManagedGemm.IsaFor(Simd.Width), isa);
        if (Environment.GetEnvironmentVariable(Simd.EnvironmentVariable) is null or "")
        {
            Assert.Equal(ManagedGemm.IsaFor(Simd.Widest), isa);
        }
    }

    private static void AssertClose(float[] expected, float[] actual, double[] scale, int k)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 2e-6 * (k + 4) * scale[i] + 1e-30;
            if (!(Math.Abs(expected[i] - (double)actual[i]) <= tolerance))
            {
                Assert.Fail($"element {i}: {actual[i]} vs {expected[i]}");
            }
        }
    }

    private static GemmCase.GemmCall Call(IGemmKernel kernel) =>
        (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => kernel.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
