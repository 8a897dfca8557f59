using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests;

public class RbmMetricsTests
{
    [Fact]
    public void BernoulliFreeEnergyIsMinusLogSumOverHiddenStatesOfExpMinusEnergy()
    {
        Rbm rbm = RandomRbm(5, 4, 1.0f, seed: 3);
        Matrix data = RandomBinary(7, 5, seed: 4);

        double[] energies = RbmMetrics.FreeEnergies(rbm, data);

        for (int r = 0; r < data.Rows; r++)
        {
            Assert.Equal(BruteForceFreeEnergy(rbm, data.Row(r)), energies[r], 5);  // W·x is a float32 GEMM
        }

        Assert.Equal(energies.Average(), RbmMetrics.MeanFreeEnergy(rbm, data), 10);
    }

    [Fact]
    public void GaussianFreeEnergyIsMinusLogSumOverHiddenStatesOfExpMinusEnergy()
    {
        Rbm bernoulli = RandomRbm(4, 3, 0.8f, seed: 5);
        var rbm = new Rbm(bernoulli.Weights, bernoulli.VisibleBias, bernoulli.HiddenBias, VisibleUnitType.Gaussian, sigma: 0.7f);
        var rng = new Xoshiro256StarStar(6);
        var data = new Matrix(6, 4);
        for (int i = 0; i < data.Length; i++)
        {
            data.Data[i] = rng.NextGaussian();
        }

        double[] energies = RbmMetrics.FreeEnergies(rbm, data);

        for (int r = 0; r < data.Rows; r++)
        {
            Assert.Equal(BruteForceFreeEnergy(rbm, data.Row(r)), energies[r], 5);
        }
    }

    [Fact]
    public void FreeEnergiesAreTheSameWhenTheDataSpansSeveralChunks()
    {
        Rbm rbm = RandomRbm(6, 5, 0.5f, seed: 7);
        Matrix data = RandomBinary(RbmMetrics.ChunkRows * 2 + 17, 6, seed: 8);

        double[] energies = RbmMetrics.FreeEnergies(rbm, data);

        foreach (int r in new[] { 0, RbmMetrics.ChunkRows - 1, RbmMetrics.ChunkRows, data.Rows - 1 })
        {
            Assert.Equal(BruteForceFreeEnergy(rbm, data.Row(r)), energies[r], 5);
        }
    }

    [Fact]
    public void PseudoLogLikelihoodMatchesAHandComputationWithFixedFlipIndices()
    {
        // V = 3, H = 2; row 0 = (1, 0, 1) flips unit 1, row 1 = (0, 0.25, 1) flips unit 0 (grey levels flip to 1 − x, as in scikit-learn).
        var rbm = new Rbm(new Matrix(2, 3, [0.5f, -1f, 0.25f, 2f, 0f, -0.5f]), [0.1f, -0.2f, 0.3f], [-0.4f, 0.6f]);
        var data = new Matrix(2, 3, [1f, 0f, 1f, 0f, 0.25f, 1f]);

        double pll = RbmMetrics.PseudoLogLikelihood(rbm, data, [1, 0]);

        double Row(float[] x, float[] flipped)
        {
            double difference = BruteForceFreeEnergy(rbm, flipped) - BruteForceFreeEnergy(rbm, x);
            return 3 * Math.Log(1 / (1 + Math.Exp(-difference)));
        }

        double expected = (Row([1f, 0f, 1f], [1f, 1f, 1f]) + Row([0f, 0.25f, 1f], [1f, 0.25f, 1f])) / 2;
        Assert.Equal(expected, pll, 5);
    }

    [Fact]
    public void PseudoLogLikelihoodDrawsOneFlipIndexPerRowFromTheGenerator()
    {
        Rbm rbm = RandomRbm(8, 4, 1f, seed: 9);
        Matrix data = RandomBinary(20, 8, seed: 10);
        var indices = new int[20];
        var draw = new Xoshiro256StarStar(11);
        for (int r = 0; r < indices.Length; r++)
        {
            indices[r] = draw.NextInt(8);
        }

        double fromGenerator = RbmMetrics.PseudoLogLikelihood(rbm, data, new Xoshiro256StarStar(11));

        Assert.Equal(RbmMetrics.PseudoLogLikelihood(rbm, data, indices), fromGenerator, 12);
        Assert.True(fromGenerator < 0);
    }

    [Fact]
    public void PseudoLogLikelihoodRefusesGaussianVisibleUnits()
    {
        var rbm = new Rbm(3, 2, VisibleUnitType.Gaussian);

        var error = Assert.Throws<ArgumentException>(() => RbmMetrics.PseudoLogLikelihood(rbm, new Matrix(1, 3), new Xoshiro256StarStar(1)));
        Assert.Contains("Bernoulli", error.Message);
    }

    [Fact]
    public void ReconstructionErrorsMatchAHandComputation()
    {
        // One hidden unit, two visible units: h = sigm(0.5 + 1·x0 − 1·x1), p = sigm(b + Wᵀh).
        var rbm = new Rbm(new Matrix(1, 2, [1f, -1f]), [0.2f, -0.3f], [0.5f]);
        var data = new Matrix(2, 2, [1f, 0f, 0f, 1f]);

        (double squared, double crossEntropy) = RbmMetrics.ReconstructionErrors(rbm, data);

        static double Sigm(double a) => 1 / (1 + Math.Exp(-a));
        double expectedSquared = 0, expectedCrossEntropy = 0;
        foreach ((double x0, double x1) in new[] { (1.0, 0.0), (0.0, 1.0) })
        {
            double h = Sigm(0.5 + x0 - x1);
            double p0 = Sigm(0.2 + h), p1 = Sigm(-0.3 - h);
            expectedSquared += (x0 - p0) * (x0 - p0) + (x1 - p1) * (x1 - p1);
            expectedCrossEntropy -= x0 * Math.Log(p0) + (1 - x0) * Math.Log(1 - p0) + x1 * Math.Log(p1) + (1 - x1) * Math.Log(1 - p1);
        }

        Assert.Equal(expectedSquared / 2, squared, 6);
        Assert.Equal(expectedCrossEntropy / 2, crossEntropy, 6);
    }

    [Fact]
    public void CrossEntropyClampsCertainWrongReconstructionsAndIsNaNForGaussianUnits()
    {
        // p = sigm(−100) ≈ 0 where x = 1: clamped to 1e-7, so the term is −log(1e-7).
        var rbm = new Rbm(new Matrix(1, 1, [0f]), [-100f], [0f]);
        (double squared, double crossEntropy) = RbmMetrics.ReconstructionErrors(rbm, new Matrix(1, 1, [1f]));
        Assert.Equal(1.0, squared, 6);
        Assert.Equal(-Math.Log(1e-7), crossEntropy, 6);

        var gaussian = new Rbm(new Matrix(1, 1, [0.5f]), [0.25f], [0f], VisibleUnitType.Gaussian, sigma: 2f);
        (double gaussianSquared, double gaussianCrossEntropy) = RbmMetrics.ReconstructionErrors(gaussian, new Matrix(1, 1, [1f]));
        double mean = 0.25 + 2 * 0.5 * (1 / (1 + Math.Exp(-0.5 * 1 / 2)));
        Assert.Equal((1 - mean) * (1 - mean), gaussianSquared, 6);
        Assert.True(double.IsNaN(gaussianCrossEntropy));
    }

    [Fact]
    public void HiddenHealthCountsDeadAndSaturatedUnits()
    {
        // Zero weights: unit activations are sigm(c) for every input.
        var rbm = new Rbm(new Matrix(4, 3), new float[3], [-20f, 20f, 0f, -3f]);
        Matrix data = RandomBinary(10, 3, seed: 12);

        HiddenUnitHealth health = RbmMetrics.HiddenHealth(rbm, data);

        Assert.Equal(1, health.Dead);
        Assert.Equal(1, health.Saturated);
        Assert.Equal(4, health.MeanActivation.Length);
        Assert.Equal(0.5f, health.MeanActivation[2], 5);
        Assert.Equal((float)(1 / (1 + Math.Exp(3))), health.MeanActivation[3], 5);
    }

    [Fact]
    public void HistogramCountsValuesInEqualWidthBinsWithTheMaximumInTheLastBin()
    {
        float[] values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, float.NaN];

        Histogram histogram = RbmMetrics.Histogram(values, bins: 5);

        Assert.Equal(0, histogram.Min);
        Assert.Equal(10, histogram.Max);
        Assert.Equal([2, 2, 2, 2, 3], histogram.Counts);
    }

    [Fact]
    public void HistogramOfEqualValuesPutsThemInTheFirstBinAndAnEmptyHistogramCountsNothing()
    {
        Histogram equal = RbmMetrics.Histogram([1.5f, 1.5f, 1.5f], bins: 4);
        Assert.Equal((1.5, 1.5), (equal.Min, equal.Max));
        Assert.Equal([3, 0, 0, 0], equal.Counts);

        Histogram empty = RbmMetrics.Histogram([], bins: 30);
        Assert.Equal(30, empty.Counts.Length);
        Assert.All(empty.Counts, c => Assert.Equal(0, c));
    }

    [Fact]
    public void MonitorReportsAreDeterministicForTheSameSeedAndModel()
    {
        Rbm rbm = RandomRbm(16, 8, 0.5f, seed: 13);
        Matrix train = RandomBinary(1500, 16, seed: 14);
        Matrix heldOut = RandomBinary(300, 16, seed: 15);

        var first = new RbmMonitor(train, heldOut, seed: 42);
        var second = new RbmMonitor(train, heldOut, seed: 42);
        RbmEpochReport a = first.Report(3, rbm);
        RbmEpochReport b = second.Report(3, rbm);
        RbmEpochReport again = first.Report(3, rbm);

        Assert.Equal(RbmMonitor.MaxSampleRows, first.TrainSample.Rows);
        Assert.Equal(300, first.HeldOutSample.Rows);
        Assert.Equal(first.TrainSample.Data, second.TrainSample.Data);
        foreach (RbmEpochReport other in new[] { b, again })
        {
            Assert.Equal(a.Epoch, other.Epoch);
            Assert.Equal(a.SquaredError, other.SquaredError);
            Assert.Equal(a.CrossEntropy, other.CrossEntropy);
            Assert.Equal(a.PseudoLogLikelihood, other.PseudoLogLikelihood);
            Assert.Equal(a.FreeEnergyTrain, other.FreeEnergyTrain);
            Assert.Equal(a.FreeEnergyHeldOut, other.FreeEnergyHeldOut);
            Assert.Equal(a.HiddenMeanActivation, other.HiddenMeanActivation);
            Assert.Equal(a.Weights.Counts, other.Weights.Counts);
        }

        Assert.Equal(RbmMetrics.MeanFreeEnergy(rbm, first.HeldOutSample), a.FreeEnergyHeldOut, 10);
        Assert.Equal(RbmMonitor.HistogramBins, a.VisibleBias.Counts.Length);
        Assert.Equal(16 * 8, a.Weights.Counts.Sum());
        Assert.NotNull(a.PseudoLogLikelihood);
    }

    [Fact]
    public void MonitorOfAGaussianRbmHasNoPseudoLikelihoodAndNoCrossEntropy()
    {
        Rbm bernoulli = RandomRbm(6, 3, 0.5f, seed: 16);
        var rbm = new Rbm(bernoulli.Weights, bernoulli.VisibleBias, bernoulli.HiddenBias, VisibleUnitType.Gaussian);
        var monitor = new RbmMonitor(RandomBinary(20, 6, seed: 17), RandomBinary(10, 6, seed: 18), seed: 1);

        RbmEpochReport report = monitor.Report(1, rbm);

        Assert.Null(report.PseudoLogLikelihood);
        Assert.True(double.IsNaN(report.CrossEntropy));
        Assert.True(double.IsFinite(report.SquaredError));
    }

    internal static Rbm RandomRbm(int visible, int hidden, float weightStd, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var rbm = new Rbm(visible, hidden);
        for (int i = 0; i < rbm.Weights.Length; i++)
        {
            rbm.Weights.Data[i] = weightStd * rng.NextGaussian();
        }

        for (int i = 0; i < visible; i++)
        {
            rbm.VisibleBias[i] = 0.5f * rng.NextGaussian();
        }

        for (int j = 0; j < hidden; j++)
        {
            rbm.HiddenBias[j] = 0.5f * rng.NextGaussian();
        }

        return rbm;
    }

    internal static Matrix RandomBinary(int rows, int cols, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var data = new Matrix(rows, cols);
        for (int i = 0; i < data.Length; i++)
        {
            data.Data[i] = rng.NextFloat() < 0.5f ? 1f : 0f;
        }

        return data;
    }

    /// <summary>The energy E(x, h) of the RBM's joint distribution, from its definition.</summary>
    internal static double Energy(Rbm rbm, ReadOnlySpan<float> x, ReadOnlySpan<float> h)
    {
        double sigma = rbm.Sigma;
        double energy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            energy += rbm.VisibleType == VisibleUnitType.Bernoulli
                ? -rbm.VisibleBias[i] * x[i]
                : (x[i] - rbm.VisibleBias[i]) * (x[i] - rbm.VisibleBias[i]) / (2 * sigma * sigma);
        }

        for (int j = 0; j < h.Length; j++)
        {
            double input = rbm.HiddenBias[j];
            for (int i = 0; i < x.Length; i++)
            {
                input += rbm.Weights[j, i] * x[i] / sigma;
            }

            energy -= h[j] * input;
        }

        return energy;
    }

    /// <summary>−log Σ_h exp(−E(x, h)) over all 2^H hidden states.</summary>
    internal static double BruteForceFreeEnergy(Rbm rbm, ReadOnlySpan<float> x)
    {
        double sum = 0;
        var h = new float[rbm.HiddenUnits];
        for (int state = 0; state < 1 << rbm.HiddenUnits; state++)
        {
            for (int j = 0; j < h.Length; j++)
            {
                h[j] = (state >> j) & 1;
            }

            sum += Math.Exp(-Energy(rbm, x, h));
        }

        return -Math.Log(sum);
    }
}
