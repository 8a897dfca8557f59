using System.Text.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Assignments;

/// <summary>The metrics an assignment may show in its class view, and how each is read from a finished run.</summary>
public static class AssignmentMetrics
{
    /// <summary>Mean squared reconstruction error per sample of the last epoch (RBM jobs).</summary>
    public const string ReconstructionError = "reconstructionError";

    /// <summary>Homework 1: mean per-class reconstruction error over the digits it was trained on.</summary>
    public const string TrainedDigitsError = "trainedDigitsError";

    /// <summary>Homework 1: mean per-class reconstruction error over the digits it never saw.</summary>
    public const string OtherDigitsError = "otherDigitsError";

    /// <summary>Homework 2: reconstruction error from sampled (binary) hidden states.</summary>
    public const string BinaryError = "binaryError";

    /// <summary>Homework 2: reconstruction error from hidden probabilities (non-binary).</summary>
    public const string NonBinaryError = "nonBinaryError";

    /// <summary>A classifier's test error in percent (the tables).</summary>
    public const string TestError = "testError";

    public static readonly IReadOnlyList<string> All = [ReconstructionError, TrainedDigitsError, OtherDigitsError, BinaryError, NonBinaryError, TestError];

    /// <summary>The value of <paramref name="metric"/> for <paramref name="job"/>; null when the run has none.</summary>
    public static double? Read(string metric, JobDto job, double? testError) => metric switch
    {
        ReconstructionError => job.History.Count > 0 ? job.History[^1].ReconstructionError : null,
        TrainedDigitsError => MeanPerClass(job, trainedOn: true),
        OtherDigitsError => MeanPerClass(job, trainedOn: false),
        BinaryError => Number(Evaluation(job, RbmKinds.PatchReconstructionEvaluation), "binaryError"),
        NonBinaryError => Number(Evaluation(job, RbmKinds.PatchReconstructionEvaluation), "probabilityError"),
        TestError => testError,
        _ => null,
    };

    /// <summary>Reconstruction error per digit 0–9 of the perClass evaluation (homework 1); null when the run has none.</summary>
    public static IReadOnlyList<double?>? PerClass(JobDto job)
    {
        if (Evaluation(job, RbmKinds.PerClassEvaluation) is not { } result || !result.TryGetProperty("classes", out var classes) || classes.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var errors = new double?[10];
        foreach (var row in classes.EnumerateArray())
        {
            if (row.TryGetProperty("digit", out var digit) && digit.TryGetInt32(out int d) && d is >= 0 and < 10)
            {
                errors[d] = Number(row, "squaredError");
            }
        }

        return errors;
    }

    /// <summary>The digits the run was trained on, as its perClass evaluation lists them; empty when it has none.</summary>
    public static IReadOnlyList<int> TrainedDigits(JobDto job) =>
        Evaluation(job, RbmKinds.PerClassEvaluation) is { } result && result.TryGetProperty("classes", out var classes) && classes.ValueKind == JsonValueKind.Array
            ? [.. classes.EnumerateArray()
                .Where(row => row.TryGetProperty("trainedOn", out var t) && t.ValueKind == JsonValueKind.True)
                .Select(row => row.TryGetProperty("digit", out var d) && d.TryGetInt32(out int digit) ? digit : -1)
                .Where(digit => digit is >= 0 and < 10)]
            : [];

    /// <summary>The learning curve: an RBM's reconstruction error per epoch, or a classifier's training error per stage epoch.</summary>
    public static IReadOnlyList<double> Curve(JobDto job) =>
        job.History.Count > 0
            ? [.. job.History.Select(h => (double)h.ReconstructionError)]
            : [.. (job.Stages ?? []).Select(s => Number(s.Metrics, "trainError")).OfType<double>()];

    private static double? MeanPerClass(JobDto job, bool trainedOn)
    {
        if (Evaluation(job, RbmKinds.PerClassEvaluation) is not { } result || !result.TryGetProperty("classes", out var classes))
        {
            return null;
        }

        var values = classes.EnumerateArray()
            .Where(row => row.TryGetProperty("trainedOn", out var t) && t.ValueKind == (trainedOn ? JsonValueKind.True : JsonValueKind.False))
            .Select(row => Number(row, "squaredError"))
            .OfType<double>()
            .ToList();
        return values.Count > 0 ? values.Average() : null;
    }

    private static JsonElement? Evaluation(JobDto job, string kind) =>
        job.Evaluations?.FirstOrDefault(e => e.Kind == kind)?.Result;

    private static double? Number(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;
}
