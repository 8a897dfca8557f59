using DeepNet.Models.Cnn;

namespace DeepNet.Models.Tests.Cnn;

/// <summary>
/// Finite-difference checks: the loss L = Σ y·r (r fixed random weights, sums in double) makes dL/dy = r, so a layer's
/// Backward(r) must match central differences (L(θ + ε) − L(θ − ε)) / 2ε of every parameter and input.
/// </summary>
internal static class GradientCheck
{
    public const float Epsilon = 1e-2f;

    /// <summary>Uniform values in [−1, 1), reproducible from <paramref name="seed"/>.</summary>
    public static float[] Random(int length, ulong seed) => DeepNet.Tests.RandomValues.Uniform(length, seed);

    public static void Layer(ILayer layer, float[] input, int batch)
    {
        float[] r = Random(batch * layer.OutputShape.Size, 99);
        double Loss()
        {
            ReadOnlySpan<float> y = layer.Forward(input, batch, training: true);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += y[i] * (double)r[i];
            }

            return sum;
        }

        Loss();
        float[] inputGradient = layer.Backward(input, r, batch, inputGradient: true).ToArray();
        float[][] parameterGradients = [.. layer.Parameters.Select(p => (float[])p.Gradient.Clone())];

        Compare(input, inputGradient, Loss, $"{layer.Description} input");
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            Compare(layer.Parameters[p].Value, parameterGradients[p], Loss, $"{layer.Description} {layer.Parameters[p].Name}");
        }
    }

    public static void Compare(float[] values, float[] analytic, Func<double> loss, string what, double absoluteFloor = 1e-3)
    {
        Assert.Equal(values.Length, analytic.Length);
        for (int i = 0; i < values.Length; i++)
        {
            float saved = values[i];
            values[i] = saved + Epsilon;
            double plus = loss();
            values[i] = saved - Epsilon;
            double minus = loss();
            values[i] = saved;
            double numeric = (plus - minus) / (2 * Epsilon);
            double error = Math.Abs(numeric - analytic[i]);
            double bound = absoluteFloor + 1e-2 * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i]));
            Assert.True(error <= bound, $"{what}[{i}]: analytic {analytic[i]}, numeric {numeric}.");
        }
    }

    /// <summary>Values whose magnitudes are at least 0.1 and pairwise at least 0.02 apart, so ε never crosses a ReLU kink or a max-pool tie.</summary>
    public static float[] Separated(int length, ulong seed)
    {
        var rng = new DeepNet.Numerics.Xoshiro256StarStar(seed);
        int[] order = [.. Enumerable.Range(0, length)];
        rng.Shuffle(order);
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            float magnitude = 0.1f + 0.04f * (order[i] / 2);
            values[i] = order[i] % 2 == 0 ? magnitude : -magnitude;
        }

        return values;
    }
}
