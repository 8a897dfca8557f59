using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests;

public class ContrastiveDivergenceTests
{
    private const float Tolerance = 1e-5f;

    private static Rbm TinyRbm() => new(
        new Matrix(2, 3, [0.1f, -0.2f, 0.3f, -0.4f, 0.5f, 0.0f]),
        [0.1f, 0.0f, -0.1f],
        [0.2f, -0.1f]);

    [Fact]
    public void OneCd1UpdateMatchesTheLectureUpdateWorkedOutByHand()
    {
        // x1 = (1, 0, 1), ε = 0.5, xoshiro256** seeded with 5 draws u = 0.28841, 0.60208 | 0.64955, 0.82155, 0.51671.
        // Q(h1|x1) = sigm(c + W x1) = sigm(0.6, −0.5) = (0.64566, 0.37754) → h1 = (1, 0)
        // P(x2|h1) = sigm(b + Wᵀh1) = sigm(0.2, −0.2, 0.2) = (0.54983, 0.45017, 0.54983) → x2 = (0, 0, 1)
        // Q(h2|x2) = sigm(c + W x2) = sigm(0.5, −0.1) = (0.62246, 0.47502)
        // W += ε(h1 x1ᵀ − Q(h2|x2) x2ᵀ); b += ε(x1 − x2); c += ε(h1 − Q(h2|x2)).
        var uniforms = new Xoshiro256StarStar(5);
        float[] expectedDraws = [0.2884112f, 0.6020823f, 0.6495467f, 0.8215503f, 0.5167139f];
        foreach (float u in expectedDraws)
        {
            Assert.Equal(u, uniforms.NextFloat(), Tolerance);
        }

        Rbm rbm = TinyRbm();
        var cd = new ContrastiveDivergence(rbm, maxBatch: 1, k: 1, learningRate: 0.5f, sampleReconstruction: true);
        double squaredError = cd.Step([1f, 0f, 1f], 1, new Xoshiro256StarStar(5));

        float[] expectedW = [0.6f, -0.2f, 0.48877033f, -0.4f, 0.5f, -0.23751041f];
        for (int i = 0; i < expectedW.Length; i++)
        {
            Assert.Equal(expectedW[i], rbm.Weights.Data[i], Tolerance);
        }

        Assert.Equal([0.6f, 0.0f, -0.1f], rbm.VisibleBias, new ToleranceComparer(Tolerance));
        Assert.Equal([0.38877033f, -0.33751041f], rbm.HiddenBias, new ToleranceComparer(Tolerance));
        // (1 − 0.54983)² + 0.45017² + (1 − 0.54983)²
        Assert.Equal(0.60794829, squaredError, 1e-5);
    }

    [Fact]
    public void MeanFieldReconstructionUsesTheProbabilityAsTheNegativeVisibleState()
    {
        // Same draws; x2 = P(x2|h1) = (0.54983, 0.45017, 0.54983) instead of a sample.
        Rbm rbm = TinyRbm();
        var cd = new ContrastiveDivergence(rbm, 1, 1, 0.5f, sampleReconstruction: false);
        cd.Step([1f, 0f, 1f], 1, new Xoshiro256StarStar(5));

        float p1 = Sigmoid(0.2f), p2 = Sigmoid(-0.2f);
        float[] x2 = [p1, p2, p1];
        float q1 = Sigmoid(0.2f + 0.1f * x2[0] - 0.2f * x2[1] + 0.3f * x2[2]);
        float q2 = Sigmoid(-0.1f - 0.4f * x2[0] + 0.5f * x2[1]);
        Assert.Equal(0.1f + 0.5f * (1 - q1 * x2[0]), rbm.Weights[0, 0], Tolerance);
        Assert.Equal(0.5f + 0.5f * (0 - q2 * x2[1]), rbm.Weights[1, 1], Tolerance);
        Assert.Equal(0.1f + 0.5f * (1 - x2[0]), rbm.VisibleBias[0], Tolerance);
        Assert.Equal(-0.1f + 0.5f * (0 - q2), rbm.HiddenBias[1], Tolerance);
    }

    [Fact]
    public void MinibatchUpdateIsTheMeanOfThePerSampleUpdates()
    {
        // Mean-field reconstruction: the only draws are h1, row by row (row 0's two units, then row 1's).
        Rbm batched = TinyRbm();
        new ContrastiveDivergence(batched, 2, 1, 0.5f, sampleReconstruction: false)
            .Step([1f, 0f, 1f, 1f, 0f, 1f], 2, new Xoshiro256StarStar(9));

        float[] q1 = [Sigmoid(0.6f), Sigmoid(-0.5f)];
        var replay = new Xoshiro256StarStar(9);
        float[] h = new float[4];
        replay.SampleBernoulli([q1[0], q1[1], q1[0], q1[1]], h);
        // b0 += ε · mean over rows of (x1₀ − P(x2₀|h1)), P(x2₀|h1) = sigm(b0 + W₀₀h₀ + W₁₀h₁)
        float row0 = 1 - Sigmoid(0.1f + 0.1f * h[0] - 0.4f * h[1]);
        float row1 = 1 - Sigmoid(0.1f + 0.1f * h[2] - 0.4f * h[3]);
        Assert.Equal(0.1f + 0.5f * (row0 + row1) / 2, batched.VisibleBias[0], Tolerance);
    }

    [Fact]
    public void CdKRunsTheGibbsChainKSteps()
    {
        // k = 3 consumes h1, then per step a visible sample and between steps a hidden sample:
        // 2 + (3 + 2) + (3 + 2) + 3 = 15 uniforms for a 3×2 RBM and one sample.
        Rbm rbm = TinyRbm();
        var rng = new Xoshiro256StarStar(11);
        new ContrastiveDivergence(rbm, 1, 3, 0.5f, true).Step([1f, 0f, 1f], 1, rng);
        var replay = new Xoshiro256StarStar(11);
        for (int i = 0; i < 15; i++)
        {
            replay.NextFloat();
        }

        Assert.Equal(replay.NextUInt64(), rng.NextUInt64());
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
