using DeepNet.Models;

namespace DeepNet.Server.Contracts;

/// <summary>
/// A deep belief network job (kind "dbn"): greedy layer-wise pre-training of a stack of hidden layers, then the chosen
/// fine-tuning. Every field is optional; the defaults are a small, quick 2-layer DBN with global fine-tuning.
/// </summary>
public sealed record DbnJobSpec
{
    /// <summary>The hidden layers, bottom first (1..8). Default: two layers of 100 units.</summary>
    public IReadOnlyList<DbnLayerSpec>? Layers { get; init; }

    /// <summary>What a pre-trained layer passes up to train the next: "samples" of Q(h|below) (the lecture) or "probabilities".</summary>
    public string Propagation { get; init; } = DbnSpecNames.Samples;

    /// <summary>
    /// How the hidden layers are pre-trained: "rbm" (a DBN: one RBM per layer), "autoEncoder" (layer-wise auto-associators),
    /// "supervised" (layer-wise, each layer trained with a temporary softmax output) or "none" (random initialization).
    /// </summary>
    public string Pretraining { get; init; } = DbnSpecNames.Rbm;

    /// <summary>
    /// What follows pre-training: "global" (unroll into a sigmoid net with a softmax output and backprop all weights),
    /// "classifierOnTop" (a softmax layer on the frozen top features) or "none" (features only).
    /// </summary>
    public string FineTuning { get; init; } = DbnSpecNames.Global;

    /// <summary>Backprop settings of the fine-tuning (and of supervised pre-training).</summary>
    public DbnBackpropSpec Backprop { get; init; } = new();

    /// <summary>Hinton 2006: the top RBM is trained on the layer below joined with 10 one-hot label units, so samples can be drawn per class.</summary>
    public bool JoinLabels { get; init; }

    /// <summary>The last N training rows are held out as the validation set (e.g. 10000 for MNIST's usual split); 0 = none.</summary>
    public int Validation { get; init; }

    /// <summary>Test digits the test error is measured on (1..10000; MNIST test split, first N); null = all 10000.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Seed of everything random in the run (weights, minibatch order, samples).</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>The minibatch schedule both a layer's pre-training and the backprop have: same names, same ranges.</summary>
public interface IDbnMinibatchSpec
{
    int Epochs { get; }

    float LearningRate { get; }

    int BatchSize { get; }

    float Momentum { get; }

    float WeightDecay { get; }
}

/// <summary>One hidden layer of a DBN and the hyperparameters of its pre-training (an RBM's, see <see cref="RbmOptions"/>).</summary>
public sealed record DbnLayerSpec : IDbnMinibatchSpec
{
    /// <summary>Hidden units, 1..4096.</summary>
    public int HiddenUnits { get; init; } = 100;

    /// <summary>Pre-training epochs, 1..1000 (ignored when pretraining is "none").</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Pre-training learning rate ε, (0, 10].</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>Gibbs steps of CD-k, 1..100.</summary>
    public int K { get; init; } = 1;

    /// <summary>Minibatch size, 1..10000.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Momentum [0, 1): 0.5 in the first 5 epochs, then this value (Hinton's guide); 0 = none.</summary>
    public float Momentum { get; init; }

    /// <summary>L2 weight cost λ, [0, 1].</summary>
    public float WeightDecay { get; init; }

    /// <summary>
    /// Standard deviation of the initial weights, (0, 1]; null = 0.01 for RBM pre-training (Hinton's guide) and
    /// 1/√(units below) for the other pre-training modes.
    /// </summary>
    public float? InitStd { get; init; }

    /// <summary>Visible units of the first layer: Bernoulli (grey levels in [0, 1]) or Gaussian; higher layers are always Bernoulli.</summary>
    public VisibleUnitType VisibleType { get; init; } = VisibleUnitType.Bernoulli;
}

/// <summary>Minibatch SGD with momentum and weight decay on the unrolled network.</summary>
public sealed record DbnBackpropSpec : IDbnMinibatchSpec
{
    /// <summary>ε, (0, 10].</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>Momentum [0, 1).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>L2 weight cost λ, [0, 1].</summary>
    public float WeightDecay { get; init; }

    /// <summary>Minibatch size, 1..10000.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Epochs, 1..1000.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>For the first N epochs (0..epochs) only the softmax layer is trained, as Hinton's backpropclassify does.</summary>
    public int TopLayerOnlyEpochs { get; init; }

    /// <summary>
    /// Probability of dropping each hidden unit during fine-tuning, [0, 0.9) (Hinton et al. 2012; 0.5 is typical).
    /// Inverted dropout: kept activations are scaled by 1/(1 − p) while training, so the model is used unchanged.
    /// 0 (default) turns it off.
    /// </summary>
    public float Dropout { get; init; }

    /// <summary>Probability of dropping each input unit during fine-tuning, [0, 0.9) (0.2 is typical); 0 (default) turns it off.</summary>
    public float InputDropout { get; init; }
}

/// <summary>The string values of <see cref="DbnJobSpec"/>'s modes.</summary>
public static class DbnSpecNames
{
    public const string Samples = "samples";
    public const string Probabilities = "probabilities";

    public const string Rbm = "rbm";
    public const string AutoEncoder = "autoEncoder";
    public const string Supervised = "supervised";
    public const string None = "none";

    public const string Global = "global";
    public const string ClassifierOnTop = "classifierOnTop";

    public static IReadOnlyList<string> Propagations { get; } = [Samples, Probabilities];

    public static IReadOnlyList<string> Pretrainings { get; } = [Rbm, AutoEncoder, Supervised, None];

    public static IReadOnlyList<string> FineTunings { get; } = [Global, ClassifierOnTop, None];
}

/// <summary>Arguments of the DbnHub streaming method <c>Generate</c>.</summary>
public sealed record DbnGenerateRequest
{
    /// <summary>A trained DBN model. Required.</summary>
    public Guid? ModelId { get; init; }

    /// <summary>Parallel chains, 1..100. Default 20.</summary>
    public int? Chains { get; init; }

    /// <summary>Gibbs steps in the top RBM, 1..5000. Default 200.</summary>
    public int? Steps { get; init; }

    /// <summary>A frame every this many steps, 1..steps. Default 10.</summary>
    public int? Every { get; init; }

    /// <summary>Digit 0..9 clamped on the label units (DBNs trained with joinLabels only); null = free running.</summary>
    public int? Label { get; init; }

    /// <summary>Random seed of the chains. Default 1.</summary>
    public ulong? Seed { get; init; }
}

/// <summary>One frame of a DBN generation stream.</summary>
/// <param name="Step">Gibbs steps done in the top RBM (0 = the starting state).</param>
/// <param name="PngBase64">Base64 PNG: the chains' pixels after the down pass, one tile per chain, 10 per row.</param>
public sealed record DbnGenerationFrame(int Step, string PngBase64);
