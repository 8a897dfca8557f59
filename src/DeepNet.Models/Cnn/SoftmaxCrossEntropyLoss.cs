using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>Softmax over K logits with the mean cross-entropy loss (<see cref="Activations.SoftmaxCrossEntropy"/>).</summary>
public sealed class SoftmaxCrossEntropyLoss
{
    private readonly float[] _probabilities;
    private readonly float[] _gradient;

    public SoftmaxCrossEntropyLoss(int classes, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        Classes = classes;
        MaxBatch = maxBatch;
        _probabilities = new float[checked(classes * maxBatch)];
        _gradient = new float[_probabilities.Length];
    }

    public int Classes { get; }

    public int MaxBatch { get; }

    /// <summary>
    /// Mean cross-entropy of logits (N×K) against labels (N); afterwards <see cref="Probabilities"/> and
    /// <see cref="Gradient"/> (d loss / d logits, N×K) hold this batch's values.
    /// </summary>
    public double Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels)
    {
        int batch = labels.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, MaxBatch, nameof(labels));
        int length = batch * Classes;
        return Activations.SoftmaxCrossEntropy(logits, labels, Classes, _probabilities.AsSpan(0, length), _gradient.AsSpan(0, length));
    }

    /// <summary>Softmax outputs of the latest batch, N×K.</summary>
    public ReadOnlySpan<float> Probabilities(int batch) => _probabilities.AsSpan(0, batch * Classes);

    /// <summary>d loss / d logits of the latest batch, N×K.</summary>
    public ReadOnlySpan<float> Gradient(int batch) => _gradient.AsSpan(0, batch * Classes);
}
