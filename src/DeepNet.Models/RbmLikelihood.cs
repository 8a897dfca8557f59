using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>Log-probabilities of data under a Bernoulli RBM given its log partition function.</summary>
public static class RbmLikelihood
{
    /// <summary>
    /// Mean over the rows x of <paramref name="data"/> (samples×V, binary for a true log-probability) of
    /// log p(x) = −F(x) − log Z, in nats. <paramref name="logZ"/> comes from <see cref="ExactPartition.LogZ"/> or
    /// <see cref="AnnealedImportanceSampling.EstimateLogPartition"/>.
    /// </summary>
    public static double AverageLogProbability(Rbm rbm, Matrix data, double logZ)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        if (rbm.VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("Log-probabilities are available for Bernoulli visible units.", nameof(rbm));
        }

        return -RbmMetrics.MeanFreeEnergy(rbm, data) - logZ;
    }
}
