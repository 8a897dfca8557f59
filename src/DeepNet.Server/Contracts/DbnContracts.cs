namespace DeepNet.Server.Contracts;

/// <summary>A deep belief network job (kind "dbn"); see the issue-4 contract. Filled in by the DBN work.</summary>
public sealed record DbnJobSpec
{
}
