namespace DeepNet.Models;

/// <summary>
/// Hyperparameters of an RBM (Bernoulli or Gaussian visible units, Bernoulli hidden units) trained by CD-k or
/// persistent CD. The defaults reproduce the lecture's CD-1 update with Hinton's practical-guide initialization.
/// </summary>
public sealed record RbmOptions
{
    /// <summary>Number of hidden units (49 gives the lecture's 7×7 filter grid).</summary>
    public int HiddenUnits { get; init; } = 49;

    /// <summary>Gibbs steps per update: CD-k (or k steps of every persistent chain per update). k = 1 is the lecture's update.</summary>
    public int K { get; init; } = 1;

    /// <summary>ε, applied to the minibatch mean of the per-sample update (in epoch 1; see <see cref="LearningRateDecay"/>).</summary>
    public float LearningRate { get; init; } = 0.1f;

    public int BatchSize { get; init; } = 20;

    public int Epochs { get; init; } = 5;

    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// True: the negative-phase visible state is a sample of x|h (a binary sample for Bernoulli units, mean + σ·N(0,1)
    /// for Gaussian units; the lecture's update). False: it is the mean E[x|h] itself.
    /// </summary>
    public bool SampleReconstruction { get; init; } = true;

    /// <summary>Bernoulli (binary data in [0, 1]) or Gaussian (real-valued data, standardized upstream) visible units.</summary>
    public VisibleUnitType VisibleType { get; init; } = VisibleUnitType.Bernoulli;

    /// <summary>σ of Gaussian visible units (ignored for Bernoulli units); 1 for standardized data.</summary>
    public float Sigma { get; init; } = 1f;

    /// <summary>
    /// Persistent CD (Tieleman 2008): the negative statistics come from <see cref="PersistentChains"/> fantasy particles
    /// that are advanced <see cref="K"/> Gibbs steps per update and never reset. False: CD-k from the data.
    /// </summary>
    public bool Persistent { get; init; }

    /// <summary>Number of persistent chains (fantasy particles) for <see cref="Persistent"/> CD.</summary>
    public int PersistentChains { get; init; } = 100;

    /// <summary>Momentum α while epoch ≤ <see cref="MomentumSwitchEpoch"/>: Δθ ← α·Δθ + ε·gradient; θ ← θ + Δθ.</summary>
    public float InitialMomentum { get; init; }

    /// <summary>Momentum α after epoch <see cref="MomentumSwitchEpoch"/> (Hinton's guide: 0.5, then 0.9).</summary>
    public float FinalMomentum { get; init; }

    /// <summary>Last (1-based) epoch that uses <see cref="InitialMomentum"/>; 0 uses <see cref="FinalMomentum"/> throughout.</summary>
    public int MomentumSwitchEpoch { get; init; } = 5;

    /// <summary>L2 weight cost λ on W (not the biases): ΔW −= ε·λ·W per update.</summary>
    public float WeightDecay { get; init; }

    /// <summary>
    /// Desired mean activation p of every hidden unit (Hinton's guide §11), or null for no sparsity term.
    /// With q the running estimate of a unit's mean activation: Δc += ε·cost·(p − q), ΔW_j += ε·cost·(p − q_j)·mean(x)/σ.
    /// </summary>
    public float? SparsityTarget { get; init; }

    /// <summary>Weight of the sparsity term (Hinton's guide: 0.01–0.1, then tuned).</summary>
    public float SparsityCost { get; init; }

    /// <summary>Decay of the running activation estimate: q ← decay·q + (1 − decay)·(minibatch mean of Q(h=1|x)).</summary>
    public float SparsityDecay { get; init; } = 0.95f;

    /// <summary>Per-epoch learning-rate factor: ε_epoch = ε·decay^(epoch − 1). 1 keeps ε constant.</summary>
    public float LearningRateDecay { get; init; } = 1f;

    /// <summary>
    /// True: visible biases start at the data's log-odds b_i = log(p_i/(1 − p_i)), p_i the mean of feature i clamped to
    /// [0.001, 0.999] (Bernoulli), or at the data mean (Gaussian) — Hinton's guide §8. False: they start at 0.
    /// </summary>
    public bool InitializeVisibleBiasFromData { get; init; } = true;

    /// <summary>Standard deviation of the initial weights W ~ N(0, s²); hidden biases start at 0.</summary>
    public float InitialWeightStdDev { get; init; } = 0.01f;
}
