using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>A network measured on labelled samples (evaluation mode: no dropout, no distortions).</summary>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Errors">Misclassified samples.</param>
/// <param name="Classes">K.</param>
/// <param name="Confusion">K×K counts, row-major: Confusion[label·K + predicted].</param>
/// <param name="Predictions">The argmax class of every sample, in order.</param>
public sealed record CnnEvaluationResult(int Count, double Loss, int Errors, int Classes, int[] Confusion, int[] Predictions)
{
    /// <summary>Misclassified samples in percent (0 when there are none).</summary>
    public double ErrorPercent => Count == 0 ? 0 : 100.0 * Errors / Count;

    /// <summary>Indices of the first <paramref name="max"/> misclassified samples.</summary>
    public IEnumerable<int> Misclassified(IReadOnlyList<int> labels, int max = int.MaxValue) =>
        Enumerable.Range(0, Count).Where(i => Predictions[i] != labels[i]).Take(max);
}

/// <summary>Evaluates a <see cref="Network"/> on data in chunks of its maximum batch, without copying the data.</summary>
public static class CnnEvaluation
{
    /// <param name="network">Its buffers are reused; its parameters and generator are not touched.</param>
    /// <param name="data">Samples × (C·H·W), rows as the network's input.</param>
    /// <param name="labels">One class per row, in [0, K).</param>
    public static CnnEvaluationResult Evaluate(Network network, Matrix data, ReadOnlySpan<int> labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Cols != network.InputShape.Size)
        {
            throw new ArgumentException($"Expected samples of {network.InputShape} = {network.InputShape.Size} values; got {data.Cols}.", nameof(data));
        }

        if (labels.Length != data.Rows)
        {
            throw new ArgumentException($"Expected {data.Rows} labels, got {labels.Length}.", nameof(labels));
        }

        int classes = network.Classes;
        foreach (int label in labels)
        {
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentException($"Labels must be in [0, {classes}); got {label}.", nameof(labels));
            }
        }

        var predictions = new int[data.Rows];
        var confusion = new int[classes * classes];
        double lossSum = 0;
        int errors = 0;
        for (int start = 0; start < data.Rows; start += network.MaxBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(network.MaxBatch, data.Rows - start);
            ReadOnlySpan<int> batchLabels = labels.Slice(start, count);
            Span<int> batchPredictions = predictions.AsSpan(start, count);
            lossSum += network.Evaluate(data.RowRange(start, count), batchLabels, batchPredictions) * count;
            for (int n = 0; n < count; n++)
            {
                confusion[batchLabels[n] * classes + batchPredictions[n]]++;
                if (batchPredictions[n] != batchLabels[n])
                {
                    errors++;
                }
            }
        }

        return new CnnEvaluationResult(data.Rows, data.Rows == 0 ? 0 : lossSum / data.Rows, errors, classes, confusion, predictions);
    }
}
