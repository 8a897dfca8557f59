namespace DeepNet.Models;

/// <summary>
/// What <see cref="RbmMonitor"/> measures after an epoch, on its fixed training and held-out samples.
/// </summary>
/// <param name="Epoch">The epoch just completed (1-based).</param>
/// <param name="SquaredError">Mean over the training sample of Σᵢ (xᵢ − pᵢ)², p the mean-field reconstruction.</param>
/// <param name="CrossEntropy">Mean over the training sample of −Σᵢ [xᵢ log pᵢ + (1 − xᵢ) log(1 − pᵢ)]; NaN for Gaussian visible units.</param>
/// <param name="PseudoLogLikelihood">scikit-learn's pseudo-log-likelihood, mean over the training sample; null for Gaussian visible units.</param>
/// <param name="FreeEnergyTrain">Mean free energy of the training sample.</param>
/// <param name="FreeEnergyHeldOut">Mean free energy of the held-out sample; a held-out value growing above the training value shows overfitting.</param>
/// <param name="HiddenMeanActivation">Mean Q(hⱼ=1|x) over the training sample, length H.</param>
/// <param name="DeadUnits">Hidden units with mean activation below 0.01.</param>
/// <param name="SaturatedUnits">Hidden units with mean activation above 0.99.</param>
/// <param name="Weights">Histogram of W.</param>
/// <param name="VisibleBias">Histogram of b.</param>
/// <param name="HiddenBias">Histogram of c.</param>
public sealed record RbmEpochReport(
    int Epoch,
    double SquaredError,
    double CrossEntropy,
    double? PseudoLogLikelihood,
    double FreeEnergyTrain,
    double FreeEnergyHeldOut,
    float[] HiddenMeanActivation,
    int DeadUnits,
    int SaturatedUnits,
    Histogram Weights,
    Histogram VisibleBias,
    Histogram HiddenBias);
