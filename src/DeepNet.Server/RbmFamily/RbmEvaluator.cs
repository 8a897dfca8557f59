using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;

namespace DeepNet.Server.RbmFamily;

/// <summary>Result of the "ais" evaluation; log values in nats, null where not finite.</summary>
public sealed record AisEvaluationResult(
    double? LogZ,
    double? LogZLow,
    double? LogZHigh,
    double? AvgTestLogProbability,
    int TestCount,
    int Runs,
    int Betas,
    double Seconds);

/// <summary>One row of the "perClass" evaluation: reconstruction errors of test digits of one class.</summary>
public sealed record ClassReconstruction(int Digit, bool TrainedOn, int Count, double? SquaredError, double? CrossEntropy);

/// <summary>Result of the "perClass" evaluation (homework 1).</summary>
public sealed record PerClassEvaluationResult(IReadOnlyList<ClassReconstruction> Classes);

/// <summary>Result of the "patchReconstruction" evaluation (homework 2): mean squared error per pixel in the original intensity space.</summary>
public sealed record PatchReconstructionResult(int Width, int Height, double? BinaryError, double? ProbabilityError);

/// <summary>The evaluations a job can run once training is done. Each returns its result and an optional PNG.</summary>
public static class RbmEvaluator
{
    /// <summary>Test digits per class shown in the per-class image.</summary>
    public const int PerClassImageColumns = 10;

    /// <summary>
    /// Annealed importance sampling from the base-rate model of <paramref name="train"/> to <paramref name="rbm"/>,
    /// then the average log-probability of <paramref name="test"/>.
    /// </summary>
    /// <param name="train">Training rows (samples × visible) for the base rates.</param>
    /// <param name="test">Test rows (samples × visible).</param>
    public static AisEvaluationResult Ais(Rbm rbm, Matrix train, Matrix test, AisSpec spec, ulong seed, CancellationToken cancellationToken)
    {
        var baseBias = AnnealedImportanceSampling.BaseRateBiases(train);
        var ais = AnnealedImportanceSampling.EstimateLogPartition(rbm, new AisOptions(spec.Runs, spec.Betas, seed), baseBias, cancellationToken);
        double average = RbmLikelihood.AverageLogProbability(rbm, test, ais.LogZ);
        return new AisEvaluationResult(
            EpochReportDto.Finite(ais.LogZ),
            EpochReportDto.Finite(ais.LogZLow),
            EpochReportDto.Finite(ais.LogZHigh),
            EpochReportDto.Finite(average),
            test.Rows,
            ais.Runs,
            ais.Intermediate,
            ais.Seconds);
    }

    /// <summary>
    /// Homework 1: reconstructs up to <paramref name="limit"/> MNIST test digits of every class 0–9 (same image size and
    /// binarization as training) and renders, per class, a row of test digits above their reconstructions.
    /// </summary>
    public static (PerClassEvaluationResult Result, byte[] Png) PerClass(Rbm rbm, DataSpec spec, int limit, CancellationToken cancellationToken)
    {
        var classes = new List<ClassReconstruction>(10);
        var rows = new List<(float[] Originals, float[] Reconstructions, int Count)>(10);
        int width = spec.ImageSize;
        int height = spec.ImageSize;
        for (int digit = 0; digit <= 9; digit++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var test = DatasetLoader.Load(spec with { Dataset = DataSpecValidator.MnistDataset, Split = DataSpecValidator.TestSplit, Classes = [digit], Limit = limit });
            (width, height) = (test.Width, test.Height);
            (double squared, double crossEntropy) = RbmMetrics.ReconstructionErrors(rbm, test.Features);
            bool trainedOn = spec.Classes is null || spec.Classes.Contains(digit);
            classes.Add(new ClassReconstruction(digit, trainedOn, test.Count, EpochReportDto.Finite(squared), EpochReportDto.Finite(crossEntropy)));

            var shown = test.Features.FirstRows(PerClassImageColumns);
            var reconstructions = new float[shown.Length];
            rbm.Reconstruct(shown.AsSpan(), shown.Rows, reconstructions);
            rows.Add((shown.Data, reconstructions, shown.Rows));
        }

        byte[] png = EvaluationImages.RenderPairRows(rows, width, height, PerClassImageColumns);
        return (new PerClassEvaluationResult(classes), png);
    }

    /// <summary>
    /// Homework 2: reconstructs <paramref name="image"/> window by window (standardize → RBM → inverse transform, overlaps
    /// averaged), once from sampled binary hidden states and once from hidden probabilities, and renders
    /// original | binary | probabilities side by side.
    /// </summary>
    public static (PatchReconstructionResult Result, byte[] Png) PatchReconstruction(
        Rbm rbm, PatchStandardizer standardizer, GrayImage image, PatchesSpec spec, ulong seed, CancellationToken cancellationToken)
    {
        var rng = new Xoshiro256StarStar(seed);
        GrayImage Reconstruct(HiddenFeatures features) => SlidingWindow.Reconstruct(image, spec.PatchSize, spec.Stride, (input, output) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var standardized = standardizer.Transform(input, out var statistics);
            var reconstruction = new Matrix(standardized.Rows, standardized.Cols);
            rbm.Reconstruct(standardized.AsSpan(), standardized.Rows, reconstruction.AsSpan(), features, rng);
            standardizer.InverseTransform(reconstruction, statistics).AsSpan().CopyTo(output.AsSpan());
        });

        var binary = Reconstruct(HiddenFeatures.Binary);
        var probabilities = Reconstruct(HiddenFeatures.Probabilities);
        var result = new PatchReconstructionResult(
            image.Width,
            image.Height,
            EpochReportDto.Finite(MeanSquaredError(image.Pixels, binary.Pixels)),
            EpochReportDto.Finite(MeanSquaredError(image.Pixels, probabilities.Pixels)));
        return (result, EvaluationImages.RenderSideBySide([image, binary, probabilities]));
    }

    private static double MeanSquaredError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            sum += d * d;
        }

        return expected.Length == 0 ? double.NaN : sum / expected.Length;
    }
}
