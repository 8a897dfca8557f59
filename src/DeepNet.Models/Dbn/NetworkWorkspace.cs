using System.Runtime.Intrinsics;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>
/// Preallocated buffers for forward and backward passes of a <see cref="DenseSigmoidNetwork"/> with batches of up to
/// <see cref="MaxBatch"/> rows: per layer l the activations and deltas (MaxBatch×Out_l) and the gradients
/// (Out_l×In_l and Out_l); with dropout also the masks and masked activations of the input and of every hidden layer.
/// A <see cref="ForwardOnly"/> workspace holds only the activations, for evaluation: the gradients alone are as large as
/// the parameters. Not thread-safe; one per training loop.
/// </summary>
public sealed class NetworkWorkspace
{
    private readonly float[][] _activations;
    private readonly int[] _units;
    private readonly int[] _fanIn;

    // Null in a forward-only workspace.
    private readonly float[][]? _deltas;
    private readonly Matrix[]? _weightGradients;
    private readonly float[][]? _biasGradients;

    // Dropout (null without): mask and masked copy of the input (MaxBatch×Inputs) and of each hidden layer's output.
    private readonly float[]? _inputMask;
    private readonly float[]? _droppedInput;
    private readonly float[][]? _hiddenMasks;
    private readonly float[][]? _droppedHidden;
    private readonly int _inputs;

    public NetworkWorkspace(DenseSigmoidNetwork network, int maxBatch)
        : this(network, maxBatch, dropout: false)
    {
    }

    /// <param name="dropout">Also allocate the dropout masks, for <see cref="DrawDropoutMasks"/>.</param>
    public NetworkWorkspace(DenseSigmoidNetwork network, int maxBatch, bool dropout)
        : this(network, maxBatch, dropout, gradients: true)
    {
    }

    private NetworkWorkspace(DenseSigmoidNetwork network, int maxBatch, bool dropout, bool gradients)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        MaxBatch = maxBatch;
        int layers = network.LayerCount;
        _inputs = network.Inputs;
        _activations = new float[layers][];
        _units = new int[layers];
        _fanIn = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            Matrix w = network.Weights(l);
            (_units[l], _fanIn[l]) = (w.Rows, w.Cols);
            _activations[l] = new float[maxBatch * w.Rows];
        }

        if (gradients)
        {
            _deltas = new float[layers][];
            _weightGradients = new Matrix[layers];
            _biasGradients = new float[layers][];
            for (int l = 0; l < layers; l++)
            {
                _deltas[l] = new float[maxBatch * _units[l]];
                _weightGradients[l] = new Matrix(_units[l], _fanIn[l]);
                _biasGradients[l] = new float[_units[l]];
            }
        }

        if (dropout)
        {
            _inputMask = new float[maxBatch * network.Inputs];
            _droppedInput = new float[maxBatch * network.Inputs];
            _hiddenMasks = new float[layers - 1][];
            _droppedHidden = new float[layers - 1][];
            for (int l = 0; l < layers - 1; l++)
            {
                _hiddenMasks[l] = new float[maxBatch * network.Units(l)];
                _droppedHidden[l] = new float[maxBatch * network.Units(l)];
            }
        }
    }

    /// <summary>
    /// A workspace for forward passes (<see cref="DenseSigmoidNetwork.Forward(ReadOnlySpan{float}, int, NetworkWorkspace)"/>,
    /// predictions, evaluation) of up to <paramref name="maxBatch"/> rows: the activations only, MaxBatch×Out_l per layer.
    /// </summary>
    public static NetworkWorkspace ForwardOnly(DenseSigmoidNetwork network, int maxBatch) => new(network, maxBatch, dropout: false, gradients: false);

    public int MaxBatch { get; }

    /// <summary>Whether this workspace holds dropout masks (made with <c>dropout: true</c>).</summary>
    public bool SupportsDropout => _inputMask is not null;

    /// <summary>Drop probability of the input units of the masks drawn last (0: no input mask is applied).</summary>
    public float InputDropout { get; private set; }

    /// <summary>Drop probability of the hidden units of the masks drawn last (0: no hidden masks are applied).</summary>
    public float HiddenDropout { get; private set; }

    /// <summary>Rows the masks drawn last cover.</summary>
    public int DropoutRows { get; private set; }

    /// <summary>Layer l's outputs for the last forward pass: count×Out_l, row-major (hidden layers before dropout).</summary>
    public ReadOnlySpan<float> Activations(int layer, int count) => ActivationSpan(layer, count);

    /// <summary>Mean ∂loss/∂W of layer l from the last <see cref="DenseSigmoidNetwork.ComputeGradients"/>, Out_l×In_l.</summary>
    public Matrix WeightGradient(int layer) => RequireGradients()._weightGradients![layer];

    /// <summary>Mean ∂loss/∂b of layer l, length Out_l.</summary>
    public Span<float> BiasGradient(int layer) => RequireGradients()._biasGradients![layer];

    /// <summary>The input mask drawn last: count×Inputs entries, each 0 (dropped) or 1/(1 − p) (kept).</summary>
    public ReadOnlySpan<float> InputDropoutMask(int count) => RequireDropout()._inputMask.AsSpan(0, count * _inputs);

    /// <summary>Hidden layer l's mask drawn last: count×Out_l entries, each 0 (dropped) or 1/(1 − p) (kept).</summary>
    public ReadOnlySpan<float> HiddenDropoutMask(int layer, int count) => HiddenMaskSpan(layer, count);

    /// <summary>
    /// Draws inverted-dropout masks for a batch of <paramref name="count"/> rows from <paramref name="rng"/>: each entry
    /// is 0 with probability p and 1/(1 − p) otherwise (uniform u &lt; p drops). The input mask (count×Inputs,
    /// row-major) is drawn first, then the hidden layers' masks bottom up, one uniform per entry; a probability of 0
    /// draws nothing and switches that mask off. The masks stay in force for
    /// <see cref="DenseSigmoidNetwork.ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{int}, int, NetworkWorkspace, int, bool)"/>
    /// with <c>dropout: true</c> until the next draw.
    /// </summary>
    public void DrawDropoutMasks(int count, float inputDropout, float hiddenDropout, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        RequireDropout();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatch);
        if (!(inputDropout >= 0 && inputDropout < 1) || !(hiddenDropout >= 0 && hiddenDropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(inputDropout), "Dropout probabilities must lie in [0, 1).");
        }

        InputDropout = inputDropout;
        HiddenDropout = hiddenDropout;
        DropoutRows = count;
        if (inputDropout > 0)
        {
            DrawMask(_inputMask.AsSpan(0, count * _inputs), inputDropout, rng);
        }

        if (hiddenDropout > 0)
        {
            for (int l = 0; l < _hiddenMasks!.Length; l++)
            {
                DrawMask(HiddenMaskSpan(l, count), hiddenDropout, rng);
            }
        }
    }

    internal Span<float> ActivationSpan(int layer, int count) => _activations[layer].AsSpan(0, count * _units[layer]);

    internal Span<float> DeltaSpan(int layer, int count) => RequireGradients()._deltas![layer].AsSpan(0, count * _units[layer]);

    internal Span<float> InputMaskSpan(int count) => RequireDropout()._inputMask.AsSpan(0, count * _inputs);

    internal Span<float> DroppedInputSpan(int count) => RequireDropout()._droppedInput.AsSpan(0, count * _inputs);

    internal Span<float> HiddenMaskSpan(int layer, int count) =>
        RequireDropout()._hiddenMasks![layer].AsSpan(0, count * _units[layer]);

    internal Span<float> DroppedHiddenSpan(int layer, int count) =>
        RequireDropout()._droppedHidden![layer].AsSpan(0, count * _units[layer]);

    internal bool Fits(DenseSigmoidNetwork network)
    {
        if (network.LayerCount != _units.Length)
        {
            return false;
        }

        for (int l = 0; l < _units.Length; l++)
        {
            if (network.Weights(l).Rows != _units[l] || network.Weights(l).Cols != _fanIn[l])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>mask[i] ← u_i ≥ p ? 1/(1 − p) : 0 with u_i the i-th uniform of <paramref name="rng"/>.</summary>
    private static void DrawMask(Span<float> mask, float p, Xoshiro256StarStar rng)
    {
        rng.FillUniform(mask);
        float keep = 1f / (1f - p);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> threshold = Vector256.Create(p);
            Vector256<float> scale = Vector256.Create(keep);
            for (; i <= mask.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> u = Vector256.Create<float>(mask[i..]);
                (Vector256.GreaterThanOrEqual(u, threshold) & scale).CopyTo(mask[i..]);
            }
        }

        for (; i < mask.Length; i++)
        {
            mask[i] = mask[i] >= p ? keep : 0f;
        }
    }

    private NetworkWorkspace RequireGradients() => _weightGradients is not null
        ? this
        : throw new InvalidOperationException("This workspace is for forward passes only; create it with a constructor to compute gradients.");

    private NetworkWorkspace RequireDropout() => _inputMask is not null
        ? this
        : throw new InvalidOperationException("This workspace holds no dropout masks; create it with dropout: true.");
}
