namespace DeepNet.Numerics.Tests;

/// <summary>The elementwise kernels at every vector width this CPU runs, against plain loops, bit for bit.</summary>
public class SimdWidthTests
{
    // Lengths that leave tails for every width: below, at and past 4, 8, 16 lanes.
    private static readonly int[] Lengths = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 100, 1001];

    public static TheoryData<string> Widths()
    {
        var data = new TheoryData<string>();
        foreach (SimdWidth width in Simd.Available)
        {
            data.Add(width.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void BackwardActivationsMatchPlainLoops(string widthName)
    {
        SimdWidth width = Enum.Parse<SimdWidth>(widthName);
        foreach (int n in Lengths)
        {
            (float[] y, float[] dy) = (Uniform(n, 1, -1f, 1f), Uniform(n, 2, -3f, 3f));
            y[..Math.Min(n, 2)].AsSpan().Clear(); // exact zeros: the ReLU boundary
            var dx = new float[n];

            Activations.SigmoidBackward(y, dy, dx, width);
            Assert.Equal(Naive(n, i => dy[i] * y[i] * (1f - y[i])), dx);

            Activations.TanhBackward(y, dy, dx, width);
            Assert.Equal(Naive(n, i => dy[i] * (1f - y[i] * y[i])), dx);

            Activations.ReluBackward(y, dy, dx, width);
            Assert.Equal(Naive(n, i => y[i] > 0f ? dy[i] : 0f), dx);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void BernoulliThresholdMatchesAPlainLoop(string widthName)
    {
        SimdWidth width = Enum.Parse<SimdWidth>(widthName);
        foreach (int n in Lengths)
        {
            float[] p = Uniform(n, 3, 0f, 1f);
            float[] u = Uniform(n, 4, 0f, 1f);
            if (n > 1)
            {
                u[1] = p[1]; // u = p is not a hit
            }

            float[] expected = Naive(n, i => u[i] < p[i] ? 1f : 0f);

            Xoshiro256StarStar.Threshold(p, u, width);

            Assert.Equal(expected, u);
        }
    }

    [Fact]
    public void TheEnvironmentSwitchParsesEveryWidthAndRefusesOthers()
    {
        Assert.Equal(Simd.Widest, Simd.FromEnvironment(null));
        Assert.Equal(Simd.Widest, Simd.FromEnvironment(" auto "));
        Assert.Equal(SimdWidth.Scalar, Simd.FromEnvironment("scalar"));
        foreach (SimdWidth width in Simd.Available)
        {
            Assert.Equal(width, Simd.FromEnvironment(width == SimdWidth.Scalar ? "SCALAR" : ((int)width).ToString()));
        }

        var unknown = Assert.Throws<InvalidOperationException>(() => Simd.FromEnvironment("1024"));
        Assert.Contains("DEEPNET_SIMD", unknown.Message);
        Assert.Equal(Simd.Widest, Simd.Available[0]);
        Assert.Equal(SimdWidth.Scalar, Simd.Available[^1]);
    }

    private static float[] Uniform(int n, ulong seed, float low, float high)
    {
        var values = new float[n];
        var rng = new Xoshiro256StarStar(seed);
        for (int i = 0; i < n; i++)
        {
            values[i] = low + (high - low) * rng.NextFloat();
        }

        return values;
    }

    private static float[] Naive(int n, Func<int, float> f)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = f(i);
        }

        return values;
    }
}
