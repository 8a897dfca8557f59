using System.Numerics.Tensors;

namespace DeepNet.Models.Cnn;

/// <summary>Updates parameters in place from their gradients; its state (moments, step count) is exposed for checkpoints.</summary>
public interface IOptimizer
{
    /// <summary>One update of every parameter from its <see cref="Parameter.Gradient"/>.</summary>
    void Step();

    /// <summary>Per-parameter state buffers in parameter order (velocity; or first then second moments).</summary>
    IReadOnlyList<float[]> State { get; }

    /// <summary>Updates taken so far.</summary>
    long Steps { get; set; }

    /// <summary>ε, which a trainer may change between steps (learning-rate schedules).</summary>
    float LearningRate { get; set; }
}

/// <summary>
/// SGD with momentum and L2 weight decay: g ← ∇ + λ·w (weights only), v ← μ·v − ε·g, w ← w + v.
/// </summary>
public sealed class SgdMomentum : IOptimizer
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _velocity;
    private readonly float[] _scratch;

    public SgdMomentum(IReadOnlyList<Parameter> parameters, float learningRate, float momentum = 0.9f, float weightDecay = 0f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        if (!(momentum >= 0f && momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), "Momentum must be in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        _parameters = parameters;
        _velocity = [.. parameters.Select(p => new float[p.Value.Length])];
        _scratch = new float[parameters.Count == 0 ? 0 : parameters.Max(p => p.Value.Length)];
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public float LearningRate { get; set; }

    public float Momentum { get; }

    public float WeightDecay { get; }

    public IReadOnlyList<float[]> State => _velocity;

    public long Steps { get; set; }

    public void Step()
    {
        for (int i = 0; i < _parameters.Count; i++)
        {
            Parameter p = _parameters[i];
            Span<float> g = _scratch.AsSpan(0, p.Value.Length);
            if (p.Decays && WeightDecay > 0f)
            {
                TensorPrimitives.MultiplyAdd(p.Value, WeightDecay, p.Gradient, g);
            }
            else
            {
                p.Gradient.CopyTo(g);
            }

            // v ← μ·v − ε·g, w ← w + v
            TensorPrimitives.Multiply(_velocity[i], Momentum, _velocity[i]);
            TensorPrimitives.MultiplyAdd(g, -LearningRate, _velocity[i], _velocity[i]);
            TensorPrimitives.Add(p.Value, _velocity[i], p.Value);
        }

        Steps++;
    }
}

/// <summary>
/// Adam (Kingma &amp; Ba) with L2 weight decay added to the gradient: g ← ∇ + λ·w (weights only),
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − ε·m̂/(√v̂ + δ) with bias-corrected m̂, v̂.
/// </summary>
public sealed class Adam : IOptimizer
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _state;
    private readonly float[] _scratch;
    private readonly float[] _scratch2;

    public Adam(IReadOnlyList<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        if (!(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), "β₁ and β₂ must be in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        _parameters = parameters;
        _state = [.. parameters.Select(p => new float[p.Value.Length]), .. parameters.Select(p => new float[p.Value.Length])];
        int max = parameters.Count == 0 ? 0 : parameters.Max(p => p.Value.Length);
        _scratch = new float[max];
        _scratch2 = new float[max];
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    public float LearningRate { get; set; }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public float WeightDecay { get; }

    /// <summary>First moments of every parameter, then second moments.</summary>
    public IReadOnlyList<float[]> State => _state;

    public long Steps { get; set; }

    public void Step()
    {
        Steps++;
        float correction1 = 1f - MathF.Pow(Beta1, Steps);
        float correction2 = 1f - MathF.Pow(Beta2, Steps);
        float stepSize = LearningRate / correction1;
        float sqrtCorrection2 = MathF.Sqrt(correction2);
        int count = _parameters.Count;
        for (int i = 0; i < count; i++)
        {
            Parameter p = _parameters[i];
            float[] m = _state[i];
            float[] v = _state[count + i];
            Span<float> g = _scratch.AsSpan(0, p.Value.Length);
            Span<float> t = _scratch2.AsSpan(0, p.Value.Length);
            if (p.Decays && WeightDecay > 0f)
            {
                TensorPrimitives.MultiplyAdd(p.Value, WeightDecay, p.Gradient, g);
            }
            else
            {
                p.Gradient.CopyTo(g);
            }

            // m ← β₁m + (1 − β₁)g ; v ← β₂v + (1 − β₂)g²
            TensorPrimitives.Multiply(m, Beta1, m);
            TensorPrimitives.MultiplyAdd(g, 1f - Beta1, m, m);
            TensorPrimitives.Multiply(g, g, t);
            TensorPrimitives.Multiply(v, Beta2, v);
            TensorPrimitives.MultiplyAdd(t, 1f - Beta2, v, v);
            // w ← w − (ε/c₁)·m / (√v/√c₂ + δ)
            TensorPrimitives.Sqrt(v, t);
            TensorPrimitives.Multiply(t, 1f / sqrtCorrection2, t);
            TensorPrimitives.Add(t, Epsilon, t);
            TensorPrimitives.Divide(m, t, t);
            TensorPrimitives.MultiplyAdd(t, -stepSize, p.Value, p.Value);
        }
    }
}
