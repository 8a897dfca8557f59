namespace DeepNet.Models;

/// <summary>Hyperparameters of a Bernoulli–Bernoulli RBM trained by CD-k.</summary>
public sealed record RbmOptions
{
    /// <summary>Number of hidden units (49 gives the lecture's 7×7 filter grid).</summary>
    public int HiddenUnits { get; init; } = 49;

    /// <summary>Gibbs steps per update: CD-k. k = 1 is the lecture's update.</summary>
    public int K { get; init; } = 1;

    /// <summary>ε, applied to the minibatch mean of the per-sample update.</summary>
    public float LearningRate { get; init; } = 0.1f;

    public int BatchSize { get; init; } = 20;

    public int Epochs { get; init; } = 5;

    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// True: the negative-phase visible state x2 is a binary sample of P(x2|h1) (the lecture's update).
    /// False: x2 is the mean-field probability P(x2=1|h1) itself.
    /// </summary>
    public bool SampleReconstruction { get; init; } = true;
}
