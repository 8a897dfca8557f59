using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>One generated frame: the pixels of every chain after <paramref name="Step"/> Gibbs steps in the top RBM.</summary>
/// <param name="Step">Gibbs steps done in the top RBM (0 = the chains' random start).</param>
/// <param name="Pixels">chains×Inputs, values in [0, 1]: the mean-field down pass of the top RBM's visible means.</param>
public sealed record DbnFrame(int Step, Matrix Pixels);

/// <summary>
/// Sampling from a DBN (Hinton, Osindero &amp; Teh 2006): alternating Gibbs sampling in the top RBM — its associative
/// memory — optionally with the label units clamped to one class, then a deterministic mean-field down pass
/// x = sigm(b + Wᵀ h) through the lower layers' generative weights to pixel space.
/// </summary>
public static class DbnGeneration
{
    /// <summary>
    /// Runs <paramref name="chains"/> Gibbs chains in the top RBM for <paramref name="steps"/> steps h ~ Q(h|v),
    /// v ~ P(v|h) and yields a frame at step 0, every <paramref name="frameEvery"/> steps and at the last step. The chains
    /// start from v ~ Bernoulli(sigm(b)) of the top RBM. A frame is the down pass of P(v|h) (of the start state at
    /// step 0) without the label units; Gaussian bottom units' means are clamped to [0, 1]. The Gibbs loop reuses its
    /// buffers; each frame is a new matrix. Deterministic for a given seed.
    /// </summary>
    /// <param name="label">Class whose one-hot vector is clamped on the label units at every step, or null to let them run free.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="label"/> is given but the DBN has no label units (it was not trained with JoinLabels), or it is outside [0, LabelUnits).
    /// </exception>
    public static IEnumerable<DbnFrame> Sample(
        DeepBeliefNetwork dbn, int chains, int steps, int frameEvery, int? label, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dbn);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chains);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameEvery);
        if (label is int l)
        {
            if (dbn.LabelUnits == 0)
            {
                throw new ArgumentException(
                    "This DBN has no label units (it was not trained with JoinLabels), so a class cannot be clamped; sample without a label.", nameof(label));
            }

            if ((uint)l >= (uint)dbn.LabelUnits)
            {
                throw new ArgumentException($"The label must lie in [0, {dbn.LabelUnits}); got {l}.", nameof(label));
            }
        }

        return Run(dbn, chains, steps, frameEvery, label, seed, cancellationToken);
    }

    private static IEnumerable<DbnFrame> Run(
        DeepBeliefNetwork dbn, int chains, int steps, int frameEvery, int? label, ulong seed, CancellationToken cancellationToken)
    {
        var rng = new Xoshiro256StarStar(seed);
        Rbm top = dbn.Layers[^1];
        int visible = top.VisibleUnits;
        var v = new float[chains * visible];
        var vMean = new float[chains * visible];
        var h = new float[chains * top.HiddenUnits];
        var downPass = new DownPass(dbn, chains);

        for (int r = 0; r < chains; r++)
        {
            top.VisibleBias.CopyTo(vMean.AsSpan(r * visible, visible));
        }

        if (top.VisibleType == VisibleUnitType.Bernoulli)
        {
            System.Numerics.Tensors.TensorPrimitives.Sigmoid(vMean, vMean);
        }

        vMean.CopyTo(v, 0);
        top.SampleVisible(v, rng);
        Clamp(v, visible, dbn.LabelUnits, label);
        yield return new DbnFrame(0, downPass.Run(v));

        for (int step = 1; step <= steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            top.HiddenProbabilities(v, chains, h);
            rng.SampleBernoulli(h, h);
            top.VisibleProbabilities(h, chains, vMean);
            Clamp(vMean, visible, dbn.LabelUnits, label);
            vMean.CopyTo(v, 0);
            top.SampleVisible(v, rng);
            Clamp(v, visible, dbn.LabelUnits, label);
            if (step % frameEvery == 0 || step == steps)
            {
                yield return new DbnFrame(step, downPass.Run(vMean));
            }
        }
    }

    /// <summary>Overwrites the last <paramref name="labelUnits"/> entries of every row with the one-hot label (no-op without a label).</summary>
    private static void Clamp(Span<float> rows, int width, int labelUnits, int? label)
    {
        if (label is not int l || labelUnits == 0)
        {
            return;
        }

        for (int offset = 0; offset < rows.Length; offset += width)
        {
            Span<float> labels = rows.Slice(offset + width - labelUnits, labelUnits);
            labels.Clear();
            labels[l] = 1f;
        }
    }

    /// <summary>The mean-field down pass from the top RBM's visible units to pixels, with buffers allocated once.</summary>
    private sealed class DownPass
    {
        private readonly DeepBeliefNetwork _dbn;
        private readonly int _chains;
        private readonly float[] _features;
        private readonly float[][] _below;

        public DownPass(DeepBeliefNetwork dbn, int chains)
        {
            _dbn = dbn;
            _chains = chains;
            int topFeatures = dbn.Layers[^1].VisibleUnits - dbn.LabelUnits;
            _features = new float[chains * topFeatures];
            _below = new float[dbn.Layers.Count - 1][];
            for (int l = 0; l < _below.Length; l++)
            {
                _below[l] = new float[chains * dbn.Layers[l].VisibleUnits];
            }
        }

        /// <param name="topVisible">chains×(top RBM visible units), the label units last.</param>
        /// <returns>chains×Inputs pixels in [0, 1].</returns>
        public Matrix Run(ReadOnlySpan<float> topVisible)
        {
            Rbm top = _dbn.Layers[^1];
            int width = top.VisibleUnits;
            int features = width - _dbn.LabelUnits;
            for (int r = 0; r < _chains; r++)
            {
                topVisible.Slice(r * width, features).CopyTo(_features.AsSpan(r * features, features));
            }

            ReadOnlySpan<float> current = _features;
            for (int l = _below.Length - 1; l >= 0; l--)
            {
                _dbn.Layers[l].VisibleProbabilities(current, _chains, _below[l]);
                current = _below[l];
            }

            var pixels = new Matrix(_chains, _dbn.Inputs);
            current[..pixels.Length].CopyTo(pixels.Data);
            System.Numerics.Tensors.TensorPrimitives.Clamp(pixels.Data, 0f, 1f, pixels.Data);
            return pixels;
        }
    }
}
