namespace DeepNet.Models.Dbn;

/// <summary>
/// How the hidden layers of a stack are initialized before fine-tuning (the rows of Bengio et al. 2007's table). Every
/// mode produces the same layout — one <see cref="Rbm"/> per layer with W (H×V), visible bias b (V) and hidden bias c
/// (H) — so fine-tuning (<see cref="DbnFineTuning"/>) works unchanged. A "shallow" net is a stack of one layer.
/// </summary>
/// <remarks>
/// Every mode reads from the layer's <see cref="RbmOptions"/>: HiddenUnits, Epochs, BatchSize, LearningRate,
/// LearningRateDecay, InitialMomentum/FinalMomentum/MomentumSwitchEpoch, WeightDecay, InitialWeightStdDev and Seed.
/// K, SampleReconstruction, Persistent*, Sparsity* apply to <see cref="Rbm"/> only; InitializeVisibleBiasFromData applies
/// to <see cref="Rbm"/> and <see cref="AutoEncoder"/> (whose decoder bias is b).
/// </remarks>
public enum DbnPretraining
{
    /// <summary>Greedy RBM stack trained by contrastive divergence (a DBN; Hinton, Osindero &amp; Teh 2006).</summary>
    Rbm,

    /// <summary>
    /// Layer-wise auto-associators (Bengio et al. 2007): layer l is a tied-weight sigmoid autoencoder
    /// h = sigm(c + W x), x̂ = sigm(b + Wᵀ h) trained by minibatch SGD with momentum on the cross-entropy
    /// −Σᵢ [xᵢ log x̂ᵢ + (1 − xᵢ) log(1 − x̂ᵢ)] of its input (the layer below's probabilities). The encoder W, c and the
    /// decoder bias b become the layer's RBM parameters. Needs inputs in [0, 1] (Bernoulli visible units).
    /// </summary>
    AutoEncoder,

    /// <summary>
    /// Greedy supervised layer-wise (Bengio et al. 2007): layer l is the hidden layer of a one-hidden-layer sigmoid
    /// network with a temporary softmax output, trained by backprop on the layer below's probabilities with the labels;
    /// the softmax is then dropped. Both weight matrices start at N(0, InitialWeightStdDev²); momentum is the constant
    /// FinalMomentum. b (unused by the up pass) stays 0.
    /// </summary>
    Supervised,

    /// <summary>No pre-training: W ~ N(0, InitialWeightStdDev²) drawn from the layer's Seed (as the RBM initialization), biases 0.</summary>
    None,
}

/// <summary>Summary of one finished pre-training epoch (1-based) of any <see cref="DbnPretraining"/> mode.</summary>
/// <param name="Mode">The pre-training mode of the layer.</param>
/// <param name="Loss">
/// Mean per sample over the epoch: <see cref="DbnPretraining.Rbm"/> the squared reconstruction error Σᵢ (x1ᵢ − P(x2ᵢ=1|h1))²;
/// <see cref="DbnPretraining.AutoEncoder"/> the reconstruction cross-entropy; <see cref="DbnPretraining.Supervised"/> the
/// softmax cross-entropy −log p(label).
/// </param>
/// <param name="TrainingError">Fraction of samples misclassified by the temporary softmax (supervised layers only; else null).</param>
public sealed record DbnLayerEpochMetrics(
    DbnPretraining Mode, int Epoch, int Epochs, double Loss, double? TrainingError, double SamplesPerSecond, double Seconds);
