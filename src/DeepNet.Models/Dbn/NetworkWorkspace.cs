using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// Preallocated buffers for forward and backward passes of a <see cref="DenseSigmoidNetwork"/> with batches of up to
/// <see cref="MaxBatch"/> rows: per layer l the activations and deltas (MaxBatch×Out_l) and the gradients
/// (Out_l×In_l and Out_l). Not thread-safe; one per training loop.
/// </summary>
public sealed class NetworkWorkspace
{
    private readonly float[][] _activations;
    private readonly float[][] _deltas;
    private readonly Matrix[] _weightGradients;
    private readonly float[][] _biasGradients;

    public NetworkWorkspace(DenseSigmoidNetwork network, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        MaxBatch = maxBatch;
        int layers = network.LayerCount;
        _activations = new float[layers][];
        _deltas = new float[layers][];
        _weightGradients = new Matrix[layers];
        _biasGradients = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            Matrix w = network.Weights(l);
            _activations[l] = new float[maxBatch * w.Rows];
            _deltas[l] = new float[maxBatch * w.Rows];
            _weightGradients[l] = new Matrix(w.Rows, w.Cols);
            _biasGradients[l] = new float[w.Rows];
        }
    }

    public int MaxBatch { get; }

    /// <summary>Layer l's outputs for the last forward pass: count×Out_l, row-major.</summary>
    public ReadOnlySpan<float> Activations(int layer, int count) => ActivationSpan(layer, count);

    /// <summary>Mean ∂loss/∂W of layer l from the last <see cref="DenseSigmoidNetwork.ComputeGradients"/>, Out_l×In_l.</summary>
    public Matrix WeightGradient(int layer) => _weightGradients[layer];

    /// <summary>Mean ∂loss/∂b of layer l, length Out_l.</summary>
    public Span<float> BiasGradient(int layer) => _biasGradients[layer];

    internal Span<float> ActivationSpan(int layer, int count) => _activations[layer].AsSpan(0, count * _weightGradients[layer].Rows);

    internal Span<float> DeltaSpan(int layer, int count) => _deltas[layer].AsSpan(0, count * _weightGradients[layer].Rows);

    internal bool Fits(DenseSigmoidNetwork network)
    {
        if (network.LayerCount != _weightGradients.Length)
        {
            return false;
        }

        for (int l = 0; l < _weightGradients.Length; l++)
        {
            if (network.Weights(l).Rows != _weightGradients[l].Rows || network.Weights(l).Cols != _weightGradients[l].Cols)
            {
                return false;
            }
        }

        return true;
    }
}
