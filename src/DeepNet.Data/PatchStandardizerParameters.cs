namespace DeepNet.Data;

/// <summary>
/// Everything a fitted <see cref="PatchStandardizer"/> needs, as plain data (System.Text.Json round-trips it).
/// </summary>
/// <param name="Features">Values per patch (size·size).</param>
/// <param name="Mean">Features per-pixel means subtracted after the mode's first step.</param>
/// <param name="Std">Features per-pixel divisors (all 1 in PerPatch mode).</param>
/// <param name="Zca">Features × Features symmetric whitening matrix, row-major, or null without ZCA.</param>
/// <param name="ZcaInverse">Features × Features inverse of <paramref name="Zca"/>, row-major, or null without ZCA.</param>
/// <param name="ZcaEpsilon">The regularizer added to every covariance eigenvalue.</param>
public sealed record PatchStandardizerParameters(
    StandardizationMode Mode,
    int Features,
    float[] Mean,
    float[] Std,
    float[]? Zca,
    float[]? ZcaInverse,
    float ZcaEpsilon);
