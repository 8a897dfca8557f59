using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// A stack of RBMs, bottom first: layer l's visible units are layer l−1's hidden units. The recognition (up) pass is
/// Q(h^l = 1 | h^(l−1)) = sigm(c_l + W_l h^(l−1)), with h^0 = x.
/// </summary>
public sealed class DeepBeliefNetwork
{
    private readonly Rbm[] _layers;

    public DeepBeliefNetwork(IReadOnlyList<Rbm> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count < 1)
        {
            throw new ArgumentException("A DBN needs at least one RBM.", nameof(layers));
        }

        for (int l = 1; l < layers.Count; l++)
        {
            if (layers[l].VisibleUnits != layers[l - 1].HiddenUnits)
            {
                throw new ArgumentException($"RBM {l} has {layers[l].VisibleUnits} visible units but RBM {l - 1} has {layers[l - 1].HiddenUnits} hidden units.", nameof(layers));
            }

            if (layers[l].VisibleType != VisibleUnitType.Bernoulli)
            {
                throw new ArgumentException($"Only the first RBM may have Gaussian visible units; RBM {l} does.", nameof(layers));
            }
        }

        _layers = [.. layers];
    }

    /// <summary>The RBMs, bottom first.</summary>
    public IReadOnlyList<Rbm> Layers => _layers;

    public int Inputs => _layers[0].VisibleUnits;

    /// <summary>Units of the top hidden layer.</summary>
    public int TopUnits => _layers[^1].HiddenUnits;

    /// <summary>
    /// Mean-field up pass: Q(h|x) of every layer in turn for the samples×Inputs rows of <paramref name="data"/>;
    /// returns the top layer's probabilities, samples×TopUnits.
    /// </summary>
    public Matrix TopFeatures(Matrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Matrix current = data;
        foreach (Rbm rbm in _layers)
        {
            current = Propagate(rbm, current, HiddenFeatures.Probabilities, null);
        }

        return current;
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
    /// </summary>
    public DenseSigmoidNetwork Unroll(int classes, float outputStdDev, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        var weights = new List<Matrix>(_layers.Length + 1);
        var biases = new List<float[]>(_layers.Length + 1);
        foreach (Rbm rbm in _layers)
        {
            Matrix w = rbm.Weights.Clone();
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
}
