using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests;

public class AnnealedImportanceSamplingTests
{
    [Fact]
    public void ExactLogZMatchesBruteForceOverVisibleAndHiddenStatesOfAFourByThreeRbm()
    {
        Rbm rbm = RbmMetricsTests.RandomRbm(4, 3, 1.0f, seed: 21);

        Assert.Equal(BruteForceLogZ(rbm), ExactPartition.LogZ(rbm), 10);
    }

    [Fact]
    public void ExactLogZEnumeratesTheVisibleLayerWhenItIsTheSmallerOne()
    {
        Rbm rbm = RbmMetricsTests.RandomRbm(3, 6, 1.5f, seed: 22);

        Assert.Equal(BruteForceLogZ(rbm), ExactPartition.LogZ(rbm), 10);
    }

    [Fact]
    public void ExactLogProbabilitiesOfAllVisibleStatesSumToOne()
    {
        Rbm rbm = RbmMetricsTests.RandomRbm(6, 4, 1.0f, seed: 23);
        var states = new Matrix(64, 6);
        for (int s = 0; s < 64; s++)
        {
            for (int i = 0; i < 6; i++)
            {
                states[s, i] = (s >> i) & 1;
            }
        }

        double logZ = ExactPartition.LogZ(rbm);
        double total = RbmMetrics.FreeEnergies(rbm, states).Sum(f => Math.Exp(-f - logZ));

        Assert.Equal(1.0, total, 6);  // free energies use a float32 GEMM; log Z is exact in double
        Assert.Equal(-RbmMetrics.MeanFreeEnergy(rbm, states) - logZ, RbmLikelihood.AverageLogProbability(rbm, states, logZ), 12);
    }

    [Theory]
    [InlineData(10, 0.5f, 31UL)]
    [InlineData(16, 1.0f, 32UL)]
    [InlineData(20, 1.0f, 33UL)]
    public void AisEstimateOfLogZIsWithinItsErrorBarAndATenthOfANatOfTheExactValue(int hidden, float weightStd, ulong seed)
    {
        Rbm rbm = RbmMetricsTests.RandomRbm(20, hidden, weightStd, seed);
        double exact = ExactPartition.LogZ(rbm);
        Matrix data = SampleFromModel(rbm, 500, seed);
        float[] baseBias = AnnealedImportanceSampling.BaseRateBiases(data);

        AisResult result = AnnealedImportanceSampling.EstimateLogPartition(rbm, new AisOptions(Runs: 100, Intermediate: 2000, Seed: 7), baseBias, CancellationToken.None);

        Assert.InRange(exact, result.LogZLow, result.LogZHigh);
        Assert.InRange(result.LogZ, exact - 0.1, exact + 0.1);
        Assert.True(result.LogZLow <= result.LogZ && result.LogZ <= result.LogZHigh);
        Assert.Equal((100, 2000), (result.Runs, result.Intermediate));
    }

    [Fact]
    public void AisFromAUniformBaseModelIsStillCloseToTheExactValue()
    {
        Rbm rbm = RbmMetricsTests.RandomRbm(20, 12, 0.7f, seed: 34);
        double exact = ExactPartition.LogZ(rbm);

        AisResult result = AnnealedImportanceSampling.EstimateLogPartition(rbm, new AisOptions(100, 2000, 3), new float[20], CancellationToken.None);

        Assert.InRange(result.LogZ, exact - 0.2, exact + 0.2);
        Assert.Equal(12 * Math.Log(2) + 20 * Math.Log(2), result.LogZBase, 10);
    }

    [Fact]
    public void AisIsExactWhenTheModelIsTheBaseModel()
    {
        // Zero weights and hidden biases: every importance weight is 1, so log Z_B = log Z_A with no spread.
        var rbm = new Rbm(new Matrix(5, 8), [0.3f, -1f, 2f, 0f, 0f, 0.5f, -0.5f, 1f], new float[5]);

        AisResult result = AnnealedImportanceSampling.EstimateLogPartition(rbm, new AisOptions(10, 50, 1), rbm.VisibleBias, CancellationToken.None);

        Assert.Equal(ExactPartition.LogZ(rbm), result.LogZ, 9);
        Assert.Equal(result.LogZ, result.LogZHigh, 9);
    }

    [Fact]
    public void AisIsDeterministicForAGivenSeed()
    {
        Rbm rbm = RbmMetricsTests.RandomRbm(12, 6, 1f, seed: 35);
        var options = new AisOptions(20, 300, 9);

        AisResult a = AnnealedImportanceSampling.EstimateLogPartition(rbm, options, new float[12], CancellationToken.None);
        AisResult b = AnnealedImportanceSampling.EstimateLogPartition(rbm, options, new float[12], CancellationToken.None);
        AisResult other = AnnealedImportanceSampling.EstimateLogPartition(rbm, options with { Seed = 10 }, new float[12], CancellationToken.None);

        Assert.Equal((a.LogZ, a.LogZLow, a.LogZHigh), (b.LogZ, b.LogZLow, b.LogZHigh));
        Assert.NotEqual(a.LogZ, other.LogZ);
    }

    [Fact]
    public void AisStopsWhenCancelled()
    {
        Rbm rbm = RbmMetricsTests.RandomRbm(12, 6, 1f, seed: 36);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            AnnealedImportanceSampling.EstimateLogPartition(rbm, new AisOptions(10, 1000, 1), new float[12], cancellation.Token));
    }

    [Fact]
    public void AisRefusesGaussianVisibleUnitsAndMismatchedBaseBiases()
    {
        var gaussian = new Rbm(4, 2, VisibleUnitType.Gaussian);
        var error = Assert.Throws<ArgumentException>(() =>
            AnnealedImportanceSampling.EstimateLogPartition(gaussian, new AisOptions(), new float[4], CancellationToken.None));
        Assert.Contains("AIS is available for Bernoulli visible units", error.Message);

        Assert.Throws<ArgumentException>(() =>
            AnnealedImportanceSampling.EstimateLogPartition(new Rbm(4, 2), new AisOptions(), new float[3], CancellationToken.None));
        Assert.Throws<ArgumentException>(() => ExactPartition.LogZ(new Rbm(21, 21)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(14_500)]
    public void BetaScheduleRisesFromZeroToOneInThreeSegments(int intermediate)
    {
        double[] betas = AnnealedImportanceSampling.Betas(intermediate);

        Assert.Equal(intermediate + 1, betas.Length);
        Assert.Equal(0.0, betas[0]);
        Assert.Equal(1.0, betas[^1]);
        for (int k = 1; k < betas.Length; k++)
        {
            Assert.True(betas[k] > betas[k - 1], $"β_{k} = {betas[k]} does not exceed β_{k - 1} = {betas[k - 1]}");
        }

        if (intermediate == 14_500)
        {
            Assert.Equal(0.5, betas[500], 12);
            Assert.Equal(0.9, betas[4_500], 12);
            Assert.Equal(1e-5, betas[^1] - betas[^2], 12);
        }
    }

    [Fact]
    public void BaseRateBiasesAreTheLogOddsOfThePixelMeansWithOnePseudoCountEachSide()
    {
        var data = new Matrix(4, 2, [1f, 0f, 1f, 0f, 0f, 0f, 1f, 1f]);

        float[] biases = AnnealedImportanceSampling.BaseRateBiases(data);

        Assert.Equal((float)Math.Log(4.0 / 2.0), biases[0], 5);  // p = (3 + 1)/6
        Assert.Equal((float)Math.Log(2.0 / 4.0), biases[1], 5);  // p = (1 + 1)/6
    }

    /// <summary>log Σ_x Σ_h exp(−E(x, h)) over every joint state.</summary>
    private static double BruteForceLogZ(Rbm rbm)
    {
        int visible = rbm.VisibleUnits, hidden = rbm.HiddenUnits;
        var x = new float[visible];
        var h = new float[hidden];
        double sum = 0;
        for (int vs = 0; vs < 1 << visible; vs++)
        {
            for (int i = 0; i < visible; i++)
            {
                x[i] = (vs >> i) & 1;
            }

            for (int hs = 0; hs < 1 << hidden; hs++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    h[j] = (hs >> j) & 1;
                }

                sum += Math.Exp(-RbmMetricsTests.Energy(rbm, x, h));
            }
        }

        return Math.Log(sum);
    }

    /// <summary>Rows drawn by a long Gibbs chain per row, standing in for the training data whose base rates AIS uses.</summary>
    private static Matrix SampleFromModel(Rbm rbm, int rows, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var visible = new float[rows * rbm.VisibleUnits];
        var hidden = new float[rows * rbm.HiddenUnits];
        rng.FillUniform(visible);
        rng.SampleBernoulli(visible, visible);
        for (int step = 0; step < 200; step++)
        {
            rbm.HiddenProbabilities(visible, rows, hidden);
            rng.SampleBernoulli(hidden, hidden);
            rbm.VisibleProbabilities(hidden, rows, visible);
            rng.SampleBernoulli(visible, visible);
        }

        return new Matrix(rows, rbm.VisibleUnits, visible);
    }
}
