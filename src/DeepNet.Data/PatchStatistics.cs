namespace DeepNet.Data;

/// <summary>
/// The per-patch mean and (regularized) standard deviation that <see cref="PatchStandardizer.Transform"/> removed in
/// <see cref="StandardizationMode.PerPatch"/> mode; <see cref="PatchStandardizer.InverseTransform"/> puts them back.
/// </summary>
/// <param name="Mean">One mean per patch (row).</param>
/// <param name="Std">One divisor per patch: sqrt(variance + <see cref="PatchStandardizer.VarianceEpsilon"/>).</param>
public sealed record PatchStatistics(float[] Mean, float[] Std)
{
    public int Count => Mean.Length;
}
