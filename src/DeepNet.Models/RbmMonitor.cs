using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Per-epoch monitoring on fixed samples of the training data and of held-out data. Samples larger than
/// <see cref="MaxSampleRows"/> rows are subsampled once (without replacement, fixed by the seed), and the pseudo-log-likelihood
/// draws its flip indices from a generator re-seeded with the seed on every report, so the same model always gets the same report.
/// </summary>
public sealed class RbmMonitor
{
    /// <summary>Rows kept from each sample.</summary>
    public const int MaxSampleRows = 1000;

    /// <summary>Bins of the weight and bias histograms.</summary>
    public const int HistogramBins = 30;

    private readonly Matrix _train;
    private readonly Matrix _heldOut;
    private readonly ulong _seed;

    /// <param name="trainSample">Training rows, samples×V, at least one row.</param>
    /// <param name="heldOutSample">Held-out rows, samples×V, at least one row.</param>
    /// <param name="seed">Fixes the subsampling and the pseudo-log-likelihood's flip indices.</param>
    public RbmMonitor(Matrix trainSample, Matrix heldOutSample, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(trainSample);
        ArgumentNullException.ThrowIfNull(heldOutSample);
        if (trainSample.Rows < 1 || heldOutSample.Rows < 1)
        {
            throw new ArgumentException("The monitor needs at least one training and one held-out row.");
        }

        if (trainSample.Cols != heldOutSample.Cols)
        {
            throw new ArgumentException(
                $"The training sample has {trainSample.Cols} features and the held-out sample {heldOutSample.Cols}.", nameof(heldOutSample));
        }

        var rng = new Xoshiro256StarStar(seed);
        _train = Subsample(trainSample, rng);
        _heldOut = Subsample(heldOutSample, rng);
        _seed = seed;
    }

    /// <summary>The training rows the monitor measures (at most <see cref="MaxSampleRows"/>).</summary>
    public Matrix TrainSample => _train;

    /// <summary>The held-out rows the monitor measures (at most <see cref="MaxSampleRows"/>).</summary>
    public Matrix HeldOutSample => _heldOut;

    /// <summary>Measures <paramref name="rbm"/> after <paramref name="epoch"/>; the model is only read.</summary>
    public RbmEpochReport Report(int epoch, Rbm rbm)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        RbmMetrics.CheckData(rbm, _train);
        (double squared, double crossEntropy) = RbmMetrics.ReconstructionErrors(rbm, _train);
        double? pseudoLikelihood = rbm.VisibleType == VisibleUnitType.Bernoulli
            ? RbmMetrics.PseudoLogLikelihood(rbm, _train, new Xoshiro256StarStar(_seed))
            : null;
        HiddenUnitHealth health = RbmMetrics.HiddenHealth(rbm, _train);
        return new RbmEpochReport(
            epoch,
            squared,
            crossEntropy,
            pseudoLikelihood,
            RbmMetrics.MeanFreeEnergy(rbm, _train),
            RbmMetrics.MeanFreeEnergy(rbm, _heldOut),
            health.MeanActivation,
            health.Dead,
            health.Saturated,
            RbmMetrics.Histogram(rbm.Weights.Data, HistogramBins),
            RbmMetrics.Histogram(rbm.VisibleBias, HistogramBins),
            RbmMetrics.Histogram(rbm.HiddenBias, HistogramBins));
    }

    private static Matrix Subsample(Matrix data, Xoshiro256StarStar rng)
    {
        if (data.Rows <= MaxSampleRows)
        {
            return data.Clone();
        }

        var order = new int[data.Rows];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        rng.Shuffle(order);
        Array.Sort(order, 0, MaxSampleRows);
        var sample = new Matrix(MaxSampleRows, data.Cols);
        for (int r = 0; r < MaxSampleRows; r++)
        {
            data.Row(order[r]).CopyTo(sample.Row(r));
        }

        return sample;
    }
}
