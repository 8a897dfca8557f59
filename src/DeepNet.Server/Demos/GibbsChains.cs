using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Server.Demos;

/// <summary>
/// Parallel Gibbs chains of an RBM, as in the lecture: h ~ Q(h|v), then v ~ P(v|h). The buffers are allocated once;
/// <see cref="Means"/> holds E[v|h] of the last step (the frame to show), <see cref="Visible"/> the sampled state.
/// </summary>
public sealed class GibbsChains
{
    private readonly Rbm _rbm;
    private readonly Xoshiro256StarStar _rng;
    private readonly float[] _hidden;

    /// <param name="start">chains × visible starting states, row-major; copied.</param>
    public GibbsChains(Rbm rbm, int chains, ReadOnlySpan<float> start, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chains);
        if (start.Length != (long)chains * rbm.VisibleUnits)
        {
            throw new ArgumentException($"{chains} chains of {rbm.VisibleUnits} visible units need {(long)chains * rbm.VisibleUnits} values, got {start.Length}.", nameof(start));
        }

        _rbm = rbm;
        _rng = rng;
        Chains = chains;
        Visible = start.ToArray();
        Means = start.ToArray();
        _hidden = new float[chains * rbm.HiddenUnits];
    }

    public int Chains { get; }

    /// <summary>Gibbs steps done so far.</summary>
    public int Step { get; private set; }

    /// <summary>chains × visible: the current sampled visible states.</summary>
    public float[] Visible { get; }

    /// <summary>chains × visible: E[v|h] of the last step (the starting state before the first step).</summary>
    public float[] Means { get; }

    /// <summary>Random starting states: fair coin flips for Bernoulli units, N(0, 1) for Gaussian (standardized) units.</summary>
    public static float[] Noise(Rbm rbm, int chains, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(rng);
        var start = new float[chains * rbm.VisibleUnits];
        if (rbm.VisibleType == VisibleUnitType.Bernoulli)
        {
            Array.Fill(start, 0.5f);
            rng.SampleBernoulli(start, start);
        }
        else
        {
            for (int i = 0; i < start.Length; i++)
            {
                start[i] = rng.NextGaussian();
            }
        }

        return start;
    }

    /// <summary>Runs <paramref name="steps"/> Gibbs steps; checks for cancellation between steps.</summary>
    public void Advance(int steps, CancellationToken cancellationToken)
    {
        for (int s = 0; s < steps; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _rbm.HiddenProbabilities(Visible, Chains, _hidden);
            _rng.SampleBernoulli(_hidden, _hidden);
            _rbm.VisibleProbabilities(_hidden, Chains, Means);
            Means.CopyTo(Visible, 0);
            _rbm.SampleVisible(Visible, _rng);
            Step++;
        }
    }

    /// <summary>
    /// The chains' means as a PNG: the first half of the chains in the top row, the rest below (an odd count leaves the
    /// last tile black; a single chain shows its mean above its sampled state). Bernoulli means are probabilities and drawn
    /// as they are; Gaussian means are normalized per tile.
    /// </summary>
    public byte[] Render(int width, int height)
    {
        int tile = width * height;
        int columns = (Chains + 1) / 2;
        if (_rbm.VisibleType == VisibleUnitType.Gaussian)
        {
            return TileImage.RenderFilters(Means, Chains, width, height, columns);
        }

        if (Chains == 1)
        {
            return TileImage.RenderRows(Means, Visible, 1, width, height);
        }

        var bottom = new float[columns * tile];
        Means.AsSpan(columns * tile).CopyTo(bottom);
        return TileImage.RenderRows(Means.AsSpan(0, columns * tile), bottom, columns, width, height);
    }
}
