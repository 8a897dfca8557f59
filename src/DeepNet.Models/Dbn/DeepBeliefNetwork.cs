using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// A stack of RBMs, bottom first: layer l's visible units are layer l−1's hidden units. The recognition (up) pass is
/// Q(h^l = 1 | h^(l−1)) = sigm(c_l + W_l h^(l−1)), with h^0 = x. With <see cref="LabelUnits"/> &gt; 0 the top RBM's
/// visible vector is [h^(L−1), one-hot label]: its last LabelUnits columns of W (and entries of b) belong to the label.
/// </summary>
public sealed class DeepBeliefNetwork
{
    private readonly Rbm[] _layers;

    public DeepBeliefNetwork(IReadOnlyList<Rbm> layers)
        : this(layers, 0)
    {
    }

    /// <param name="layers">The RBMs, bottom first.</param>
    /// <param name="labelUnits">
    /// Label units appended at the end of the top RBM's visible vector (0 for none): the top RBM has
    /// (units below + labelUnits) visible units; for a one-layer stack the inputs are its visible units − labelUnits.
    /// </param>
    public DeepBeliefNetwork(IReadOnlyList<Rbm> layers, int labelUnits)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfNegative(labelUnits);
        if (layers.Count < 1)
        {
            throw new ArgumentException("A DBN needs at least one RBM.", nameof(layers));
        }

        if (labelUnits > 0 && (labelUnits < 2 || layers[^1].VisibleUnits <= labelUnits))
        {
            throw new ArgumentException(
                $"The top RBM has {layers[^1].VisibleUnits} visible units; it cannot hold {labelUnits} label units (need ≥ 2 and at least one feature).", nameof(labelUnits));
        }

        if (labelUnits > 0 && layers[^1].VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("Label units are binary: the top RBM needs Bernoulli visible units.", nameof(labelUnits));
        }

        for (int l = 1; l < layers.Count; l++)
        {
            int expected = layers[l - 1].HiddenUnits + (l == layers.Count - 1 ? labelUnits : 0);
            if (layers[l].VisibleUnits != expected)
            {
                throw new ArgumentException(
                    $"RBM {l} has {layers[l].VisibleUnits} visible units but RBM {l - 1} has {layers[l - 1].HiddenUnits} hidden units"
                    + (l == layers.Count - 1 && labelUnits > 0 ? $" (+ {labelUnits} label units)." : "."), nameof(layers));
            }

            if (layers[l].VisibleType != VisibleUnitType.Bernoulli)
            {
                throw new ArgumentException($"Only the first RBM may have Gaussian visible units; RBM {l} does.", nameof(layers));
            }
        }

        _layers = [.. layers];
        LabelUnits = labelUnits;
    }

    /// <summary>The RBMs, bottom first.</summary>
    public IReadOnlyList<Rbm> Layers => _layers;

    /// <summary>Label units at the end of the top RBM's visible vector (Hinton et al. 2006); 0 when the stack has none.</summary>
    public int LabelUnits { get; }

    /// <summary>Units of the data vector x (the bottom RBM's visible units, less the label units of a one-layer stack).</summary>
    public int Inputs => _layers[0].VisibleUnits - (_layers.Length == 1 ? LabelUnits : 0);

    /// <summary>Units of the top hidden layer.</summary>
    public int TopUnits => _layers[^1].HiddenUnits;

    /// <summary>
    /// Mean-field up pass: Q(h|x) of every layer in turn for the samples×Inputs rows of <paramref name="data"/>;
    /// returns the top layer's probabilities, samples×TopUnits. Label units, if any, are taken as 0 (no label known).
    /// </summary>
    public Matrix TopFeatures(Matrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Cols != Inputs)
        {
            throw new ArgumentException($"Expected samples×{Inputs} data; got {data.Rows}×{data.Cols}.", nameof(data));
        }

        Matrix current = data;
        for (int l = 0; l < _layers.Length; l++)
        {
            current = l == _layers.Length - 1 && LabelUnits > 0
                ? Propagate(_layers[l], AppendLabels(current, null, LabelUnits), HiddenFeatures.Probabilities, null)
                : Propagate(_layers[l], current, HiddenFeatures.Probabilities, null);
        }

        return current;
    }

    /// <summary>
    /// [features, one-hot label]: samples×(F + labelUnits), the label columns one-hot of <paramref name="labels"/>
    /// (all 0 when <paramref name="labels"/> is null).
    /// </summary>
    public static Matrix AppendLabels(Matrix features, ReadOnlySpan<int> labels, int labelUnits)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(labelUnits);
        if (!labels.IsEmpty && labels.Length != features.Rows)
        {
            throw new ArgumentException($"Expected {features.Rows} labels; got {labels.Length}.", nameof(labels));
        }

        var joined = new Matrix(features.Rows, features.Cols + labelUnits);
        for (int r = 0; r < features.Rows; r++)
        {
            features.Row(r).CopyTo(joined.Row(r));
            if (!labels.IsEmpty)
            {
                if ((uint)labels[r] >= (uint)labelUnits)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), labels[r], $"Labels must lie in [0, {labelUnits}).");
                }

                joined[r, features.Cols + labels[r]] = 1f;
            }
        }

        return joined;
    }

    /// <summary>
    /// Q(h=1|x) of <paramref name="rbm"/> for the samples×V rows of <paramref name="data"/> (samples×H); with
    /// <see cref="HiddenFeatures.Binary"/> a Bernoulli sample of it drawn with <paramref name="rng"/>.
    /// </summary>
    public static Matrix Propagate(Rbm rbm, Matrix data, HiddenFeatures features, Xoshiro256StarStar? rng)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(data);
        var hidden = new Matrix(data.Rows, rbm.HiddenUnits);
        rbm.HiddenProbabilities(data.Data, data.Rows, hidden.Data);
        if (features == HiddenFeatures.Binary)
        {
            (rng ?? throw new ArgumentNullException(nameof(rng), "Binary features need a random generator.")).SampleBernoulli(hidden.Data, hidden.Data);
        }

        return hidden;
    }

    /// <summary>
    /// Unrolls the stack into a feed-forward network inputs–H_1–…–H_L–classes: hidden layer l gets W_l and c_l copied
    /// exactly (the first layer's W divided by σ for Gaussian visible units, so its activations equal Q(h|x)), and a new
    /// softmax layer with W ~ N(0, outputStdDev²) drawn from <paramref name="rng"/> (row-major) and zero biases.
    /// The label columns of a label-joined top RBM are dropped (the label units read as 0, as in <see cref="TopFeatures"/>).
    /// </summary>
    public DenseSigmoidNetwork Unroll(int classes, float outputStdDev, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        var weights = new List<Matrix>(_layers.Length + 1);
        var biases = new List<float[]>(_layers.Length + 1);
        for (int l = 0; l < _layers.Length; l++)
        {
            Rbm rbm = _layers[l];
            Matrix w = l == _layers.Length - 1 && LabelUnits > 0 ? DropLastColumns(rbm.Weights, LabelUnits) : rbm.Weights.Clone();
            if (rbm.Sigma != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(w.Data, rbm.Sigma, w.Data);
            }

            weights.Add(w);
            biases.Add((float[])rbm.HiddenBias.Clone());
        }

        weights.Add(DenseSigmoidNetwork.RandomMatrix(classes, TopUnits, outputStdDev, rng));
        biases.Add(new float[classes]);
        return new DenseSigmoidNetwork(weights, biases);
    }

    /// <summary>Clone of the rows×cols matrix without its last <paramref name="drop"/> columns.</summary>
    private static Matrix DropLastColumns(Matrix m, int drop)
    {
        var result = new Matrix(m.Rows, m.Cols - drop);
        for (int r = 0; r < m.Rows; r++)
        {
            m.Row(r)[..result.Cols].CopyTo(result.Row(r));
        }

        return result;
    }
}
