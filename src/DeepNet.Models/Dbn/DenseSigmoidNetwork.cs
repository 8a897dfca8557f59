using System.Numerics;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// A feed-forward network of dense layers: sigmoid hidden layers and a softmax output layer.
/// Layer l maps a batch of inputs a (count×In) to z = a·Wᵀ + b (count×Out), W Out×In row-major (the RBM layout:
/// row j is the filter of unit j), so an RBM's W and hidden bias c drop in as a layer unchanged.
/// </summary>
public sealed class DenseSigmoidNetwork
{
    private readonly Matrix[] _weights;
    private readonly float[][] _biases;

    /// <param name="weights">W of every layer, bottom first; layer l is Out_l×In_l with In_l = Out_(l−1).</param>
    /// <param name="biases">b of every layer, length Out_l.</param>
    public DenseSigmoidNetwork(IReadOnlyList<Matrix> weights, IReadOnlyList<float[]> biases)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Count < 1 || weights.Count != biases.Count)
        {
            throw new ArgumentException($"A network needs at least one layer and one bias per layer; got {weights.Count} weights and {biases.Count} biases.");
        }

        for (int l = 0; l < weights.Count; l++)
        {
            ArgumentNullException.ThrowIfNull(weights[l]);
            ArgumentNullException.ThrowIfNull(biases[l]);
            if (weights[l].Rows < 1 || weights[l].Cols < 1 || biases[l].Length != weights[l].Rows)
            {
                throw new ArgumentException($"Layer {l}: W is {weights[l].Rows}×{weights[l].Cols} but b has {biases[l].Length} entries.");
            }

            if (l > 0 && weights[l].Cols != weights[l - 1].Rows)
            {
                throw new ArgumentException($"Layer {l} takes {weights[l].Cols} inputs but layer {l - 1} has {weights[l - 1].Rows} units.");
            }
        }

        _weights = [.. weights];
        _biases = [.. biases];
        if (Outputs < 2)
        {
            throw new ArgumentException("A softmax output layer needs at least two classes.", nameof(weights));
        }
    }

    /// <summary>
    /// A network with the given layer sizes (inputs, hidden…, classes), W ~ N(0, stdDev²) drawn layer by layer in
    /// row-major order, biases 0.
    /// </summary>
    public static DenseSigmoidNetwork CreateRandom(IReadOnlyList<int> layerSizes, float stdDev, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(rng);
        if (layerSizes.Count < 2 || layerSizes.Any(s => s < 1))
        {
            throw new ArgumentException("Give at least the input and output sizes, all positive.", nameof(layerSizes));
        }

        var weights = new Matrix[layerSizes.Count - 1];
        var biases = new float[layerSizes.Count - 1][];
        for (int l = 0; l < weights.Length; l++)
        {
            weights[l] = RandomMatrix(layerSizes[l + 1], layerSizes[l], stdDev, rng);
            biases[l] = new float[layerSizes[l + 1]];
        }

        return new DenseSigmoidNetwork(weights, biases);
    }

    /// <summary>Number of weight layers (hidden layers + the softmax layer).</summary>
    public int LayerCount => _weights.Length;

    public int Inputs => _weights[0].Cols;

    /// <summary>Number of classes of the softmax output.</summary>
    public int Outputs => _weights[^1].Rows;

    /// <summary>W of layer l, Out_l×In_l (updated in place by training).</summary>
    public Matrix Weights(int layer) => _weights[layer];

    /// <summary>b of layer l, length Out_l.</summary>
    public float[] Bias(int layer) => _biases[layer];

    /// <summary>Units of layer l's output (Out_l).</summary>
    public int Units(int layer) => _weights[layer].Rows;

    public DenseSigmoidNetwork Clone() =>
        new([.. _weights.Select(w => w.Clone())], [.. _biases.Select(b => (float[])b.Clone())]);

    /// <summary>
    /// Forward pass over <paramref name="count"/> rows of <paramref name="input"/> (count×Inputs, row-major) into the
    /// workspace: afterwards <see cref="NetworkWorkspace.Activations"/>(l) holds layer l's outputs (count×Out_l),
    /// sigmoid for hidden layers, softmax probabilities for the last.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, int count, NetworkWorkspace workspace) => Forward(input, count, workspace, dropout: false);

    /// <summary>
    /// The forward pass; with <paramref name="dropout"/> the workspace's current masks multiply the input and every
    /// hidden layer's output (into the workspace's dropped-activation buffers, which the layer above then reads).
    /// </summary>
    private void Forward(ReadOnlySpan<float> input, int count, NetworkWorkspace workspace, bool dropout)
    {
        CheckBatch(input, count, workspace);
        bool dropInput = dropout && workspace.InputDropout > 0;
        bool dropHidden = dropout && workspace.HiddenDropout > 0;
        if (dropInput)
        {
            TensorPrimitives.Multiply(input[..(count * Inputs)], workspace.InputMaskSpan(count), workspace.DroppedInputSpan(count));
        }

        for (int l = 0; l < _weights.Length; l++)
        {
            ReadOnlySpan<float> below = LayerInput(l, input, count, workspace, dropInput, dropHidden);
            Matrix w = _weights[l];
            Span<float> z = workspace.ActivationSpan(l, count);
            Gemm.Multiply(Transpose.No, Transpose.Yes, count, w.Rows, w.Cols, 1f, below, w.Cols, w.Data, w.Cols, 0f, z, w.Rows);
            for (int r = 0; r < count; r++)
            {
                Span<float> row = z.Slice(r * w.Rows, w.Rows);
                TensorPrimitives.Add(row, _biases[l], row);
                if (l == _weights.Length - 1)
                {
                    // Shift by the row maximum so that exp cannot overflow for large logits; softmax is shift-invariant.
                    TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
                    TensorPrimitives.SoftMax(row, row);
                }
            }

            if (l < _weights.Length - 1)
            {
                TensorPrimitives.Sigmoid(z, z);
                if (dropHidden)
                {
                    TensorPrimitives.Multiply(z, workspace.HiddenMaskSpan(l, count), workspace.DroppedHiddenSpan(l, count));
                }
            }
        }
    }

    /// <summary>What layer l reads: the input for layer 0, else the output of layer l − 1; the masked copies under dropout.</summary>
    private ReadOnlySpan<float> LayerInput(int layer, ReadOnlySpan<float> input, int count, NetworkWorkspace workspace, bool dropInput, bool dropHidden)
    {
        if (layer > 0)
        {
            return dropHidden ? workspace.DroppedHiddenSpan(layer - 1, count) : workspace.ActivationSpan(layer - 1, count);
        }

        return dropInput ? workspace.DroppedInputSpan(count) : input[..(count * Inputs)];
    }

    /// <summary>
    /// Forward and backward pass with the cross-entropy loss of a softmax output: fills the workspace's gradients
    /// (mean over the batch of ∂loss/∂W_l and ∂loss/∂b_l, without weight decay) for layers l ≥ <paramref name="lowestLayer"/>;
    /// layers below are neither read for gradients nor written. Returns the summed loss −Σ_r log p_r[label_r].
    /// </summary>
    /// <param name="input">count×Inputs, row-major.</param>
    /// <param name="labels">Class index per row, length ≥ count.</param>
    /// <param name="lowestLayer">Lowest layer whose gradients are computed (0 = all).</param>
    public double ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int count, NetworkWorkspace workspace, int lowestLayer = 0) =>
        ComputeGradients(input, labels, count, workspace, lowestLayer, dropout: false);

    /// <summary>
    /// <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{int}, int, NetworkWorkspace, int)"/>, with
    /// <paramref name="dropout"/> under the workspace's current masks (<see cref="NetworkWorkspace.DrawDropoutMasks"/>,
    /// drawn for the same <paramref name="count"/>): the loss and gradients are those of the thinned network in which
    /// each input and hidden activation is multiplied by its mask entry (0, or 1/(1 − p) for a kept unit), so the
    /// gradient reaching a dropped unit is zero and a kept unit's is scaled by 1/(1 − p).
    /// </summary>
    public double ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int count, NetworkWorkspace workspace, int lowestLayer, bool dropout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lowestLayer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lowestLayer, LayerCount);
        if (labels.Length < count)
        {
            throw new ArgumentException($"A batch of {count} needs {count} labels; got {labels.Length}.", nameof(labels));
        }

        ArgumentNullException.ThrowIfNull(workspace);
        bool dropInput = dropout && workspace.InputDropout > 0;
        bool dropHidden = dropout && workspace.HiddenDropout > 0;
        if ((dropInput || dropHidden) && count != workspace.DropoutRows)
        {
            throw new ArgumentException($"The dropout masks were drawn for {workspace.DropoutRows} rows; got a batch of {count}.", nameof(count));
        }

        Forward(input, count, workspace, dropout);
        int top = LayerCount - 1;
        Span<float> probabilities = workspace.ActivationSpan(top, count);
        Span<float> delta = workspace.DeltaSpan(top, count);
        probabilities.CopyTo(delta);
        double loss = 0;
        for (int r = 0; r < count; r++)
        {
            int label = labels[r];
            if ((uint)label >= (uint)Outputs)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must lie in [0, {Outputs}).");
            }

            loss -= Math.Log(Math.Max(probabilities[r * Outputs + label], 1e-30f));
            delta[r * Outputs + label] -= 1f;
        }

        float scale = 1f / count;
        for (int l = top; l >= lowestLayer; l--)
        {
            Matrix w = _weights[l];
            ReadOnlySpan<float> below = LayerInput(l, input, count, workspace, dropInput, dropHidden);
            Span<float> d = workspace.DeltaSpan(l, count);

            // ∂/∂W = δᵀ·a_below / count (Out×In); ∂/∂b = column means of δ.
            Gemm.Multiply(Transpose.Yes, Transpose.No, w.Rows, w.Cols, count, scale, d, w.Rows, below, w.Cols, 0f, workspace.WeightGradient(l).Data, w.Cols);
            Span<float> biasGradient = workspace.BiasGradient(l);
            biasGradient.Clear();
            for (int r = 0; r < count; r++)
            {
                TensorPrimitives.Add(biasGradient, d.Slice(r * w.Rows, w.Rows), biasGradient);
            }

            TensorPrimitives.Multiply(biasGradient, scale, biasGradient);
            if (l > lowestLayer)
            {
                // δ_below = (δ·W) ⊙ a(1 − a) for the sigmoid layer below, ⊙ its mask under dropout (a is the unmasked output).
                Span<float> dBelow = workspace.DeltaSpan(l - 1, count);
                Gemm.Multiply(Transpose.No, Transpose.No, count, w.Cols, w.Rows, 1f, d, w.Rows, w.Data, w.Cols, 0f, dBelow, w.Cols);
                if (dropHidden)
                {
                    MultiplyByMaskedSigmoidDerivative(dBelow, workspace.ActivationSpan(l - 1, count), workspace.HiddenMaskSpan(l - 1, count));
                }
                else
                {
                    MultiplyBySigmoidDerivative(dBelow, workspace.ActivationSpan(l - 1, count));
                }
            }
        }

        return loss;
    }

    /// <summary>Class with the highest output probability for each of the count×Inputs rows of <paramref name="input"/>.</summary>
    public void Predict(ReadOnlySpan<float> input, int count, NetworkWorkspace workspace, Span<int> classes)
    {
        if (classes.Length < count)
        {
            throw new ArgumentException($"A batch of {count} needs {count} outputs; got {classes.Length}.", nameof(classes));
        }

        Forward(input, count, workspace);
        Span<float> p = workspace.ActivationSpan(LayerCount - 1, count);
        for (int r = 0; r < count; r++)
        {
            classes[r] = TensorPrimitives.IndexOfMax(p.Slice(r * Outputs, Outputs));
        }
    }

    /// <summary>Fraction of the samples×Inputs rows of <paramref name="data"/> whose predicted class differs from the label.</summary>
    public double ClassificationError(Matrix data, ReadOnlySpan<int> labels, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (labels.Length != data.Rows || data.Cols != Inputs)
        {
            throw new ArgumentException($"Expected samples×{Inputs} data with one label per sample; got {data.Rows}×{data.Cols} and {labels.Length} labels.");
        }

        var workspace = NetworkWorkspace.ForwardOnly(this, Math.Min(batchSize, data.Rows));
        var predicted = new int[workspace.MaxBatch];
        int wrong = 0;
        for (int start = 0; start < data.Rows; start += workspace.MaxBatch)
        {
            int count = Math.Min(workspace.MaxBatch, data.Rows - start);
            Predict(data.RowRange(start, count), count, workspace, predicted);
            for (int r = 0; r < count; r++)
            {
                wrong += predicted[r] != labels[start + r] ? 1 : 0;
            }
        }

        return (double)wrong / data.Rows;
    }

    /// <summary>
    /// Loss, error rate, confusion matrix and predictions on the samples×Inputs rows of <paramref name="data"/> with their
    /// labels in [0, Outputs). Runs batches of <see cref="NetworkWorkspace.MaxBatch"/> rows through
    /// <paramref name="workspace"/> (one of up to 500 rows is made when null); allocates only the result.
    /// </summary>
    public ClassifierEvaluation Evaluate(Matrix data, ReadOnlySpan<int> labels, NetworkWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (labels.Length != data.Rows || data.Cols != Inputs || data.Rows < 1)
        {
            throw new ArgumentException($"Expected samples×{Inputs} data with one label per sample; got {data.Rows}×{data.Cols} and {labels.Length} labels.");
        }

        workspace ??= NetworkWorkspace.ForwardOnly(this, Math.Min(500, data.Rows));
        var predicted = new int[data.Rows];
        var confusion = new int[Outputs, Outputs];
        double loss = 0;
        int wrong = 0;
        for (int start = 0; start < data.Rows; start += workspace.MaxBatch)
        {
            int count = Math.Min(workspace.MaxBatch, data.Rows - start);
            Forward(data.RowRange(start, count), count, workspace);
            ReadOnlySpan<float> p = workspace.ActivationSpan(LayerCount - 1, count);
            for (int r = 0; r < count; r++)
            {
                int label = labels[start + r];
                if ((uint)label >= (uint)Outputs)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must lie in [0, {Outputs}).");
                }

                ReadOnlySpan<float> row = p.Slice(r * Outputs, Outputs);
                int guess = TensorPrimitives.IndexOfMax(row);
                predicted[start + r] = guess;
                confusion[label, guess]++;
                wrong += guess != label ? 1 : 0;
                loss -= Math.Log(Math.Max(row[label], 1e-30f));
            }
        }

        return new ClassifierEvaluation(loss / data.Rows, 100.0 * wrong / data.Rows, confusion, predicted);
    }

    /// <summary>delta[i] ← delta[i]·a[i]·(1 − a[i]) for sigmoid outputs a.</summary>
    internal static void MultiplyBySigmoidDerivative(Span<float> delta, ReadOnlySpan<float> a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && delta.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> d = MemoryMarshal.Cast<float, Vector<float>>(delta);
            ReadOnlySpan<Vector<float>> av = MemoryMarshal.Cast<float, Vector<float>>(a[..delta.Length]);
            for (int k = 0; k < d.Length; k++)
            {
                d[k] *= av[k] * (Vector<float>.One - av[k]);
            }

            i = d.Length * Vector<float>.Count;
        }

        for (; i < delta.Length; i++)
        {
            delta[i] *= a[i] * (1f - a[i]);
        }
    }

    /// <summary>delta[i] ← delta[i]·mask[i]·a[i]·(1 − a[i]) for sigmoid outputs a and a dropout mask.</summary>
    internal static void MultiplyByMaskedSigmoidDerivative(Span<float> delta, ReadOnlySpan<float> a, ReadOnlySpan<float> mask)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && delta.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> d = MemoryMarshal.Cast<float, Vector<float>>(delta);
            ReadOnlySpan<Vector<float>> av = MemoryMarshal.Cast<float, Vector<float>>(a[..delta.Length]);
            ReadOnlySpan<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(mask[..delta.Length]);
            for (int k = 0; k < d.Length; k++)
            {
                d[k] *= mv[k] * av[k] * (Vector<float>.One - av[k]);
            }

            i = d.Length * Vector<float>.Count;
        }

        for (; i < delta.Length; i++)
        {
            delta[i] *= mask[i] * a[i] * (1f - a[i]);
        }
    }

    internal static Matrix RandomMatrix(int rows, int cols, float stdDev, Xoshiro256StarStar rng)
    {
        var m = new Matrix(rows, cols);
        Span<float> data = m.AsSpan();
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = stdDev * rng.NextGaussian();
        }

        return m;
    }

    private void CheckBatch(ReadOnlySpan<float> input, int count, NetworkWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (count > workspace.MaxBatch || !workspace.Fits(this))
        {
            throw new ArgumentException($"The workspace holds batches of {workspace.MaxBatch} for another shape; got a batch of {count}.", nameof(workspace));
        }

        if (input.Length < (long)count * Inputs)
        {
            throw new ArgumentException($"A batch of {count} needs {count}×{Inputs} inputs; got {input.Length}.", nameof(input));
        }
    }
}
