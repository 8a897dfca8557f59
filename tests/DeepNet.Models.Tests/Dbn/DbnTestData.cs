using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

/// <summary>Synthetic classification data: noisy copies of random binary prototypes, one prototype per class.</summary>
internal static class DbnTestData
{
    /// <summary>samples×pixels binary data: sample i is a copy of prototype (i mod classes) with each pixel flipped with probability <paramref name="flip"/>.</summary>
    public static (Matrix Data, int[] Labels) NoisyPrototypes(int classes, int pixels, int samples, float flip, ulong prototypeSeed, ulong noiseSeed)
    {
        var protoRng = new Xoshiro256StarStar(prototypeSeed);
        var prototypes = new float[classes, pixels];
        for (int c = 0; c < classes; c++)
        {
            for (int p = 0; p < pixels; p++)
            {
                prototypes[c, p] = protoRng.NextFloat() < 0.5f ? 1f : 0f;
            }
        }

        var rng = new Xoshiro256StarStar(noiseSeed);
        var data = new Matrix(samples, pixels);
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            int c = i % classes;
            labels[i] = c;
            for (int p = 0; p < pixels; p++)
            {
                float v = prototypes[c, p];
                data[i, p] = rng.NextFloat() < flip ? 1f - v : v;
            }
        }

        return (data, labels);
    }
}
