namespace DeepNet.Numerics.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmGlobalStateCollection
{
    public const string Name = "Gemm global backend";
}

[Collection(GemmGlobalStateCollection.Name)]
public class GemmEntryPointTests
{
    [Fact]
    public void UseSwitchesTheBackendEveryCallRunsOn()
    {
        GemmBackend original = Gemm.Backend;
        try
        {
            Gemm.Use(GemmBackend.Managed);
            Assert.Equal(GemmBackend.Managed, Gemm.Backend);
            AssertMultipliesTwoByTwo();

            if (OpenBlasGemm.TryLoad() is null)
            {
                Assert.Throws<InvalidOperationException>(() => Gemm.Use(GemmBackend.OpenBlas));
                Assert.Equal(GemmBackend.Managed, Gemm.Backend);
                return;
            }

            Gemm.Use(GemmBackend.OpenBlas);
            Assert.Equal(GemmBackend.OpenBlas, Gemm.Backend);
            AssertMultipliesTwoByTwo();
        }
        finally
        {
            Gemm.Use(original);
        }
    }

    [Fact]
    public void EnvironmentVariableChoosesTheDefaultBackend()
    {
        string? original = Environment.GetEnvironmentVariable(GemmKernels.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(GemmKernels.EnvironmentVariable, "managed");
            Assert.Equal(GemmBackend.Managed, GemmKernels.SelectDefault().Backend);

            Environment.SetEnvironmentVariable(GemmKernels.EnvironmentVariable, "auto");
            GemmBackend expected = OpenBlasGemm.TryLoad() is null ? GemmBackend.Managed : GemmBackend.OpenBlas;
            Assert.Equal(expected, GemmKernels.SelectDefault().Backend);

            Environment.SetEnvironmentVariable(GemmKernels.EnvironmentVariable, "fastest");
            Assert.Throws<InvalidOperationException>(GemmKernels.SelectDefault);
        }
        finally
        {
            Environment.SetEnvironmentVariable(GemmKernels.EnvironmentVariable, original);
        }
    }

    [Fact]
    public void MatrixOverloadTakesShapesFromTheMatrices()
    {
        // W is 3×2, v is 2×2: h = v·Wᵀ is 2×3.
        var v = new Matrix(2, 2, [1, 2, 3, 4]);
        var w = new Matrix(3, 2, [1, 0, 0, 1, 1, 1]);
        var h = new Matrix(2, 3);
        Gemm.Multiply(v, Transpose.No, w, Transpose.Yes, h);
        Assert.Equal([1f, 2f, 3f, 3f, 4f, 7f], h.Data);

        // ΔW = hᵀ·v accumulated with α = 0.5, β = 1 into a 3×2 matrix of ones.
        var dw = new Matrix(3, 2, [1, 1, 1, 1, 1, 1]);
        Gemm.Multiply(h, Transpose.Yes, v, Transpose.No, dw, alpha: 0.5f, beta: 1f);
        Assert.Equal([6f, 8f, 8f, 11f, 13f, 18f], dw.Data);
    }

    [Fact]
    public void MatrixOverloadRejectsMismatchedShapes()
    {
        var a = new Matrix(2, 3);
        var b = new Matrix(4, 5);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, Transpose.No, b, Transpose.No, new Matrix(2, 5)));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, Transpose.No, new Matrix(3, 5), Transpose.No, new Matrix(2, 4)));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(a, Transpose.Yes, new Matrix(2, 5), Transpose.No, new Matrix(2, 5)));
    }

    [Theory]
    [InlineData(Transpose.No, Transpose.No)]
    [InlineData(Transpose.Yes, Transpose.Yes)]
    public void SpanOverloadRejectsBadLengthsAndLeadingDimensions(Transpose transA, Transpose transB)
    {
        const int m = 4, n = 5, k = 3;
        var (_, aCols) = GemmReference.StoredShape(transA, m, k);
        var (_, bCols) = GemmReference.StoredShape(transB, k, n);
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];

        void Call(int mm, int nn, int kk, float[] aa, int lda, float[] bb, int ldb, float[] cc, int ldc) =>
            Gemm.Multiply(transA, transB, mm, nn, kk, 1f, aa, lda, bb, ldb, 0f, cc, ldc);

        Call(m, n, k, a, aCols, b, bCols, c, n);
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, k, a, aCols - 1, b, bCols, c, n));
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, k, a, aCols, b, bCols - 1, c, n));
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, k, a, aCols, b, bCols, c, n - 1));
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, k, a[..^1], aCols, b, bCols, c, n));
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, k, a, aCols, b[..^1], bCols, c, n));
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, k, a, aCols, b, bCols, c[..^1], n));
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, k, a, aCols + 1, b, bCols, c, n));
        Assert.ThrowsAny<ArgumentException>(() => Call(-1, n, k, a, aCols, b, bCols, c, n));
        Assert.ThrowsAny<ArgumentException>(() => Call(m, n, -1, a, aCols, b, bCols, c, n));
    }

    [Fact]
    public void EmptyProductsLeaveOrScaleC()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Gemm.Multiply(Transpose.No, Transpose.No, 0, 2, 3, 1f, [], 3, new float[6], 2, 0f, c, 2);
        Assert.Equal([1f, 2f, 3f, 4f], c);

        // k = 0: op(A)·op(B) is the zero matrix, so C ← β·C.
        Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 0, 1f, [], 1, [], 2, 2f, c, 2);
        Assert.Equal([2f, 4f, 6f, 8f], c);

        c[0] = float.NaN;
        Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 0, 1f, [], 1, [], 2, 0f, c, 2);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    private static void AssertMultipliesTwoByTwo()
    {
        float[] c = [float.NaN, float.NaN, float.NaN, float.NaN];
        Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 2, 1f, [1, 2, 3, 4], 2, [5, 6, 7, 8], 2, 0f, c, 2);
        Assert.Equal([19f, 22f, 43f, 50f], c);
    }
}
