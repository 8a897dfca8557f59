namespace DeepNet.Server.RbmFamily;

/// <summary>The images of an RBM job: rendered while it trains, or by an evaluation after training.</summary>
public static class RbmImageKinds
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
}
