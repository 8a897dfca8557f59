namespace DeepNet.Server.Contracts;

/// <summary>A convolutional network job (kind "cnn"); see the issue-5 contract. Filled in by the CNN work.</summary>
public sealed record CnnJobSpec
{
}
