namespace DeepNet.Numerics.Tests;

public class Xoshiro256StarStarTests
{
    [Theory]
    // Expected words from an independent Python implementation (SplitMix64 seeding, then xoshiro256**).
    [InlineData(0UL, new[] { 0x99EC5F36CB75F2B4UL, 0xBF6E1F784956452AUL, 0x1A5F849D4933E6E0UL, 0x6AA594F1262D2D2CUL, 0xBBA5AD4A1F842E59UL })]
    [InlineData(42UL, new[] { 0x15780B2E0C2EC716UL, 0x6104D9866D113A7EUL, 0xAE17533239E499A1UL, 0xECB8AD4703B360A1UL, 0xFDE6DC7FE2EC5E64UL })]
    public void SeededSequenceMatchesReferenceImplementation(ulong seed, ulong[] expected)
    {
        var rng = new Xoshiro256StarStar(seed);
        ulong[] actual = expected.Select(_ => rng.NextUInt64()).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SeedingUsesSplitMix64()
    {
        // 0xE220A8397B1DCDAF is SplitMix64's published first output for seed 0.
        Assert.Equal(0xE220A8397B1DCDAFUL, new Xoshiro256StarStar(0).GetState()[0]);
    }

    [Fact]
    public void RestoredStateContinuesTheIdenticalSequence()
    {
        var rng = new Xoshiro256StarStar(7);
        for (int i = 0; i < 1000; i++)
        {
            rng.NextUInt64();
        }

        ulong[] state = rng.GetState();
        var restored = Xoshiro256StarStar.FromState(state);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(rng.NextUInt64(), restored.NextUInt64());
        }

        Assert.Equal(rng.NextFloat(), restored.NextFloat());
        Assert.Equal(rng.NextGaussian(), restored.NextGaussian());
    }

    [Fact]
    public void GetStateReturnsACopy()
    {
        var rng = new Xoshiro256StarStar(3);
        ulong[] state = rng.GetState();
        state[0] ^= 1;
        Assert.NotEqual(state, rng.GetState());
    }

    [Fact]
    public void FromStateRejectsWrongLengthAndAllZeros()
    {
        Assert.Throws<ArgumentException>(() => Xoshiro256StarStar.FromState(new ulong[3]));
        Assert.Throws<ArgumentException>(() => Xoshiro256StarStar.FromState(new ulong[5]));
        Assert.Throws<ArgumentException>(() => Xoshiro256StarStar.FromState(new ulong[4]));
    }

    [Fact]
    public void SameSeedGivesSameSequenceAndDifferentSeedsDiffer()
    {
        var a = new Xoshiro256StarStar(123);
        var b = new Xoshiro256StarStar(123);
        var c = new Xoshiro256StarStar(124);
        ulong x = a.NextUInt64();
        Assert.Equal(x, b.NextUInt64());
        Assert.NotEqual(x, c.NextUInt64());
    }

    [Fact]
    public void NextFloatAndNextDoubleStayInUnitIntervalWithMeanOneHalf()
    {
        var rng = new Xoshiro256StarStar(11);
        double floatSum = 0, doubleSum = 0;
        const int draws = 100_000;
        for (int i = 0; i < draws; i++)
        {
            float f = rng.NextFloat();
            double d = rng.NextDouble();
            Assert.InRange(f, 0f, 1f);
            Assert.True(f < 1f);
            Assert.InRange(d, 0.0, 1.0);
            Assert.True(d < 1.0);
            floatSum += f;
            doubleSum += d;
        }

        // Standard error of the mean is sqrt(1/12/100000) ≈ 0.0009.
        Assert.InRange(floatSum / draws, 0.495, 0.505);
        Assert.InRange(doubleSum / draws, 0.495, 0.505);
    }

    [Fact]
    public void FillUniformMatchesSuccessiveNextFloatDraws()
    {
        var a = new Xoshiro256StarStar(5);
        var b = new Xoshiro256StarStar(5);
        var values = new float[17];
        a.FillUniform(values);
        Assert.Equal(Enumerable.Range(0, 17).Select(_ => b.NextFloat()), values);
    }

    [Theory]
    [InlineData(0.3f)]
    [InlineData(0.9f)]
    public void SampleBernoulliMeanIsCloseToP(float p)
    {
        var rng = new Xoshiro256StarStar(99);
        var probabilities = new float[100_000];
        Array.Fill(probabilities, p);
        var samples = new float[probabilities.Length];
        rng.SampleBernoulli(probabilities, samples);
        Assert.All(samples, s => Assert.True(s is 0f or 1f));
        // Standard error ≤ sqrt(0.25/100000) ≈ 0.0016.
        Assert.InRange(samples.Average(), p - 0.01, p + 0.01);
    }

    [Fact]
    public void SampleBernoulliConsumesOneUniformPerElementInOrder()
    {
        var rng = new Xoshiro256StarStar(8);
        var twin = new Xoshiro256StarStar(8);
        float[] probabilities = [0f, 1f, 0.5f, 0.25f, 0.75f, 0.1f, 0.9f, 0.5f];
        var samples = new float[probabilities.Length];
        rng.SampleBernoulli(probabilities, samples);
        for (int i = 0; i < probabilities.Length; i++)
        {
            Assert.Equal(twin.NextFloat() < probabilities[i] ? 1f : 0f, samples[i]);
        }

        Assert.Equal(0f, samples[0]);
        Assert.Equal(1f, samples[1]);
        Assert.Equal(twin.NextUInt64(), rng.NextUInt64());
        Assert.Throws<ArgumentException>(() => rng.SampleBernoulli(probabilities, new float[3]));
    }

    [Fact]
    public void NextIntIsUniformOverItsRange()
    {
        var rng = new Xoshiro256StarStar(21);
        var counts = new int[10];
        const int draws = 100_000;
        for (int i = 0; i < draws; i++)
        {
            counts[rng.NextInt(10)]++;
        }

        // Each bucket expects 10000 with standard deviation ≈ 95.
        Assert.All(counts, count => Assert.InRange(count, 9_500, 10_500));
        Assert.Equal(0, rng.NextInt(1));
        Assert.InRange(rng.NextInt(int.MaxValue), 0, int.MaxValue - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(-3));
    }

    [Fact]
    public void NextGaussianHasZeroMeanAndUnitVariance()
    {
        var rng = new Xoshiro256StarStar(4);
        const int draws = 100_000;
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < draws; i++)
        {
            double x = rng.NextGaussian();
            Assert.True(double.IsFinite(x));
            sum += x;
            sumSquares += x * x;
        }

        double mean = sum / draws;
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(sumSquares / draws - mean * mean, 0.97, 1.03);
    }

    [Fact]
    public void ShuffleProducesAPermutation()
    {
        var rng = new Xoshiro256StarStar(17);
        int[] values = Enumerable.Range(0, 100).ToArray();
        rng.Shuffle(values);
        Assert.NotEqual(Enumerable.Range(0, 100), values);
        Assert.Equal(Enumerable.Range(0, 100), values.Order());

        int[] single = [42];
        rng.Shuffle(single);
        Assert.Equal([42], single);
        rng.Shuffle(Span<int>.Empty);
    }

    [Fact]
    public void ShuffleVisitsEveryOrderingOfThreeItems()
    {
        var rng = new Xoshiro256StarStar(2);
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < 6_000; i++)
        {
            int[] values = [0, 1, 2];
            rng.Shuffle(values);
            string key = string.Join(",", values);
            seen[key] = seen.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(6, seen.Count);
        Assert.All(seen.Values, count => Assert.InRange(count, 850, 1_150));
    }

    [Fact]
    public void SampleBernoulliInPlaceGivesTheSameSamplesAsIntoASeparateBuffer()
    {
        var probabilities = new float[37];
        new Xoshiro256StarStar(5).FillUniform(probabilities);
        var separate = new float[37];
        new Xoshiro256StarStar(9).SampleBernoulli(probabilities, separate);

        float[] inPlace = (float[])probabilities.Clone();
        new Xoshiro256StarStar(9).SampleBernoulli(inPlace, inPlace);

        Assert.Equal(separate, inPlace);
        Assert.All(separate, s => Assert.True(s is 0f or 1f));
    }
}
