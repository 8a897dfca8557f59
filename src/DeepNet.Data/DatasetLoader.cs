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

        if (spec.Dataset == DataSpecValidator.UserDataset)
        {
            throw new ArgumentException(
                $"Data set \"{DataSpecValidator.UserDataset}\" is stored by the server: load its DatasetFile and call {nameof(Select)}.", nameof(spec));
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

    /// <summary>
    /// Applies a "user" spec to an uploaded data set: only the listed classes, then the first Limit rows in order,
    /// then optional binarization (value &gt; threshold → 1 else 0). Split and ImageSize do not apply to user data sets.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is invalid, asks for classes of an unlabelled data set, or selects nothing.</exception>
    public static Dataset Select(Dataset source, DataSpec spec)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(spec);
        IReadOnlyDictionary<string, string[]> errors = DataSpecValidator.Validate(spec);
        if (errors.Count > 0)
        {
            string details = string.Join("; ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
            throw new ArgumentException($"Invalid data spec: {details}", nameof(spec));
        }

        if (spec.Classes is not null && !source.HasLabels)
        {
            throw new ArgumentException("The data set has no labels, so it cannot be filtered by classes.", nameof(spec));
        }

        var rows = new List<int>(Math.Min(source.Count, spec.Limit ?? int.MaxValue));
        var keep = spec.Classes is null ? null : new HashSet<int>(spec.Classes);
        for (int i = 0; i < source.Count && rows.Count < (spec.Limit ?? int.MaxValue); i++)
        {
            if (keep is null || keep.Contains(source.Labels[i]))
            {
                rows.Add(i);
            }
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException("No example of the data set matches the requested classes.", nameof(spec));
        }

        int cols = source.FeatureCount;
        var features = new Matrix(rows.Count, cols);
        byte[]? labels = source.HasLabels ? new byte[rows.Count] : null;
        for (int r = 0; r < rows.Count; r++)
        {
            Span<float> row = features.Row(r);
            source.Features.Row(rows[r]).CopyTo(row);
            if (labels is not null)
            {
                labels[r] = source.Labels[rows[r]];
            }

            if (spec.BinarizeThreshold is float threshold)
            {
                foreach (ref float v in row)
                {
                    v = v > threshold ? 1f : 0f;
                }
            }
        }

        return new Dataset(features, labels, source.Width, source.Height);
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
