namespace DeepNet.Models;

/// <summary>The visible units' distribution given the hidden state.</summary>
public enum VisibleUnitType
{
    /// <summary>Binary units: P(x=1|h) = sigm(b + Wᵀh).</summary>
    Bernoulli,

    /// <summary>Real-valued units: x|h ~ N(b + σWᵀh, σ²), for standardized data such as image patches.</summary>
    Gaussian,
}

/// <summary>
/// What the hidden layer passes on: the lecture's "binary" features (sampled states)
/// or "non-binary" features (the probabilities Q(h=1|x)).
/// </summary>
public enum HiddenFeatures
{
    Probabilities,
    Binary,
}
