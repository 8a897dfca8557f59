namespace DeepNet.Server.Jobs;

/// <summary>The images of a job: rendered while it trains, or by an evaluation after training.</summary>
public static class JobImageKinds
{
    /// <summary>Each hidden unit's weights as one tile, normalized per tile, in a grid.</summary>
    public const string Filters = "filters";

    /// <summary>Fixed held-out samples (top row) above their reconstructions.</summary>
    public const string Reconstructions = "reconstructions";

    /// <summary>Homework 1: for each digit 0–9 a row of test digits above a row of their reconstructions.</summary>
    public const string PerClass = "per-class";

    /// <summary>Homework 2: the test image, its reconstruction from binary features and from probabilities, side by side.</summary>
    public const string PatchReconstruction = "patch-reconstruction";

    /// <summary>Kinds rendered during training (versioned, streamed as Image messages).</summary>
    public static IReadOnlyList<string> Training { get; } = [Filters, Reconstructions];

    public static IReadOnlyList<string> All { get; } = [Filters, Reconstructions, PerClass, PatchReconstruction];

    /// <summary>An RBM, DBN or CNN image kind.</summary>
    public static bool IsKnown(string kind) =>
        All.Contains(kind, StringComparer.Ordinal) || Dbn.DbnImageKinds.IsKnown(kind) || Cnn.CnnImageKinds.IsKnown(kind);

    /// <summary>Every image kind of every job kind, for error messages (CNN filters are "filters-1".."filters-20").</summary>
    public static IEnumerable<string> Described =>
        All.Concat(Dbn.DbnImageKinds.All).Concat(["filters-1", "…", "filters-20", "feature-maps"]).Distinct(StringComparer.Ordinal);

    /// <summary>The evaluation whose image this kind is, or null for training images.</summary>
    public static string? EvaluationOf(string kind) => kind switch
    {
        PerClass => JobKinds.PerClassEvaluation,
        PatchReconstruction => JobKinds.PatchReconstructionEvaluation,
        _ => null,
    };

    /// <summary>The image kind of an evaluation, or null when it renders none.</summary>
    public static string? ImageOf(string evaluationKind) => evaluationKind switch
    {
        JobKinds.PerClassEvaluation => PerClass,
        JobKinds.PatchReconstructionEvaluation => PatchReconstruction,
        _ => null,
    };
}
