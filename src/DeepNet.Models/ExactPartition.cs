using System.Numerics;
using System.Numerics.Tensors;

namespace DeepNet.Models;

/// <summary>The exact log partition function of a small Bernoulli RBM, by enumeration.</summary>
public static class ExactPartition
{
    /// <summary>The largest layer that may be enumerated (2^20 states).</summary>
    public const int MaxEnumeratedUnits = 20;

    /// <summary>
    /// log Z = log Σ_h exp(cᵀh + Σᵢ softplus(bᵢ + (Wᵀh)ᵢ)) summed over all 2^H hidden states — or, when the visible layer is the
    /// smaller one, log Σ_x exp(bᵀx + Σⱼ softplus(cⱼ + Wⱼx)) over all 2^V visible states. The smaller layer must have at most
    /// <see cref="MaxEnumeratedUnits"/> units. States are visited in Gray-code order (one unit changes per step, so the other
    /// layer's input is updated by one row of W), everything in double, with a streaming log-sum-exp.
    /// </summary>
    public static double LogZ(Rbm rbm)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        if (rbm.VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("The exact partition function is available for Bernoulli visible units.", nameof(rbm));
        }

        int hidden = rbm.HiddenUnits, visible = rbm.VisibleUnits;
        if (Math.Min(hidden, visible) > MaxEnumeratedUnits)
        {
            throw new ArgumentException(
                $"Enumeration needs a layer of at most {MaxEnumeratedUnits} units; this RBM is {visible}×{hidden} (visible×hidden).", nameof(rbm));
        }

        // rows[j] is the input that enumerated unit j sends to every unit of the other layer.
        double[] rows;
        float[] enumeratedBias, otherBias;
        int n, m;
        if (hidden <= visible)
        {
            (n, m, enumeratedBias, otherBias) = (hidden, visible, rbm.HiddenBias, rbm.VisibleBias);
            rows = Array.ConvertAll(rbm.Weights.Data, w => (double)w);
        }
        else
        {
            (n, m, enumeratedBias, otherBias) = (visible, hidden, rbm.VisibleBias, rbm.HiddenBias);
            rows = new double[visible * hidden];
            for (int j = 0; j < hidden; j++)
            {
                for (int i = 0; i < visible; i++)
                {
                    rows[i * hidden + j] = rbm.Weights[j, i];
                }
            }
        }

        return Enumerate(n, m, rows, enumeratedBias, otherBias);
    }

    private static double Enumerate(int n, int m, double[] rows, float[] enumeratedBias, float[] otherBias)
    {
        var input = Array.ConvertAll(otherBias, b => (double)b);
        var scratch = new double[m];
        var softplus = new double[m];
        var on = new bool[n];
        double linear = 0;
        double max = double.NegativeInfinity, sum = 0;
        long states = 1L << n;
        for (long g = 0; g < states; g++)
        {
            double term = linear + SoftplusSum(input, scratch, softplus);
            if (term > max)
            {
                sum = sum * Math.Exp(max - term) + 1;
                max = term;
            }
            else
            {
                sum += Math.Exp(term - max);
            }

            if (g + 1 == states)
            {
                break;
            }

            int j = BitOperations.TrailingZeroCount(g + 1);
            ReadOnlySpan<double> row = rows.AsSpan(j * m, m);
            if (on[j])
            {
                TensorPrimitives.Subtract(input, row, input);
                linear -= enumeratedBias[j];
            }
            else
            {
                TensorPrimitives.Add(input, row, input);
                linear += enumeratedBias[j];
            }

            on[j] = !on[j];
        }

        return max + Math.Log(sum);
    }

    /// <summary>Σ log(1 + e^xᵢ) as Σ [max(xᵢ, 0) + log(1 + e^−|xᵢ|)].</summary>
    private static double SoftplusSum(ReadOnlySpan<double> x, Span<double> scratch, Span<double> result)
    {
        TensorPrimitives.Abs(x, scratch);
        TensorPrimitives.Negate(scratch, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        TensorPrimitives.Add(scratch, 1.0, scratch);
        TensorPrimitives.Log(scratch, scratch);
        TensorPrimitives.Max(x, 0.0, result);
        return TensorPrimitives.Sum(result) + TensorPrimitives.Sum(scratch);
    }
}
