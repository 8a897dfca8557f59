using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>Turns a <see cref="DataSpec"/> into a <see cref="Dataset"/> of float features in [0,1].</summary>
public static class DatasetLoader
{
    /// <summary>
    /// Loads the examples <paramref name="spec"/> selects: the split, then only the listed classes, then the first
    /// Limit matches in file order; resized to ImageSize×ImageSize and optionally binarized.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is invalid (the message lists every error).</exception>
    public static Dataset Load(DataSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IReadOnlyDictionary<string, string[]> errors = DataSpecValidator.Validate(spec);
        if (errors.Count > 0)
        {
            string details = string.Join("; ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
            throw new ArgumentException($"Invalid data spec: {details}", nameof(spec));
        }

        MnistImages source = spec.Split == DataSpecValidator.TestSplit ? Mnist.Test : Mnist.Train;
        int[] selected = Select(source.Labels, spec.Classes, spec.Limit);

        int side = spec.ImageSize;
        var features = new Matrix(selected.Length, side * side);
        var labels = new byte[selected.Length];
        var resampler = new AreaResampler(source.Width, source.Height, side, side);
        for (int i = 0; i < selected.Length; i++)
        {
            int index = selected[i];
            labels[i] = source.Labels[index];
            Span<float> row = features.Row(i);
            resampler.Resample(source.Image(index), row);
            if (spec.BinarizeThreshold is float threshold)
            {
                foreach (ref float v in row)
                {
                    v = v > threshold ? 1f : 0f;
                }
            }
        }

        return new Dataset(features, labels, side, side);
    }

    private static int[] Select(byte[] labels, int[]? classes, int? limit)
    {
        var keep = new bool[10];
        if (classes is null)
        {
            Array.Fill(keep, true);
        }
        else
        {
            foreach (int c in classes)
            {
                keep[c] = true;
            }
        }

        int max = limit ?? int.MaxValue;
        var selected = new List<int>(Math.Min(max, labels.Length));
        for (int i = 0; i < labels.Length && selected.Count < max; i++)
        {
            if (keep[labels[i]])
            {
                selected.Add(i);
            }
        }

        return selected.ToArray();
    }
}
