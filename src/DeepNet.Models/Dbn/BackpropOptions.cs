namespace DeepNet.Models.Dbn;

/// <summary>Hyperparameters of minibatch SGD with momentum and L2 weight decay on a <see cref="DenseSigmoidNetwork"/>.</summary>
public sealed record BackpropOptions
{
    /// <summary>ε, applied to the minibatch mean gradient (in epoch 1; see <see cref="LearningRateDecay"/>).</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>Per-epoch learning-rate factor: ε_epoch = ε·decay^(epoch − 1). 1 keeps ε constant.</summary>
    public float LearningRateDecay { get; init; } = 1f;

    /// <summary>α: Δθ ← α·Δθ − ε·(∂loss/∂θ + λ·θ); θ ← θ + Δθ.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>L2 weight cost λ on the weights (not the biases).</summary>
    public float WeightDecay { get; init; }

    public int BatchSize { get; init; } = 100;

    public int Epochs { get; init; } = 10;

    /// <summary>Seed of the per-epoch shuffle.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// For the first N epochs only the softmax (top) layer is trained, as Hinton's backpropclassify does, so that the
    /// random output weights do not wreck pre-trained features; afterwards all unfrozen layers are trained.
    /// </summary>
    public int TopLayerOnlyEpochs { get; init; }

    /// <summary>The lowest N layers are frozen for the whole run: never updated, their gradients never computed.</summary>
    public int FrozenLayers { get; init; }

    /// <summary>
    /// Dropout of the hidden units (Hinton et al. 2012), [0, 0.9): during training each hidden activation of every
    /// minibatch is zeroed with this probability and the kept ones are scaled by 1/(1 − p) (inverted dropout), so the
    /// trained network is used unchanged for evaluation and prediction. The masks are drawn from the run's seeded
    /// generator. 0 (the default) turns it off and leaves the run bit-identical to one without dropout.
    /// </summary>
    public float HiddenDropout { get; init; }

    /// <summary>Dropout of the input units, [0, 0.9), like <see cref="HiddenDropout"/>; typically 0.2. 0 turns it off.</summary>
    public float InputDropout { get; init; }
}
