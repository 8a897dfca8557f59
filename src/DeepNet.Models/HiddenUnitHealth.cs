namespace DeepNet.Models;

/// <summary>How the hidden units respond to data.</summary>
/// <param name="MeanActivation">Mean of Q(hⱼ=1|x) over the data, one entry per hidden unit (length H).</param>
/// <param name="Dead">Units whose mean activation is below 0.01.</param>
/// <param name="Saturated">Units whose mean activation is above 0.99.</param>
public sealed record HiddenUnitHealth(float[] MeanActivation, int Dead, int Saturated);
