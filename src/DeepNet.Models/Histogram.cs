namespace DeepNet.Models;

/// <summary>Counts of values in equal-width bins spanning [Min, Max]; bin k covers [Min + k·w, Min + (k+1)·w) with w = (Max − Min)/Counts.Length.</summary>
/// <param name="Min">The smallest value counted.</param>
/// <param name="Max">The largest value counted (it falls in the last bin).</param>
/// <param name="Counts">One count per bin.</param>
public sealed record Histogram(double Min, double Max, int[] Counts);
