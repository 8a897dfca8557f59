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

    internal override bool IsPerSample => true;

    internal override void ForwardSamples(ReadOnlySpan<float> input, int batch, int first, int count, int partition)
    {
        int size = InputShape.Size;
        Apply(input.Slice(first * size, count * size), OutputBuffer.AsSpan(first * size, count * size));
    }

    internal override void BackwardSamples(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, int first, int count, bool inputGradient, int partition)
    {
        if (inputGradient)
        {
            int size = InputShape.Size;
            Differentiate(OutputBuffer.AsSpan(first * size, count * size), outputGradient.Slice(first * size, count * size), InputGradientBuffer.AsSpan(first * size, count * size));
        }
    }

    private void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        switch (Kind)
        {
            case ActivationKind.Relu: Activations.Relu(x, y); break;
            case ActivationKind.Sigmoid: Activations.Sigmoid(x, y); break;
            default: Activations.Tanh(x, y); break;
        }
    }

    private void Differentiate(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        switch (Kind)
        {
            case ActivationKind.Relu: Activations.ReluBackward(y, dy, dx); break;
            case ActivationKind.Sigmoid: Activations.SigmoidBackward(y, dy, dx); break;
            default: Activations.TanhBackward(y, dy, dx); break;
        }
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
