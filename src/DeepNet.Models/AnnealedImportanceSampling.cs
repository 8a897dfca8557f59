using System.Diagnostics;
using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Annealed importance sampling estimate of the log partition function of a Bernoulli RBM
/// (Salakhutdinov &amp; Murray 2008, "On the quantitative analysis of deep belief networks").
/// </summary>
/// <remarks>
/// The base model A has zero weights, the given visible biases b_A (the data's base rates) and zero hidden biases, so
/// log Z_A = Σᵢ softplus(b_A,ᵢ) + H log 2 and exact samples are independent Bernoulli(sigm(b_A)) pixels. The intermediate
/// distributions p_k ∝ p_A^(1−β_k) p_B^(β_k) have the unnormalized marginal
/// log p*_k(x) = (1−β_k) b_Aᵀx + β_k bᵀx + Σⱼ softplus(β_k (cⱼ + Wⱼx)). Each chain starts from an exact sample of A and
/// collects log w += log p*_k(x_k) − log p*_(k−1)(x_k), then moves with the Gibbs transition that leaves p_k invariant:
/// h ~ sigm(β_k (c + W x)), x ~ sigm((1−β_k) b_A + β_k (b + Wᵀh)). Then log Z_B = log Z_A + log mean(w).
/// All chains run as one Runs×V batch (two GEMMs per temperature), with buffers allocated once and the log-weights in double.
/// </remarks>
public static class AnnealedImportanceSampling
{
    /// <summary>How often (in temperatures) cancellation is checked.</summary>
    private const int CancellationInterval = 64;

    /// <summary>
    /// Estimates log Z of <paramref name="rbm"/> (Bernoulli visible units) with <paramref name="options"/>.Runs chains annealed over
    /// <see cref="Betas"/>(<paramref name="options"/>.Intermediate) from the base-rate model with visible biases
    /// <paramref name="baseVisibleBias"/> (length V; see <see cref="BaseRateBiases"/>). Deterministic for a given seed and GEMM backend.
    /// </summary>
    /// <exception cref="ArgumentException">Gaussian visible units ("AIS is available for Bernoulli visible units"), or bad arguments.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (checked every 64 temperatures).</exception>
    public static AisResult EstimateLogPartition(Rbm rbm, AisOptions options, ReadOnlySpan<float> baseVisibleBias, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(options);
        if (rbm.VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("AIS is available for Bernoulli visible units.", nameof(rbm));
        }

        if (options.Runs < 2 || options.Runs > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Runs, "AIS needs 2 to 100000 runs.");
        }

        if (options.Intermediate < 3 || options.Intermediate > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Intermediate, "AIS needs 3 to 10000000 intermediate distributions.");
        }

        int visible = rbm.VisibleUnits, hidden = rbm.HiddenUnits, runs = options.Runs;
        if (baseVisibleBias.Length != visible)
        {
            throw new ArgumentException($"The base model needs {visible} visible biases, got {baseVisibleBias.Length}.", nameof(baseVisibleBias));
        }

        foreach (float b in baseVisibleBias)
        {
            if (!float.IsFinite(b))
            {
                throw new ArgumentException("The base visible biases must be finite.", nameof(baseVisibleBias));
            }
        }

        var clock = Stopwatch.StartNew();
        double[] betas = Betas(options.Intermediate);
        var rng = new Xoshiro256StarStar(options.Seed);
        float[] baseBias = baseVisibleBias.ToArray();
        float[] modelBias = rbm.VisibleBias;
        float[] hiddenBias = rbm.HiddenBias;
        float[] weights = rbm.Weights.Data;

        var chains = new float[runs * visible];
        var hiddenInput = new float[runs * hidden];
        var hiddenProbabilities = new float[runs * hidden];
        var hiddenSample = new float[runs * hidden];
        var visibleProbabilities = new float[runs * visible];
        var hiddenInputDouble = new double[runs * hidden];
        var scaled = new double[runs * hidden];
        var scratch = new double[runs * hidden];
        var mixedBias = new float[visible];
        var biasDifference = new float[visible];
        var logWeights = new double[runs];
        TensorPrimitives.Subtract(modelBias, baseBias, biasDifference);

        // Exact samples of the base model.
        TensorPrimitives.Sigmoid(baseBias, mixedBias);
        for (int r = 0; r < runs; r++)
        {
            rng.SampleBernoulli(mixedBias, chains.AsSpan(r * visible, visible));
        }

        int steps = betas.Length - 1;
        for (int k = 1; k <= steps; k++)
        {
            if (k % CancellationInterval == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            // c + W x for every chain (runs×H).
            Gemm.Multiply(Transpose.No, Transpose.Yes, runs, hidden, visible,
                1f, chains, visible, weights, visible, 0f, hiddenInput, hidden);
            AddRows(hiddenInput, hiddenBias);

            // log p*_k(x) − log p*_(k−1)(x) = (β_k − β_(k−1)) (b − b_A)ᵀx + Σⱼ softplus(β_k aⱼ) − Σⱼ softplus(β_(k−1) aⱼ).
            double previous = betas[k - 1], current = betas[k];
            TensorPrimitives.ConvertChecked<float, double>(hiddenInput, hiddenInputDouble);
            AccumulateSoftplusRowSums(hiddenInputDouble, current, runs, hidden, scaled, scratch, logWeights, 1.0);
            AccumulateSoftplusRowSums(hiddenInputDouble, previous, runs, hidden, scaled, scratch, logWeights, -1.0);
            for (int r = 0; r < runs; r++)
            {
                logWeights[r] += (current - previous) * TensorPrimitives.Dot(biasDifference, chains.AsSpan(r * visible, visible));
            }

            if (k == steps)
            {
                break;
            }

            // One Gibbs sweep that leaves p_k invariant.
            float beta = (float)current;
            TensorPrimitives.Multiply(hiddenInput, beta, hiddenProbabilities);
            TensorPrimitives.Sigmoid(hiddenProbabilities, hiddenProbabilities);
            rng.SampleBernoulli(hiddenProbabilities, hiddenSample);
            TensorPrimitives.Multiply(baseBias, 1f - beta, mixedBias);
            TensorPrimitives.MultiplyAdd(modelBias, beta, mixedBias, mixedBias);
            Gemm.Multiply(Transpose.No, Transpose.No, runs, visible, hidden,
                beta, hiddenSample, hidden, weights, visible, 0f, visibleProbabilities, visible);
            AddRows(visibleProbabilities, mixedBias);
            TensorPrimitives.Sigmoid(visibleProbabilities, visibleProbabilities);
            rng.SampleBernoulli(visibleProbabilities, chains);
        }

        double logZBase = hidden * Math.Log(2);
        foreach (float b in baseBias)
        {
            logZBase += RbmMetrics.Softplus(b);
        }

        (double logMean, double logLow, double logHigh) = LogMeanWithErrorBar(logWeights);
        return new AisResult(logZBase + logMean, logZBase + logLow, logZBase + logHigh, logZBase, runs, options.Intermediate, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The β schedule with <paramref name="intermediate"/> + 1 temperatures β_0 = 0 &lt; … &lt; β_K = 1: Salakhutdinov &amp; Murray's
    /// 500 steps over [0, 0.5], 4,000 over [0.5, 0.9] and 10,000 over [0.9, 1] (14,500 in all), each segment scaled by K/14,500
    /// (at least one step each) and uniform within the segment.
    /// </summary>
    public static double[] Betas(int intermediate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(intermediate, 3);
        int first = Math.Max(1, (int)Math.Round(intermediate * 500.0 / 14_500));
        int second = Math.Max(1, (int)Math.Round(intermediate * 4_000.0 / 14_500));
        int third = intermediate - first - second;
        if (third < 1)
        {
            second -= 1 - third;
            third = 1;
        }

        var betas = new double[intermediate + 1];
        int index = 0;
        for (int i = 0; i < first; i++)
        {
            betas[index++] = 0.5 * i / first;
        }

        for (int i = 0; i < second; i++)
        {
            betas[index++] = 0.5 + 0.4 * i / second;
        }

        for (int i = 0; i < third; i++)
        {
            betas[index++] = 0.9 + 0.1 * i / third;
        }

        betas[index] = 1.0;
        return betas;
    }

    /// <summary>
    /// Visible biases of the base-rate model from data (samples×V, values in [0, 1]): bᵢ = log(pᵢ/(1 − pᵢ)) with
    /// pᵢ = (Σ xᵢ + 1)/(samples + 2), the pixel's mean with one pseudo-count on each side so no bias is infinite.
    /// </summary>
    /// <returns>Length V.</returns>
    public static float[] BaseRateBiases(Matrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sums = new double[data.Cols];
        for (int r = 0; r < data.Rows; r++)
        {
            ReadOnlySpan<float> row = data.Row(r);
            for (int i = 0; i < row.Length; i++)
            {
                sums[i] += row[i];
            }
        }

        var biases = new float[data.Cols];
        for (int i = 0; i < biases.Length; i++)
        {
            double p = (sums[i] + 1) / (data.Rows + 2.0);
            biases[i] = (float)Math.Log(p / (1 - p));
        }

        return biases;
    }

    /// <summary>log mean(w) and log(mean(w) ∓ 3·std(w)/√n) for log-weights, computed relative to max(log w).</summary>
    internal static (double LogMean, double LogLow, double LogHigh) LogMeanWithErrorBar(ReadOnlySpan<double> logWeights)
    {
        double max = TensorPrimitives.Max(logWeights);
        double sum = 0;
        foreach (double w in logWeights)
        {
            sum += Math.Exp(w - max);
        }

        int n = logWeights.Length;
        double mean = sum / n;
        double squares = 0;
        foreach (double w in logWeights)
        {
            double d = Math.Exp(w - max) - mean;
            squares += d * d;
        }

        double halfWidth = 3 * Math.Sqrt(squares / (n - 1)) / Math.Sqrt(n);
        double low = mean - halfWidth;
        return (max + Math.Log(mean), low > 0 ? max + Math.Log(low) : double.NegativeInfinity, max + Math.Log(mean + halfWidth));
    }

    /// <summary>sums[r] += sign · Σⱼ softplus(β·x[r, j]) over a rows×cols double matrix, with two scratch buffers of its size.</summary>
    private static void AccumulateSoftplusRowSums(
        ReadOnlySpan<double> x, double beta, int rows, int cols, Span<double> scaled, Span<double> scratch, Span<double> sums, double sign)
    {
        // softplus(t) = max(t, 0) + log(1 + e^−|t|), vectorized over the whole matrix.
        TensorPrimitives.Multiply(x, beta, scaled);
        TensorPrimitives.Abs(scaled, scratch);
        TensorPrimitives.Negate(scratch, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        TensorPrimitives.Add(scratch, 1.0, scratch);
        TensorPrimitives.Log(scratch, scratch);
        TensorPrimitives.Max(scaled, 0.0, scaled);
        TensorPrimitives.Add(scaled, scratch, scaled);
        for (int r = 0; r < rows; r++)
        {
            sums[r] += sign * TensorPrimitives.Sum(scaled.Slice(r * cols, cols));
        }
    }

    private static void AddRows(Span<float> rows, ReadOnlySpan<float> bias)
    {
        for (int offset = 0; offset < rows.Length; offset += bias.Length)
        {
            Span<float> row = rows.Slice(offset, bias.Length);
            TensorPrimitives.Add(row, bias, row);
        }
    }
}
