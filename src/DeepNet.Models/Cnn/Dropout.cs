using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>
/// Inverted dropout: in training, y = x·m with m = 1/(1 − Rate) with probability 1 − Rate and 0 otherwise, drawn from the
/// network's seeded generator (one uniform per value, in order); at evaluation y = x.
/// </summary>
public sealed class Dropout : LayerBase
{
    private readonly Xoshiro256StarStar _rng;
    private readonly float[] _mask;
    private bool _masked;

    public Dropout(TensorShape input, DropoutSpec spec, int maxBatch, Xoshiro256StarStar rng)
        : base(spec.Describe(), input, input, maxBatch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Rate = spec.Rate;
        _rng = rng;
        _mask = new float[OutputBuffer.Length];
    }

    public float Rate { get; }

    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training)
    {
        CheckForward(input, batch);
        Span<float> y = OutputBuffer.AsSpan(0, input.Length);
        _masked = training && Rate > 0f;
        if (!_masked)
        {
            input.CopyTo(y);
            return y;
        }

        Span<float> mask = _mask.AsSpan(0, input.Length);
        _rng.FillUniform(mask);
        float keep = 1f / (1f - Rate);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = mask[i] >= Rate ? keep : 0f;
        }

        TensorPrimitives.Multiply(input, mask, y);
        return y;
    }

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        if (!inputGradient)
        {
            return [];
        }

        Span<float> dx = InputGradientBuffer.AsSpan(0, input.Length);
        if (_masked)
        {
            TensorPrimitives.Multiply(outputGradient, _mask.AsSpan(0, input.Length), dx);
        }
        else
        {
            outputGradient.CopyTo(dx);
        }

        return dx;
    }
}
