namespace DeepNet.Models;

/// <summary>Settings of <see cref="AnnealedImportanceSampling"/>.</summary>
/// <param name="Runs">Independent AIS chains (importance weights), run together as one Runs×V batch; at least 2.</param>
/// <param name="Intermediate">Number of transitions K: the β schedule has K + 1 temperatures from 0 to 1; at least 3.</param>
/// <param name="Seed">Fixes every random draw of the estimate.</param>
public sealed record AisOptions(int Runs = 100, int Intermediate = 10000, ulong Seed = 1);
