using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>Elementwise ReLU, sigmoid or tanh (<see cref="Activations"/>); the shape is unchanged.</summary>
public sealed class Activation : LayerBase
{
    public Activation(TensorShape input, ActivationSpec spec, int maxBatch)
        : base(spec.Describe(), input, input, maxBatch)
    {
        Kind = spec.Kind;
    }

    public ActivationKind Kind { get; }

    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training)
    {
        CheckForward(input, batch);
        Span<float> y = OutputBuffer.AsSpan(0, input.Length);
        switch (Kind)
        {
            case ActivationKind.Relu: Activations.Relu(input, y); break;
            case ActivationKind.Sigmoid: Activations.Sigmoid(input, y); break;
            default: Activations.Tanh(input, y); break;
        }

        return y;
    }

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        if (!inputGradient)
        {
            return [];
        }

        ReadOnlySpan<float> y = OutputBuffer.AsSpan(0, input.Length);
        Span<float> dx = InputGradientBuffer.AsSpan(0, input.Length);
        switch (Kind)
        {
            case ActivationKind.Relu: Activations.ReluBackward(y, outputGradient, dx); break;
            case ActivationKind.Sigmoid: Activations.SigmoidBackward(y, outputGradient, dx); break;
            default: Activations.TanhBackward(y, outputGradient, dx); break;
        }

        return dx;
    }
}
