using DeepNet.Numerics;

namespace DeepNet.Data.Tests;

public class PatchStandardizerTests
{
    private static readonly Lazy<Matrix> _catPatches = new(() => Patches.Sample(BuiltInImages.Load("chelsea"), 10, 5000, new Xoshiro256StarStar(11)));

    private static Matrix CatPatches => _catPatches.Value;

    private static float MaxAbsDifference(Matrix a, Matrix b)
    {
        float worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a.Data[i] - b.Data[i]));
        }

        return worst;
    }

    private static double[] ColumnMeans(Matrix m)
    {
        var means = new double[m.Cols];
        for (int r = 0; r < m.Rows; r++)
        {
            for (int c = 0; c < m.Cols; c++)
            {
                means[c] += m[r, c] / (double)m.Rows;
            }
        }

        return means;
    }

    private static double Covariance(Matrix m, double[] means, int i, int j)
    {
        double sum = 0;
        for (int r = 0; r < m.Rows; r++)
        {
            sum += (m[r, i] - means[i]) * (m[r, j] - means[j]);
        }

        return sum / m.Rows;
    }

    [Theory]
    [InlineData(StandardizationMode.PerPixel, false)]
    [InlineData(StandardizationMode.PerPixel, true)]
    [InlineData(StandardizationMode.PerPatch, false)]
    [InlineData(StandardizationMode.PerPatch, true)]
    public void InverseTransformGivesBackTheCatPatches(StandardizationMode mode, bool zca)
    {
        Matrix patches = CatPatches;
        Matrix original = patches.Clone();
        PatchStandardizer standardizer = PatchStandardizer.Fit(patches, mode, zca);

        Matrix standardized = standardizer.Transform(patches, out PatchStatistics? perPatch);
        Matrix back = standardizer.InverseTransform(standardized, perPatch);

        Assert.Equal(original.Data, patches.Data);
        Assert.Equal(mode == StandardizationMode.PerPatch, perPatch is not null);
        Assert.True(MaxAbsDifference(back, patches) < 1e-4f, $"max difference {MaxAbsDifference(back, patches)}");
        Assert.True(MaxAbsDifference(standardized, patches) > 0.5f);
    }

    [Fact]
    public void PerPixelGivesEveryPixelZeroMeanAndUnitVariance()
    {
        PatchStandardizer standardizer = PatchStandardizer.Fit(CatPatches, StandardizationMode.PerPixel, zca: false);

        Matrix z = standardizer.Transform(CatPatches, out _);

        double[] means = ColumnMeans(z);
        for (int i = 0; i < z.Cols; i++)
        {
            Assert.InRange(means[i], -1e-3, 1e-3);
            Assert.InRange(Covariance(z, means, i, i), 0.99, 1.001);
        }
    }

    [Fact]
    public void PerPatchGivesEveryPatchZeroMeanAndAtMostUnitVariance()
    {
        PatchStandardizer standardizer = PatchStandardizer.Fit(CatPatches, StandardizationMode.PerPatch, zca: false);

        Matrix z = standardizer.Transform(CatPatches, out PatchStatistics? stats);

        Assert.NotNull(stats);
        Assert.Equal(CatPatches.Rows, stats.Count);
        Assert.All(standardizer.Parameters.Std, s => Assert.Equal(1f, s));
        for (int r = 0; r < 50; r++)
        {
            Span<float> row = CatPatches.Row(r);
            float mean = row.ToArray().Average();
            Assert.Equal(mean, stats.Mean[r], 4);
            double variance = row.ToArray().Select(v => (v - mean) * (double)(v - mean)).Average();
            Assert.Equal(Math.Sqrt(variance + PatchStandardizer.VarianceEpsilon), stats.Std[r], 4);
        }
    }

    [Fact]
    public void ZcaDecorrelatesThePixels()
    {
        PatchStandardizer standardizer = PatchStandardizer.Fit(CatPatches, StandardizationMode.PerPixel, zca: true, zcaEpsilon: 0.01f);

        Matrix w = standardizer.Transform(CatPatches, out _);

        // Whitened covariance = U·diag(λ/(λ+ε))·Uᵀ: near the identity, and neighbouring pixels (strongly correlated before) are not.
        double[] means = ColumnMeans(w);
        PatchStandardizer plain = PatchStandardizer.Fit(CatPatches, StandardizationMode.PerPixel, zca: false);
        Matrix z = plain.Transform(CatPatches, out _);
        double[] zMeans = ColumnMeans(z);
        Assert.True(Covariance(z, zMeans, 44, 45) > 0.8);
        Assert.InRange(Covariance(w, means, 44, 45), -0.2, 0.2);
        Assert.InRange(Covariance(w, means, 44, 44), 0.5, 1.0);
    }

    [Fact]
    public void ZcaMatrixTimesItsInverseIsTheIdentity()
    {
        PatchStandardizer standardizer = PatchStandardizer.Fit(CatPatches, StandardizationMode.PerPatch, zca: true);
        int d = standardizer.Features;
        var product = new Matrix(d, d);

        Gemm.Multiply(new Matrix(d, d, standardizer.Parameters.Zca!), Transpose.No, new Matrix(d, d, standardizer.Parameters.ZcaInverse!), Transpose.No, product);

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                Assert.Equal(i == j ? 1f : 0f, product[i, j], 3);
            }
        }
    }

    [Fact]
    public void ParametersSurviveAJsonRoundTrip()
    {
        PatchStandardizer standardizer = PatchStandardizer.Fit(CatPatches, StandardizationMode.PerPatch, zca: true);

        string json = standardizer.ToJson();
        PatchStandardizer restored = PatchStandardizer.FromJson(json);

        Assert.Contains("\"mode\":\"PerPatch\"", json);
        Assert.Equal(standardizer.Parameters.Zca, restored.Parameters.Zca);
        Matrix a = standardizer.Transform(CatPatches, out _);
        Matrix b = restored.Transform(CatPatches, out _);
        Assert.Equal(a.Data, b.Data);
    }

    [Fact]
    public void FromParametersRejectsInconsistentParameters()
    {
        Assert.Throws<ArgumentException>(() => PatchStandardizer.FromParameters(
            new PatchStandardizerParameters(StandardizationMode.PerPixel, 4, new float[4], [1, 1, 1], null, null, 0f)));
        Assert.Throws<ArgumentException>(() => PatchStandardizer.FromParameters(
            new PatchStandardizerParameters(StandardizationMode.PerPixel, 2, new float[2], [1, 0], null, null, 0f)));
        Assert.Throws<ArgumentException>(() => PatchStandardizer.FromParameters(
            new PatchStandardizerParameters(StandardizationMode.PerPixel, 2, new float[2], [1, 1], new float[4], null, 0.1f)));
        Assert.Throws<ArgumentException>(() => PatchStandardizer.FromJson("{not json"));
    }

    [Fact]
    public void InverseTransformInPerPatchModeNeedsTheMatchingStatistics()
    {
        PatchStandardizer standardizer = PatchStandardizer.Fit(CatPatches, StandardizationMode.PerPatch, zca: false);
        Matrix z = standardizer.Transform(CatPatches, out PatchStatistics? stats);

        Assert.Throws<ArgumentNullException>(() => standardizer.InverseTransform(z, null));
        Assert.Throws<ArgumentException>(() => standardizer.InverseTransform(z, new PatchStatistics([0f], [1f])));
        Assert.Throws<ArgumentException>(() => standardizer.Transform(new Matrix(2, 99), out _));
    }

    [Fact]
    public void FitRejectsTooFewPatchesAndTooLargePatchesForZca()
    {
        Assert.Throws<ArgumentException>(() => PatchStandardizer.Fit(new Matrix(1, 4), StandardizationMode.PerPixel, false));
        Assert.Throws<ArgumentException>(() => PatchStandardizer.Fit(new Matrix(3, 401), StandardizationMode.PerPixel, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => PatchStandardizer.Fit(new Matrix(3, 4), StandardizationMode.PerPixel, true, 0f));
    }

    [Fact]
    public void JacobiDecomposesASymmetricMatrix()
    {
        const int n = 6;
        var rng = new Xoshiro256StarStar(5);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                a[i * n + j] = a[j * n + i] = rng.NextDouble() * 2 - 1;
            }
        }

        double[] original = (double[])a.Clone();
        var values = new double[n];
        var vectors = new double[n * n];
        SymmetricEigen.Decompose(a, n, values, vectors);

        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++)
                {
                    av += original[i * n + j] * vectors[j * n + k];
                }

                Assert.Equal(values[k] * vectors[i * n + k], av, 10);
            }
        }

        // Known spectrum: [[2,1],[1,2]] has eigenvalues 1 and 3.
        double[] small = [2, 1, 1, 2];
        var smallValues = new double[2];
        SymmetricEigen.Decompose(small, 2, smallValues, new double[4]);
        Assert.Equal([1.0, 3.0], smallValues.Order().Select(v => Math.Round(v, 12)));
    }
}
