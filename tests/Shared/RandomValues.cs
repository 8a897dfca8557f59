using DeepNet.Numerics;

namespace DeepNet.Tests;

/// <summary>Reproducible test inputs, shared by the numeric and model tests (linked into both projects).</summary>
internal static class RandomValues
{
    /// <summary><paramref name="length"/> values uniform in [−1, 1), the same for the same <paramref name="seed"/>.</summary>
    public static float[] Uniform(int length, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = rng.NextFloat() * 2f - 1f;
        }

        return values;
    }
}
