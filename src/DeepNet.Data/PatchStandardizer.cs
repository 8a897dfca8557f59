using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Serialization;
using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>
/// Standardizes image patches for a Gaussian-visible RBM and undoes it. Transform, per patch row x:
/// (1) PerPatch mode only: y = (x − mean(x)) / sqrt(var(x) + <see cref="VarianceEpsilon"/>), else y = x;
/// (2) z_i = (y_i − Mean_i) / Std_i (PerPixel: fitted per-pixel mean and sqrt(var + ε); PerPatch: fitted mean of y, Std = 1);
/// (3) with ZCA: w = Zca·z, Zca = U·diag(1/sqrt(λ + zcaEpsilon))·Uᵀ from the covariance of z (eigen-decomposed by Jacobi in double).
/// <see cref="InverseTransform"/> applies the exact inverse steps in reverse order.
/// </summary>
public sealed class PatchStandardizer
{
    /// <summary>Added to variances before the square root, so flat patches and constant pixels do not divide by zero.</summary>
    public const float VarianceEpsilon = 1e-4f;

    /// <summary>ZCA eigen-decomposes a Features × Features covariance; above this size (20×20 patches) it is refused.</summary>
    public const int MaxZcaFeatures = 400;

    private static readonly JsonSerializerOptions _json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    private PatchStandardizer(PatchStandardizerParameters parameters)
    {
        Parameters = parameters;
    }

    public StandardizationMode Mode => Parameters.Mode;

    /// <summary>Values per patch.</summary>
    public int Features => Parameters.Features;

    public bool UsesZca => Parameters.Zca is not null;

    /// <summary>The fitted parameters; <see cref="FromParameters"/> rebuilds an equal standardizer from them.</summary>
    public PatchStandardizerParameters Parameters { get; }

    /// <summary>Fits the standardizer to training patches.</summary>
    /// <param name="patches">N × Features training patches (N ≥ 2), one per row.</param>
    /// <param name="zcaEpsilon">Regularizer added to each covariance eigenvalue (ignored without ZCA); must be &gt; 0.</param>
    public static PatchStandardizer Fit(Matrix patches, StandardizationMode mode, bool zca, float zcaEpsilon = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(patches);
        if (patches.Rows < 2)
        {
            throw new ArgumentException($"Fitting needs at least 2 patches, got {patches.Rows}.", nameof(patches));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), $"Unknown standardization mode {mode}.");
        }

        if (zca && !(zcaEpsilon > 0 && float.IsFinite(zcaEpsilon)))
        {
            throw new ArgumentOutOfRangeException(nameof(zcaEpsilon), $"The ZCA epsilon must be positive and finite, got {zcaEpsilon}.");
        }

        int d = patches.Cols;
        if (zca && d > MaxZcaFeatures)
        {
            throw new ArgumentException($"ZCA whitening supports at most {MaxZcaFeatures} values per patch, got {d}.", nameof(patches));
        }

        Matrix y = mode == StandardizationMode.PerPatch ? patches.Clone() : patches;
        if (mode == StandardizationMode.PerPatch)
        {
            NormalizeEachPatch(y, null);
        }

        int n = y.Rows;
        var mean = new double[d];
        var sumSquares = new double[d];
        for (int r = 0; r < n; r++)
        {
            Span<float> row = y.Row(r);
            for (int i = 0; i < d; i++)
            {
                mean[i] += row[i];
            }
        }

        for (int i = 0; i < d; i++)
        {
            mean[i] /= n;
        }

        for (int r = 0; r < n; r++)
        {
            Span<float> row = y.Row(r);
            for (int i = 0; i < d; i++)
            {
                double centred = row[i] - mean[i];
                sumSquares[i] += centred * centred;
            }
        }

        float[] meanF = mean.Select(m => (float)m).ToArray();
        float[] std = mode == StandardizationMode.PerPixel
            ? sumSquares.Select(s => (float)Math.Sqrt(s / n + VarianceEpsilon)).ToArray()
            : Enumerable.Repeat(1f, d).ToArray();

        float[]? zcaMatrix = null;
        float[]? zcaInverse = null;
        if (zca)
        {
            (zcaMatrix, zcaInverse) = FitZca(y, meanF, std, zcaEpsilon);
        }

        return new PatchStandardizer(new PatchStandardizerParameters(mode, d, meanF, std, zcaMatrix, zcaInverse, zca ? zcaEpsilon : 0f));
    }

    /// <summary>Rebuilds a standardizer from <see cref="Parameters"/> (e.g. read back from a model's metadata).</summary>
    /// <exception cref="ArgumentException">The parameters are inconsistent (lengths, non-finite or non-positive values).</exception>
    public static PatchStandardizer FromParameters(PatchStandardizerParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int d = parameters.Features;
        if (!Enum.IsDefined(parameters.Mode))
        {
            throw new ArgumentException($"Unknown standardization mode {parameters.Mode}.", nameof(parameters));
        }

        if (d <= 0 || parameters.Mean is null || parameters.Std is null || parameters.Mean.Length != d || parameters.Std.Length != d)
        {
            throw new ArgumentException($"Mean and Std must each hold Features = {d} values.", nameof(parameters));
        }

        if (parameters.Mean.Any(v => !float.IsFinite(v)) || parameters.Std.Any(v => !(v > 0 && float.IsFinite(v))))
        {
            throw new ArgumentException("Mean must be finite and Std positive and finite.", nameof(parameters));
        }

        if ((parameters.Zca is null) != (parameters.ZcaInverse is null))
        {
            throw new ArgumentException("Zca and ZcaInverse must both be present or both be absent.", nameof(parameters));
        }

        if (parameters.Zca is not null && (parameters.Zca.Length != (long)d * d || parameters.ZcaInverse!.Length != (long)d * d
            || parameters.Zca.Any(v => !float.IsFinite(v)) || parameters.ZcaInverse.Any(v => !float.IsFinite(v))))
        {
            throw new ArgumentException($"Zca and ZcaInverse must each hold {d}×{d} finite values.", nameof(parameters));
        }

        return new PatchStandardizer(parameters);
    }

    /// <summary>The parameters as camelCase JSON (mode as a string).</summary>
    public string ToJson() => JsonSerializer.Serialize(Parameters, _json);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed or the parameters are inconsistent.</exception>
    public static PatchStandardizer FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        PatchStandardizerParameters? parameters;
        try
        {
            parameters = JsonSerializer.Deserialize<PatchStandardizerParameters>(json, _json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Malformed standardizer JSON: {ex.Message}", nameof(json), ex);
        }

        return FromParameters(parameters ?? throw new ArgumentException("The standardizer JSON is null.", nameof(json)));
    }

    /// <summary>Standardizes patches.</summary>
    /// <param name="patches">N × Features patches, one per row; not modified.</param>
    /// <param name="perPatch">PerPatch mode: each patch's mean and divisor, needed by <see cref="InverseTransform"/>; null in PerPixel mode.</param>
    /// <returns>N × Features standardized (and, with ZCA, whitened) patches.</returns>
    public Matrix Transform(Matrix patches, out PatchStatistics? perPatch)
    {
        CheckShape(patches, nameof(patches));
        Matrix z = patches.Clone();
        perPatch = null;
        if (Mode == StandardizationMode.PerPatch)
        {
            perPatch = new PatchStatistics(new float[z.Rows], new float[z.Rows]);
            NormalizeEachPatch(z, perPatch);
        }

        for (int r = 0; r < z.Rows; r++)
        {
            Span<float> row = z.Row(r);
            TensorPrimitives.Subtract(row, Parameters.Mean, row);
            TensorPrimitives.Divide(row, Parameters.Std, row);
        }

        if (Parameters.Zca is null)
        {
            return z;
        }

        // Zca is symmetric, so each whitened row is z·Zca.
        var whitened = new Matrix(z.Rows, Features);
        Gemm.Multiply(z, Transpose.No, new Matrix(Features, Features, Parameters.Zca), Transpose.No, whitened);
        return whitened;
    }

    /// <summary>Maps standardized patches (e.g. RBM reconstructions) back to the original intensity space.</summary>
    /// <param name="standardized">N × Features, as returned by <see cref="Transform"/>; not modified.</param>
    /// <param name="perPatch">PerPatch mode: the statistics <see cref="Transform"/> returned for the same N patches (required); ignored in PerPixel mode.</param>
    /// <returns>N × Features patches in the original space.</returns>
    public Matrix InverseTransform(Matrix standardized, PatchStatistics? perPatch)
    {
        CheckShape(standardized, nameof(standardized));
        if (Mode == StandardizationMode.PerPatch)
        {
            if (perPatch is null)
            {
                throw new ArgumentNullException(nameof(perPatch), "PerPatch standardization needs the per-patch statistics from Transform to invert.");
            }

            if (perPatch.Mean.Length != standardized.Rows || perPatch.Std.Length != standardized.Rows)
            {
                throw new ArgumentException(
                    $"The per-patch statistics describe {perPatch.Mean.Length} patches, but there are {standardized.Rows}.", nameof(perPatch));
            }
        }

        Matrix x;
        if (Parameters.ZcaInverse is not null)
        {
            x = new Matrix(standardized.Rows, Features);
            Gemm.Multiply(standardized, Transpose.No, new Matrix(Features, Features, Parameters.ZcaInverse), Transpose.No, x);
        }
        else
        {
            x = standardized.Clone();
        }

        for (int r = 0; r < x.Rows; r++)
        {
            Span<float> row = x.Row(r);
            TensorPrimitives.MultiplyAdd(row, Parameters.Std, Parameters.Mean, row);
            if (Mode == StandardizationMode.PerPatch)
            {
                TensorPrimitives.Multiply(row, perPatch!.Std[r], row);
                TensorPrimitives.Add(row, perPatch.Mean[r], row);
            }
        }

        return x;
    }

    private void CheckShape(Matrix patches, string name)
    {
        ArgumentNullException.ThrowIfNull(patches, name);
        if (patches.Cols != Features)
        {
            throw new ArgumentException($"Expected patches of {Features} values, got {patches.Cols}.", name);
        }
    }

    private static void NormalizeEachPatch(Matrix patches, PatchStatistics? statistics)
    {
        int d = patches.Cols;
        for (int r = 0; r < patches.Rows; r++)
        {
            Span<float> row = patches.Row(r);
            double sum = 0;
            foreach (float v in row)
            {
                sum += v;
            }

            double mean = sum / d;
            double squares = 0;
            foreach (float v in row)
            {
                squares += (v - mean) * (v - mean);
            }

            float std = (float)Math.Sqrt(squares / d + VarianceEpsilon);
            TensorPrimitives.Subtract(row, (float)mean, row);
            TensorPrimitives.Divide(row, std, row);
            if (statistics is not null)
            {
                statistics.Mean[r] = (float)mean;
                statistics.Std[r] = std;
            }
        }
    }

    private static (float[] Zca, float[] Inverse) FitZca(Matrix y, float[] mean, float[] std, float epsilon)
    {
        int n = y.Rows;
        int d = y.Cols;
        var covariance = new double[d * d];
        var z = new double[d];
        for (int r = 0; r < n; r++)
        {
            Span<float> row = y.Row(r);
            for (int i = 0; i < d; i++)
            {
                z[i] = ((double)row[i] - mean[i]) / std[i];
            }

            // Upper triangle only: row i of the covariance gains z_i·z[i..].
            for (int i = 0; i < d; i++)
            {
                Span<double> target = covariance.AsSpan(i * d + i, d - i);
                TensorPrimitives.MultiplyAdd(z.AsSpan(i), z[i], target, target);
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                covariance[i * d + j] /= n;
                covariance[j * d + i] = covariance[i * d + j];
            }
        }

        var eigenvalues = new double[d];
        var vectors = new double[d * d];
        SymmetricEigen.Decompose(covariance, d, eigenvalues, vectors);

        var zca = new float[d * d];
        var inverse = new float[d * d];
        var whiten = new double[d];
        var colour = new double[d];
        for (int k = 0; k < d; k++)
        {
            double lambda = Math.Max(eigenvalues[k], 0) + epsilon;
            whiten[k] = 1 / Math.Sqrt(lambda);
            colour[k] = Math.Sqrt(lambda);
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                double a = 0;
                double b = 0;
                for (int k = 0; k < d; k++)
                {
                    double uu = vectors[i * d + k] * vectors[j * d + k];
                    a += uu * whiten[k];
                    b += uu * colour[k];
                }

                zca[i * d + j] = zca[j * d + i] = (float)a;
                inverse[i * d + j] = inverse[j * d + i] = (float)b;
            }
        }

        return (zca, inverse);
    }
}
