using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests;

/// <summary>
/// CD updates for Gaussian visible units, persistent chains, momentum, weight decay and sparsity, checked against
/// replays of the random draws and against the Gaussian–Bernoulli energy
/// E(x,h) = Σᵢ(xᵢ − bᵢ)²/(2σ²) − cᵀh − Σᵢⱼ hⱼWⱼᵢxᵢ/σ differentiated numerically.
/// </summary>
public class ContrastiveDivergenceOptionsTests
{
    private const float Sigma = 0.7f;

    private static Rbm TinyRbm(VisibleUnitType type = VisibleUnitType.Bernoulli, float sigma = 1f) => new(
        new Matrix(2, 3, [0.1f, -0.2f, 0.3f, -0.4f, 0.5f, 0.0f]),
        [0.1f, 0.0f, -0.1f],
        [0.2f, -0.1f],
        type,
        sigma);

    [Fact]
    public void TheGaussianConditionalsAreThoseOfTheGaussianBernoulliEnergy()
    {
        Rbm rbm = TinyRbm(VisibleUnitType.Gaussian, Sigma);
        double[] x = [0.4, -1.2, 0.9];
        var q = new float[2];
        rbm.HiddenProbabilities(x.Select(v => (float)v).ToArray(), 1, q);
        for (int j = 0; j < 2; j++)
        {
            double[] on = new double[2];
            on[j] = 1;
            // log Q(hⱼ=1|x)/Q(hⱼ=0|x) = E(x, 0) − E(x, eⱼ)
            double logOdds = Energy(rbm, x, new double[2]) - Energy(rbm, x, on);
            Assert.Equal(1 / (1 + Math.Exp(-logOdds)), q[j], 1e-6);
        }

        // E[x|h] minimizes the quadratic energy in x: ∂E/∂xᵢ = 0 at the mean.
        var mean = new float[3];
        rbm.VisibleProbabilities([1f, 1f], 1, mean);
        for (int i = 0; i < 3; i++)
        {
            double[] plus = mean.Select(v => (double)v).ToArray();
            double[] minus = (double[])plus.Clone();
            plus[i] += 1e-4;
            minus[i] -= 1e-4;
            Assert.Equal(0, (Energy(rbm, plus, [1, 1]) - Energy(rbm, minus, [1, 1])) / 2e-4, 1e-4);
        }
    }

    [Fact]
    public void AGaussianCd1StepFollowsTheEnergyGradientAtTheSampledStates()
    {
        Rbm rbm = TinyRbm(VisibleUnitType.Gaussian, Sigma);
        Rbm before = rbm.Clone();
        float[] x1 = [0.4f, -1.2f, 0.9f];
        const float Rate = 0.5f;
        new ContrastiveDivergence(rbm, 1, 1, Rate, sampleReconstruction: true).Step(x1, 1, new Xoshiro256StarStar(21));

        // Replay the draws: h1 ~ Q(h|x1), then x2 = E[x|h1] + σ·N(0,1) per unit, then Q(h|x2).
        var replay = new Xoshiro256StarStar(21);
        float[] q1 = HiddenProbabilities(before, x1);
        float[] h1 = q1.Select(p => replay.NextFloat() < p ? 1f : 0f).ToArray();
        var x2 = new float[3];
        before.VisibleProbabilities(h1, 1, x2);
        for (int i = 0; i < 3; i++)
        {
            x2[i] += Sigma * replay.NextGaussian();
        }

        float[] q2 = HiddenProbabilities(before, x2);
        double[] expected = Parameters(before);
        double[] positive = NegativeEnergyGradient(before, x1, h1);
        double[] negative = NegativeEnergyGradient(before, x2, q2);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += Rate * (positive[i] - negative[i]);
        }

        AssertClose(expected, Parameters(rbm), 1e-4);
    }

    [Fact]
    public void TheMeanGaussianCdUpdateEqualsTheExactExpectedStatistics()
    {
        // Mean-field reconstruction: x2 = E[x|h1] = b + σWᵀh1 is a function of h1, so the expected update is an exact
        // sum over the four hidden states: ε Σ_h1 Q(h1|x1) (g(x1, h1) − g(x2(h1), Q(h|x2(h1)))), g = −∂E/∂θ.
        Rbm start = TinyRbm(VisibleUnitType.Gaussian, Sigma);
        float[] x1 = [0.4f, -1.2f, 0.9f];
        const float Rate = 1f;
        float[] q1 = HiddenProbabilities(start, x1);
        double[] exact = new double[Parameters(start).Length];
        for (int state = 0; state < 4; state++)
        {
            float[] h1 = [state & 1, state >> 1];
            double probability = (h1[0] == 1 ? q1[0] : 1 - q1[0]) * (h1[1] == 1 ? q1[1] : 1 - q1[1]);
            var x2 = new float[3];
            start.VisibleProbabilities(h1, 1, x2);
            double[] positive = NegativeEnergyGradient(start, x1, h1);
            double[] negative = NegativeEnergyGradient(start, x2, HiddenProbabilities(start, x2));
            for (int i = 0; i < exact.Length; i++)
            {
                exact[i] += probability * Rate * (positive[i] - negative[i]);
            }
        }

        Rbm rbm = start.Clone();
        var cd = new ContrastiveDivergence(rbm, 1, 1, Rate, sampleReconstruction: false);
        double[] initial = Parameters(start);
        double[] mean = new double[initial.Length];
        const int Runs = 10_000;
        var rng = new Xoshiro256StarStar(3);
        for (int run = 0; run < Runs; run++)
        {
            Reset(rbm, start);
            cd.Step(x1, 1, rng);
            double[] after = Parameters(rbm);
            for (int i = 0; i < mean.Length; i++)
            {
                mean[i] += (after[i] - initial[i]) / Runs;
            }
        }

        // Each update entry has a standard deviation below 1, so the mean of 10 000 is within 0.04 at > 4 standard errors.
        AssertClose(exact, mean, 0.04);
        Assert.Contains(exact, e => Math.Abs(e) > 0.2);
    }

    [Fact]
    public void PersistentCdTakesItsNegativeStatisticsFromTheChainsAndKeepsThem()
    {
        Rbm rbm = TinyRbm();
        Rbm before = rbm.Clone();
        var options = new RbmOptions { HiddenUnits = 2, K = 1, LearningRate = 0.5f, Persistent = true, PersistentChains = 2 };
        var cd = new ContrastiveDivergence(rbm, 1, options);
        float[] chains = [1f, 1f, 0f, 0f, 1f, 1f];
        chains.CopyTo(cd.PersistentChains!.Data, 0);
        float[] x1 = [1f, 0f, 1f];
        var rng = new Xoshiro256StarStar(5);
        cd.Step(x1, 1, rng);

        // Draws: h1 (2), then per Gibbs step the chains' hidden sample (2×2) and visible sample (2×3).
        var replay = new Xoshiro256StarStar(5);
        float[] h1 = HiddenProbabilities(before, x1).Select(p => replay.NextFloat() < p ? 1f : 0f).ToArray();
        var negativeVisible = new float[6];
        var negativeHidden = new float[4];
        for (int chain = 0; chain < 2; chain++)
        {
            float[] h = HiddenProbabilities(before, chains.AsSpan(chain * 3, 3).ToArray()).Select(p => replay.NextFloat() < p ? 1f : 0f).ToArray();
            h.CopyTo(negativeHidden, chain * 2);
        }

        for (int chain = 0; chain < 2; chain++)
        {
            var p = new float[3];
            before.VisibleProbabilities(negativeHidden.AsSpan(chain * 2, 2), 1, p);
            for (int i = 0; i < 3; i++)
            {
                negativeVisible[chain * 3 + i] = replay.NextFloat() < p[i] ? 1f : 0f;
            }
        }

        Assert.Equal(negativeVisible, cd.PersistentChains.Data);
        Assert.Equal(replay.NextUInt64(), rng.NextUInt64());

        double[] expected = Parameters(before);
        double[] positive = NegativeEnergyGradient(before, x1, h1);
        for (int chain = 0; chain < 2; chain++)
        {
            float[] x = negativeVisible.AsSpan(chain * 3, 3).ToArray();
            double[] negative = NegativeEnergyGradient(before, x, HiddenProbabilities(before, x));
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] -= 0.5 * negative[i] / 2;
            }
        }

        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += 0.5 * positive[i];
        }

        AssertClose(expected, Parameters(rbm), 1e-5);
    }

    [Fact]
    public void MomentumAddsAlphaTimesThePreviousIncrement()
    {
        // The first increment has no history, so both runs agree after one step; after the second the momentum run
        // is ahead by α·(θ1 − θ0).
        const float Alpha = 0.6f;
        float[] batch = [1f, 0f, 1f, 0f, 1f, 1f];
        Rbm plain = TinyRbm();
        Rbm withMomentum = TinyRbm();
        var options = new RbmOptions { HiddenUnits = 2, LearningRate = 0.5f };
        var plainCd = new ContrastiveDivergence(plain, 2, options);
        var momentumCd = new ContrastiveDivergence(withMomentum, 2, options with { InitialMomentum = Alpha, FinalMomentum = Alpha });
        double[] theta0 = Parameters(plain);
        plainCd.Step(batch, 2, new Xoshiro256StarStar(1));
        momentumCd.Step(batch, 2, new Xoshiro256StarStar(1));
        double[] theta1 = Parameters(plain);
        AssertClose(theta1, Parameters(withMomentum), 1e-6);

        plainCd.Step(batch, 2, new Xoshiro256StarStar(2));
        momentumCd.Step(batch, 2, new Xoshiro256StarStar(2));
        double[] expected = Parameters(plain);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += Alpha * (theta1[i] - theta0[i]);
        }

        AssertClose(expected, Parameters(withMomentum), 1e-5);
    }

    [Fact]
    public void WeightDecaySubtractsLearningRateTimesLambdaTimesTheWeightsButNotTheBiases()
    {
        const float Lambda = 0.2f, Rate = 0.5f;
        float[] batch = [1f, 0f, 1f];
        foreach (bool momentum in new[] { false, true })
        {
            Rbm plain = TinyRbm();
            Rbm decayed = TinyRbm();
            var options = new RbmOptions { HiddenUnits = 2, LearningRate = Rate, FinalMomentum = momentum ? 0.5f : 0f, MomentumSwitchEpoch = 0 };
            var decayedCd = new ContrastiveDivergence(decayed, 1, options with { WeightDecay = Lambda });
            new ContrastiveDivergence(plain, 1, options).Step(batch, 1, new Xoshiro256StarStar(4));
            decayedCd.Step(batch, 1, new Xoshiro256StarStar(4));

            Rbm start = TinyRbm();
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(plain.Weights.Data[i] - Rate * Lambda * start.Weights.Data[i], decayed.Weights.Data[i], 1e-6f);
            }

            Assert.Equal(plain.VisibleBias, decayed.VisibleBias);
            Assert.Equal(plain.HiddenBias, decayed.HiddenBias);
        }
    }

    [Fact]
    public void TheSparsityTermPushesHiddenBiasesAndWeightsByTheGapToTheTarget()
    {
        const float Rate = 0.5f, Target = 0.1f, Cost = 0.3f, Decay = 0.8f;
        float[] batch = [1f, 0f, 1f, 0f, 1f, 1f];
        Rbm plain = TinyRbm();
        Rbm sparse = TinyRbm();
        var options = new RbmOptions { HiddenUnits = 2, LearningRate = Rate };
        var sparseCd = new ContrastiveDivergence(sparse, 2, options with { SparsityTarget = Target, SparsityCost = Cost, SparsityDecay = Decay });
        Assert.Equal([Target, Target], sparseCd.SparsityEstimate!);
        new ContrastiveDivergence(plain, 2, options).Step(batch, 2, new Xoshiro256StarStar(8));
        sparseCd.Step(batch, 2, new Xoshiro256StarStar(8));

        // q ← decay·q + (1 − decay)·mean Q(h|x1); Δc = ε·cost·(p − q); ΔWⱼ = ε·cost·(p − qⱼ)·mean(x1).
        Rbm start = TinyRbm();
        float[] qa = HiddenProbabilities(start, batch[..3]);
        float[] qb = HiddenProbabilities(start, batch[3..]);
        float[] meanX = [0.5f, 0.5f, 1f];
        for (int j = 0; j < 2; j++)
        {
            float q = Decay * Target + (1 - Decay) * (qa[j] + qb[j]) / 2;
            Assert.Equal(q, sparseCd.SparsityEstimate![j], 1e-6f);
            float push = Rate * Cost * (Target - q);
            Assert.Equal(plain.HiddenBias[j] + push, sparse.HiddenBias[j], 1e-6f);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(plain.Weights[j, i] + push * meanX[i], sparse.Weights[j, i], 1e-6f);
            }
        }

        Assert.Equal(plain.VisibleBias, sparse.VisibleBias);
    }

    [Fact]
    public void OptionsThatDoNotMatchTheModelAreRejected()
    {
        Rbm rbm = TinyRbm();
        Assert.Throws<ArgumentException>(() => new ContrastiveDivergence(rbm, 1, new RbmOptions { HiddenUnits = 3 }));
        Assert.Throws<ArgumentException>(() => new ContrastiveDivergence(rbm, 1, new RbmOptions { HiddenUnits = 2, VisibleType = VisibleUnitType.Gaussian }));
        var cd = new ContrastiveDivergence(rbm, 1, new RbmOptions { HiddenUnits = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => cd.Momentum = 0.5f);
        Assert.Null(cd.PersistentChains);
        Assert.Null(cd.WeightVelocity);
        Assert.Null(cd.SparsityEstimate);
    }

    internal static double Energy(Rbm rbm, ReadOnlySpan<double> x, ReadOnlySpan<double> h) =>
        Energy(rbm, Parameters(rbm), x, h);

    /// <summary>E(x,h) with parameters θ = [W (row-major), b, c]; Bernoulli units use σ = 1 and no quadratic term.</summary>
    private static double Energy(Rbm rbm, double[] theta, ReadOnlySpan<double> x, ReadOnlySpan<double> h)
    {
        int v = rbm.VisibleUnits, hidden = rbm.HiddenUnits;
        double sigma = rbm.Sigma;
        bool gaussian = rbm.VisibleType == VisibleUnitType.Gaussian;
        double energy = 0;
        for (int i = 0; i < v; i++)
        {
            double b = theta[hidden * v + i];
            energy += gaussian ? (x[i] - b) * (x[i] - b) / (2 * sigma * sigma) : -b * x[i];
        }

        for (int j = 0; j < hidden; j++)
        {
            energy -= theta[hidden * v + v + j] * h[j];
            for (int i = 0; i < v; i++)
            {
                energy -= h[j] * theta[j * v + i] * x[i] / sigma;
            }
        }

        return energy;
    }

    /// <summary>−∂E/∂θ at (x, h) by central differences; E is linear in h, so h may be probabilities (the expectation).</summary>
    private static double[] NegativeEnergyGradient(Rbm rbm, float[] x, float[] h)
    {
        double[] theta = Parameters(rbm);
        double[] xd = x.Select(value => (double)value).ToArray();
        double[] hd = h.Select(value => (double)value).ToArray();
        var gradient = new double[theta.Length];
        const double Step = 1e-3;
        for (int k = 0; k < theta.Length; k++)
        {
            double saved = theta[k];
            theta[k] = saved + Step;
            double plus = Energy(rbm, theta, xd, hd);
            theta[k] = saved - Step;
            double minus = Energy(rbm, theta, xd, hd);
            theta[k] = saved;
            gradient[k] = -(plus - minus) / (2 * Step);
        }

        return gradient;
    }

    private static float[] HiddenProbabilities(Rbm rbm, float[] x)
    {
        var q = new float[rbm.HiddenUnits];
        rbm.HiddenProbabilities(x, 1, q);
        return q;
    }

    internal static double[] Parameters(Rbm rbm) =>
        [.. rbm.Weights.Data.Select(v => (double)v), .. rbm.VisibleBias.Select(v => (double)v), .. rbm.HiddenBias.Select(v => (double)v)];

    private static void Reset(Rbm rbm, Rbm start)
    {
        start.Weights.Data.CopyTo(rbm.Weights.Data, 0);
        start.VisibleBias.CopyTo(rbm.VisibleBias, 0);
        start.HiddenBias.CopyTo(rbm.HiddenBias, 0);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"parameter {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
