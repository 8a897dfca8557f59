namespace DeepNet.Server.Demos;

/// <summary>Request body of <c>POST /api/demos/feature-maps</c>.</summary>
public sealed record FeatureMapsRequest
{
    /// <summary>The trained model whose filters (weight rows reshaped to square tiles) convolve the image. Required.</summary>
    public Guid? ModelId { get; init; }

    /// <summary>"builtin:&lt;name&gt;" or an uploaded image's id. Default "builtin:chelsea".</summary>
    public string? Image { get; init; }

    /// <summary>Side of the square the image is resized to before the convolution, 16..512. Default 175 (the lecture's size).</summary>
    public int? Size { get; init; }
}

/// <summary>Arguments of the DemosHub streaming method <c>Gibbs</c>.</summary>
public sealed record GibbsRequest
{
    /// <summary>The trained model to sample from. Required.</summary>
    public Guid? ModelId { get; init; }

    /// <summary>
    /// "noise" (random visible states) or "digit" (test digits of the model's data spec; for a model trained on a data set
    /// the caller may not read, MNIST test digits of its size instead, or a refusal when it takes no MNIST size). Default "noise".
    /// </summary>
    public string? Start { get; init; }

    /// <summary>Parallel chains, 1..64. Default 16.</summary>
    public int? Chains { get; init; }

    /// <summary>Gibbs steps (v → h → v), 1..5000. Default 500.</summary>
    public int? Steps { get; init; }

    /// <summary>A frame every this many steps, 1..steps. Default 10.</summary>
    public int? Every { get; init; }

    /// <summary>Random seed of the chains. Default 1.</summary>
    public ulong? Seed { get; init; }
}

/// <summary>One frame of a Gibbs sampling stream.</summary>
/// <param name="Step">Gibbs steps done so far (0 = the starting state).</param>
/// <param name="PngBase64">Base64 PNG: the chains' visible means, first half of the chains in the top row, second half below.</param>
public sealed record GibbsFrame(int Step, string PngBase64);
