using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Monitoring quantities of an RBM on a data matrix (samples×V, row-major): free energies, scikit-learn's
/// pseudo-log-likelihood, reconstruction errors, hidden-unit health and histograms.
/// Data is processed in chunks of <see cref="ChunkRows"/> rows with buffers allocated once per call;
/// the W·x products are GEMMs, the sums are accumulated in double.
/// </summary>
public static class RbmMetrics
{
    /// <summary>Rows processed per GEMM.</summary>
    public const int ChunkRows = 256;

    /// <summary>Reconstruction probabilities are clamped to [ε, 1 − ε] in the cross-entropy.</summary>
    public const double CrossEntropyEpsilon = 1e-7;

    /// <summary>A hidden unit whose mean activation over the data is below this is dead.</summary>
    public const float DeadThreshold = 0.01f;

    /// <summary>A hidden unit whose mean activation over the data is above this is saturated.</summary>
    public const float SaturatedThreshold = 0.99f;

    /// <summary>
    /// The free energy F(x) of every row of <paramref name="data"/> (samples×V), so that p(x) = exp(−F(x))/Z.
    /// Bernoulli: F(x) = −bᵀx − Σⱼ softplus(cⱼ + Wⱼx). Gaussian: F(x) = Σᵢ(xᵢ − bᵢ)²/(2σ²) − Σⱼ softplus(cⱼ + Wⱼx/σ).
    /// </summary>
    /// <returns>One free energy per row, length samples.</returns>
    public static double[] FreeEnergies(Rbm rbm, Matrix data)
    {
        CheckData(rbm, data);
        var energies = new double[data.Rows];
        var workspace = new float[Math.Min(ChunkRows, Math.Max(data.Rows, 1)) * rbm.HiddenUnits];
        for (int start = 0; start < data.Rows; start += ChunkRows)
        {
            int count = Math.Min(ChunkRows, data.Rows - start);
            FreeEnergies(rbm, data.RowRange(start, count), count, workspace, energies.AsSpan(start, count));
        }

        return energies;
    }

    /// <summary>The mean of <see cref="FreeEnergies"/> over the rows of <paramref name="data"/> (samples×V, at least one row).</summary>
    public static double MeanFreeEnergy(Rbm rbm, Matrix data)
    {
        double[] energies = FreeEnergies(rbm, data);
        if (energies.Length == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        return Sum(energies) / energies.Length;
    }

    /// <summary>
    /// The pseudo-log-likelihood exactly as scikit-learn's <c>BernoulliRBM.score_samples</c> defines it, averaged over the rows:
    /// for each row x (taken as given, not binarized — a grey level xᵢ flips to 1 − xᵢ, as in scikit-learn) one visible index i
    /// is drawn uniformly with <paramref name="rng"/> (one <see cref="Xoshiro256StarStar.NextInt"/> per row, in row order),
    /// x̃ is x with x̃ᵢ = 1 − xᵢ, and PL(x) = V · log sigm(F(x̃) − F(x)). Bernoulli visible units only.
    /// </summary>
    /// <param name="data">samples×V, at least one row.</param>
    /// <returns>The mean of PL(x) over the rows (scikit-learn returns the per-row values).</returns>
    public static double PseudoLogLikelihood(Rbm rbm, Matrix data, Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckData(rbm, data);
        var indices = new int[data.Rows];
        for (int r = 0; r < indices.Length; r++)
        {
            indices[r] = rng.NextInt(data.Cols);
        }

        return PseudoLogLikelihood(rbm, data, indices);
    }

    /// <summary>
    /// <see cref="PseudoLogLikelihood(Rbm, Matrix, Xoshiro256StarStar)"/> with the flipped visible index of every row given:
    /// row r flips <paramref name="flipIndices"/>[r] (length samples, each in [0, V)).
    /// </summary>
    public static double PseudoLogLikelihood(Rbm rbm, Matrix data, ReadOnlySpan<int> flipIndices)
    {
        CheckData(rbm, data);
        if (rbm.VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("The pseudo-log-likelihood is defined for Bernoulli visible units only.", nameof(rbm));
        }

        if (data.Rows == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        if (flipIndices.Length != data.Rows)
        {
            throw new ArgumentException($"Expected {data.Rows} flip indices, got {flipIndices.Length}.", nameof(flipIndices));
        }

        int visible = data.Cols;
        int chunk = Math.Min(ChunkRows, data.Rows);
        var flipped = new float[chunk * visible];
        var workspace = new float[chunk * rbm.HiddenUnits];
        var original = new double[chunk];
        var corrupted = new double[chunk];
        double total = 0;
        for (int start = 0; start < data.Rows; start += chunk)
        {
            int count = Math.Min(chunk, data.Rows - start);
            ReadOnlySpan<float> rows = data.RowRange(start, count);
            rows.CopyTo(flipped);
            for (int r = 0; r < count; r++)
            {
                int index = flipIndices[start + r];
                if ((uint)index >= (uint)visible)
                {
                    throw new ArgumentOutOfRangeException(nameof(flipIndices), index, $"Flip indices must be in [0, {visible}).");
                }

                flipped[r * visible + index] = 1f - flipped[r * visible + index];
            }

            FreeEnergies(rbm, rows, count, workspace, original.AsSpan(0, count));
            FreeEnergies(rbm, flipped, count, workspace, corrupted.AsSpan(0, count));
            for (int r = 0; r < count; r++)
            {
                // V · log sigm(d) = −V · softplus(−d)
                total -= visible * Softplus(-(corrupted[r] - original[r]));
            }
        }

        return total / data.Rows;
    }

    /// <summary>
    /// Mean-field reconstruction errors: p = E[x | h = Q(h=1|x)] for every row x of <paramref name="data"/> (samples×V, at least one row).
    /// SquaredError is the mean over rows of Σᵢ (xᵢ − pᵢ)²; CrossEntropy the mean over rows of −Σᵢ [xᵢ log pᵢ + (1 − xᵢ) log(1 − pᵢ)]
    /// with p clamped to [1e-7, 1 − 1e-7] (Bernoulli visible units; NaN for Gaussian).
    /// </summary>
    public static (double SquaredError, double CrossEntropy) ReconstructionErrors(Rbm rbm, Matrix data)
    {
        CheckData(rbm, data);
        if (data.Rows == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        int visible = data.Cols;
        int chunk = Math.Min(ChunkRows, data.Rows);
        var hidden = new float[chunk * rbm.HiddenUnits];
        var reconstruction = new float[chunk * visible];
        bool bernoulli = rbm.VisibleType == VisibleUnitType.Bernoulli;
        double squared = 0, crossEntropy = 0;
        for (int start = 0; start < data.Rows; start += chunk)
        {
            int count = Math.Min(chunk, data.Rows - start);
            ReadOnlySpan<float> rows = data.RowRange(start, count);
            rbm.HiddenProbabilities(rows, count, hidden);
            rbm.VisibleProbabilities(hidden, count, reconstruction);
            for (int i = 0; i < count * visible; i++)
            {
                double x = rows[i];
                double p = reconstruction[i];
                squared += (x - p) * (x - p);
                if (bernoulli)
                {
                    p = Math.Clamp(p, CrossEntropyEpsilon, 1 - CrossEntropyEpsilon);
                    crossEntropy -= x * Math.Log(p) + (1 - x) * Math.Log(1 - p);
                }
            }
        }

        return (squared / data.Rows, bernoulli ? crossEntropy / data.Rows : double.NaN);
    }

    /// <summary>
    /// Mean activation Q(hⱼ=1|x) of every hidden unit over the rows of <paramref name="data"/> (samples×V, at least one row),
    /// with the counts of dead (mean &lt; 0.01) and saturated (mean &gt; 0.99) units.
    /// </summary>
    public static HiddenUnitHealth HiddenHealth(Rbm rbm, Matrix data)
    {
        CheckData(rbm, data);
        if (data.Rows == 0)
        {
            throw new ArgumentException("The data has no rows.", nameof(data));
        }

        int hiddenUnits = rbm.HiddenUnits;
        int chunk = Math.Min(ChunkRows, data.Rows);
        var hidden = new float[chunk * hiddenUnits];
        var sums = new double[hiddenUnits];
        for (int start = 0; start < data.Rows; start += chunk)
        {
            int count = Math.Min(chunk, data.Rows - start);
            rbm.HiddenProbabilities(data.RowRange(start, count), count, hidden);
            for (int r = 0; r < count; r++)
            {
                ReadOnlySpan<float> row = hidden.AsSpan(r * hiddenUnits, hiddenUnits);
                for (int j = 0; j < hiddenUnits; j++)
                {
                    sums[j] += row[j];
                }
            }
        }

        var means = new float[hiddenUnits];
        int dead = 0, saturated = 0;
        for (int j = 0; j < hiddenUnits; j++)
        {
            means[j] = (float)(sums[j] / data.Rows);
            dead += means[j] < DeadThreshold ? 1 : 0;
            saturated += means[j] > SaturatedThreshold ? 1 : 0;
        }

        return new HiddenUnitHealth(means, dead, saturated);
    }

    /// <summary>
    /// Counts of the finite <paramref name="values"/> in <paramref name="bins"/> equal-width bins over [min, max]
    /// (bin k covers [min + k·w, min + (k+1)·w), the last bin includes max). When all values are equal they fall in bin 0;
    /// with no finite values Min = Max = 0 and all counts are 0. Non-finite values are not counted.
    /// </summary>
    public static Histogram Histogram(ReadOnlySpan<float> values, int bins = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var counts = new int[bins];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (min > max)
        {
            return new Histogram(0, 0, counts);
        }

        double width = (max - min) / bins;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                int bin = width > 0 ? (int)((v - min) / width) : 0;
                counts[Math.Min(bin, bins - 1)]++;
            }
        }

        return new Histogram(min, max, counts);
    }

    /// <summary>log(1 + eˣ) without overflow.</summary>
    internal static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    /// <summary>
    /// Free energies of <paramref name="count"/> rows (rows is count×V) into <paramref name="energies"/> (length ≥ count),
    /// using <paramref name="workspace"/> (≥ count×H) for the hidden pre-activations.
    /// </summary>
    internal static void FreeEnergies(Rbm rbm, ReadOnlySpan<float> rows, int count, Span<float> workspace, Span<double> energies)
    {
        int visible = rbm.VisibleUnits, hidden = rbm.HiddenUnits;
        float sigma = rbm.Sigma;
        Gemm.Multiply(Transpose.No, Transpose.Yes, count, hidden, visible,
            1f / sigma, rows, visible, rbm.Weights.Data, visible, 0f, workspace, hidden);
        ReadOnlySpan<float> visibleBias = rbm.VisibleBias;
        ReadOnlySpan<float> hiddenBias = rbm.HiddenBias;
        bool bernoulli = rbm.VisibleType == VisibleUnitType.Bernoulli;
        double inverseTwoSigmaSquared = 1.0 / (2.0 * sigma * sigma);
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<float> x = rows.Slice(r * visible, visible);
            double visibleTerm = 0;
            if (bernoulli)
            {
                for (int i = 0; i < visible; i++)
                {
                    visibleTerm -= (double)visibleBias[i] * x[i];
                }
            }
            else
            {
                for (int i = 0; i < visible; i++)
                {
                    double d = (double)x[i] - visibleBias[i];
                    visibleTerm += d * d * inverseTwoSigmaSquared;
                }
            }

            ReadOnlySpan<float> pre = workspace.Slice(r * hidden, hidden);
            double hiddenTerm = 0;
            for (int j = 0; j < hidden; j++)
            {
                hiddenTerm += Softplus((double)pre[j] + hiddenBias[j]);
            }

            energies[r] = visibleTerm - hiddenTerm;
        }
    }

    internal static void CheckData(Rbm rbm, Matrix data)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Cols != rbm.VisibleUnits)
        {
            throw new ArgumentException($"The data has {data.Cols} features but the RBM has {rbm.VisibleUnits} visible units.", nameof(data));
        }
    }

    private static double Sum(ReadOnlySpan<double> values) => TensorPrimitives.Sum(values);
}
