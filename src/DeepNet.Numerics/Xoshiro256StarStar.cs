using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace DeepNet.Numerics;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna): a fast seedable generator whose whole state is four
/// 64-bit words, so a training run can save it and continue the exact same sequence.
/// </summary>
public sealed class Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the four state words from <paramref name="seed"/> with SplitMix64.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3) => (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);

    /// <summary>Restores a generator from four words returned by <see cref="GetState"/>.</summary>
    public static Xoshiro256StarStar FromState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 4)
        {
            throw new ArgumentException($"xoshiro256** state is 4 words, got {state.Length}.", nameof(state));
        }

        if ((state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw new ArgumentException("xoshiro256** state must not be all zeros.", nameof(state));
        }

        return new Xoshiro256StarStar(state[0], state[1], state[2], state[3]);
    }

    /// <summary>The four state words; <see cref="FromState"/> continues the same sequence from them.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), unbiased (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        UInt128 product = (UInt128)NextUInt64() * bound;
        ulong low = (ulong)product;
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                product = (UInt128)NextUInt64() * bound;
                low = (ulong)product;
            }
        }

        return (int)(product >> 64);
    }

    /// <summary>Standard normal sample (Box–Muller, one of the pair).</summary>
    public float NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Fills <paramref name="destination"/> with uniforms in [0, 1).</summary>
    public void FillUniform(Span<float> destination)
    {
        // The state lives in locals for the loop: the JIT keeps them in registers instead of
        // storing four fields per draw.
        ulong s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
        for (int i = 0; i < destination.Length; i++)
        {
            ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = BitOperations.RotateLeft(s3, 45);
            destination[i] = (result >> 40) * (1f / (1 << 24));
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>
    /// destination[i] = 1 if u_i &lt; probabilities[i] else 0, with u_i the next uniform in order —
    /// element i consumes the i-th <see cref="NextFloat"/> draw.
    /// </summary>
    public void SampleBernoulli(ReadOnlySpan<float> probabilities, Span<float> destination)
    {
        if (destination.Length < probabilities.Length)
        {
            throw new ArgumentException("Destination is shorter than probabilities.", nameof(destination));
        }

        destination = destination[..probabilities.Length];
        if (probabilities.Overlaps(destination))
        {
            for (int i = 0; i < probabilities.Length; i++)
            {
                destination[i] = NextFloat() < probabilities[i] ? 1f : 0f;
            }

            return;
        }

        // Draw all uniforms first, then compare branch-free: random 0/1 outcomes defeat the branch predictor.
        FillUniform(destination);
        Threshold(probabilities, destination, Simd.Width);
    }

    /// <summary>destination[i] ← 1 where destination[i] (a uniform draw) &lt; probabilities[i], else 0; the same bits at every width.</summary>
    internal static void Threshold(ReadOnlySpan<float> probabilities, Span<float> destination, SimdWidth width) =>
        Elementwise.Map<Below>(destination, probabilities, destination, width);

    /// <summary>Fisher–Yates shuffle of <paramref name="values"/> in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>(u, p) → 1 where u &lt; p, else 0.</summary>
    private struct Below : IBinaryLanes
    {
        public static float Apply(float u, float p) => u < p ? 1f : 0f;

        public static Vector128<float> Apply(Vector128<float> u, Vector128<float> p) => Vector128.LessThan(u, p) & Vector128<float>.One;

        public static Vector256<float> Apply(Vector256<float> u, Vector256<float> p) => Vector256.LessThan(u, p) & Vector256<float>.One;

        public static Vector512<float> Apply(Vector512<float> u, Vector512<float> p) => Vector512.LessThan(u, p) & Vector512<float>.One;
    }
}
