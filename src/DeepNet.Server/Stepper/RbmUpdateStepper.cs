using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Stepper;

/// <summary>
/// One CD-1 update of a tiny Bernoulli RBM on one sample, laid out step by step (issue 15, point 4). The run is the one
/// <see cref="RbmTrainer"/> makes with <see cref="OptionsFor"/> on that single sample: the same initial weights (the first H·V
/// Gaussian draws of the seed), the same uniforms for h1 then x2, and the final parameters come from the trainer's own
/// <see cref="ContrastiveDivergence"/> step, so the page shows the numbers a job computes.
/// </summary>
public static class RbmUpdateStepper
{
    public const int MaxVisible = 64;

    public static readonly FieldLimit Hidden = FieldLimit.Integers(1, 16);
    public static readonly FieldLimit VisibleValue = FieldLimit.Reals(0, 1);
    public const int DefaultHidden = 3;
    public const float DefaultLearningRate = 0.1f;
    public const float DefaultInitialWeightStdDev = 0.1f;

    private const string InvalidTitle = "Invalid update-rule step";

    /// <summary>The trainer's options for this step: plain CD-1 with sampled x2, batch 1, one epoch, b and c starting at zero.</summary>
    public static RbmOptions OptionsFor(int hidden, float learningRate, ulong seed, float initialWeightStdDev) => new()
    {
        HiddenUnits = hidden,
        K = 1,
        LearningRate = learningRate,
        BatchSize = 1,
        Epochs = 1,
        Seed = seed,
        SampleReconstruction = true,
        VisibleType = VisibleUnitType.Bernoulli,
        InitializeVisibleBiasFromData = false,
        InitialWeightStdDev = initialWeightStdDev,
    };

    public static Outcome<RbmStepResponse> Step(RbmStepRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        float[]? x1 = request?.Visible;
        if (x1 is null)
        {
            errors["visible"] = ["is required: the sample x1, e.g. [1,0,1,1,0,0]."];
        }
        else if (x1.Length is 0 or > MaxVisible)
        {
            errors["visible"] = [$"has {x1.Length} values; 1 to {MaxVisible} visible units are accepted."];
        }
        else
        {
            for (int i = 0; i < x1.Length; i++)
            {
                if (!VisibleValue.Contains(x1[i]))
                {
                    errors[$"visible[{i}]"] = [VisibleValue.Message(x1[i], "(a pixel's intensity)")];
                }
            }
        }

        int hidden = request?.Hidden ?? DefaultHidden;
        Check(errors, "hidden", Hidden, hidden);
        float rate = request?.LearningRate ?? DefaultLearningRate;
        Check(errors, "learningRate", RbmOptionsValidator.LearningRate, rate);
        float deviation = request?.InitialWeightStdDev ?? DefaultInitialWeightStdDev;
        Check(errors, "initialWeightStdDev", RbmOptionsValidator.InitialWeightStdDev, deviation);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, InvalidTitle);
        }

        return Trace(x1!, OptionsFor(hidden, rate, request?.Seed ?? 1, deviation));
    }

    private static RbmStepResponse Trace(float[] x1, RbmOptions options)
    {
        int v = x1.Length;
        int h = options.HiddenUnits;
        float rate = options.LearningRate;

        // As RbmTrainer starts a run: W from the seed's first H·V Gaussians, b = c = 0.
        var rng = new Xoshiro256StarStar(options.Seed);
        var rbm = new Rbm(v, h);
        Span<float> weights = rbm.Weights.AsSpan();
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = options.InitialWeightStdDev * rng.NextGaussian();
        }

        Rbm before = rbm.Clone();
        ulong[] stateBeforeStep = rng.GetState();

        // The lecture's CD-1, drawing uniforms in the order ContrastiveDivergence.Step does: h1's, then x2's.
        var q1 = new float[h];
        rbm.HiddenProbabilities(x1, 1, q1);
        var hiddenUniforms = new float[h];
        rng.FillUniform(hiddenUniforms);
        float[] h1 = Threshold(hiddenUniforms, q1);
        var p2 = new float[v];
        rbm.VisibleProbabilities(h1, 1, p2);
        var visibleUniforms = new float[v];
        rng.FillUniform(visibleUniforms);
        float[] x2 = Threshold(visibleUniforms, p2);
        var q2 = new float[h];
        rbm.HiddenProbabilities(x2, 1, q2);

        var weightDelta = new float[h][];
        for (int j = 0; j < h; j++)
        {
            weightDelta[j] = new float[v];
            for (int i = 0; i < v; i++)
            {
                weightDelta[j][i] = rate * (h1[j] * x1[i] - q2[j] * x2[i]);
            }
        }

        float[] visibleDelta = [.. x1.Select((x, i) => rate * (x - x2[i]))];
        float[] hiddenDelta = [.. h1.Select((value, j) => rate * (value - q2[j]))];

        // The trainer's own update from the same parameters and generator state.
        var update = new ContrastiveDivergence(rbm, 1, options);
        double error = update.Step(x1, 1, Xoshiro256StarStar.FromState(stateBeforeStep));

        float disagreement = 0;
        for (int j = 0; j < h; j++)
        {
            disagreement = Math.Max(disagreement, Math.Abs(before.HiddenBias[j] + hiddenDelta[j] - rbm.HiddenBias[j]));
            for (int i = 0; i < v; i++)
            {
                disagreement = Math.Max(disagreement, Math.Abs(before.Weights[j, i] + weightDelta[j][i] - rbm.Weights[j, i]));
            }
        }

        for (int i = 0; i < v; i++)
        {
            disagreement = Math.Max(disagreement, Math.Abs(before.VisibleBias[i] + visibleDelta[i] - rbm.VisibleBias[i]));
        }

        return new RbmStepResponse(
            options.Seed, rate, options.InitialWeightStdDev,
            Rows(before.Weights), before.VisibleBias, before.HiddenBias,
            x1, q1, hiddenUniforms, h1, p2, visibleUniforms, x2, q2,
            weightDelta, visibleDelta, hiddenDelta,
            Rows(rbm.Weights), rbm.VisibleBias, rbm.HiddenBias,
            error, disagreement);
    }

    /// <summary>1 where u &lt; p, as <see cref="Xoshiro256StarStar.SampleBernoulli"/> compares.</summary>
    private static float[] Threshold(float[] uniforms, float[] probabilities) =>
        [.. uniforms.Select((u, i) => u < probabilities[i] ? 1f : 0f)];

    private static float[][] Rows(Matrix matrix) => [.. Enumerable.Range(0, matrix.Rows).Select(r => matrix.Row(r).ToArray())];

    private static void Check(Dictionary<string, string[]> errors, string field, FieldLimit limit, double value)
    {
        if (!limit.Contains(value))
        {
            errors[field] = [limit.Message(value)];
        }
    }
}
