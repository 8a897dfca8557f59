namespace DeepNet.Server.Jobs;

/// <summary>The images a job renders while it trains.</summary>
public static class JobImageKinds
{
    /// <summary>Each hidden unit's weights as one tile, normalized per tile, in a grid.</summary>
    public const string Filters = "filters";

    /// <summary>Fixed held-out digits (top row) above their reconstructions.</summary>
    public const string Reconstructions = "reconstructions";

    public static IReadOnlyList<string> All { get; } = [Filters, Reconstructions];

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);
}
