using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>Max pooling per channel (<see cref="Pooling.MaxForward"/>); keeps the argmax indices for backward.</summary>
public sealed class MaxPool2d : LayerBase
{
    private readonly int[] _argmax;

    public MaxPool2d(TensorShape input, MaxPoolSpec spec, int maxBatch)
        : base(spec.Describe(), input, OutputShapeOf(input, spec.Window, spec.Stride), maxBatch)
    {
        Spec = spec;
        _argmax = new int[OutputBuffer.Length];
    }

    public MaxPoolSpec Spec { get; }

    internal static TensorShape OutputShapeOf(TensorShape input, int window, int stride)
    {
        (int h, int w) = Pooling.OutputSize(input.Height, input.Width, window, stride);
        return new TensorShape(input.Channels, h, w);
    }

    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training)
    {
        CheckForward(input, batch);
        int length = batch * OutputShape.Size;
        Pooling.MaxForward(input, batch * InputShape.Channels, InputShape.Height, InputShape.Width, Spec.Window, Spec.Stride,
            OutputBuffer.AsSpan(0, length), _argmax.AsSpan(0, length));
        return OutputBuffer.AsSpan(0, length);
    }

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        if (!inputGradient)
        {
            return [];
        }

        Span<float> dx = InputGradientBuffer.AsSpan(0, batch * InputShape.Size);
        Pooling.MaxBackward(outputGradient, _argmax.AsSpan(0, batch * OutputShape.Size), batch * InputShape.Channels,
            InputShape.Height, InputShape.Width, Spec.Window, Spec.Stride, dx);
        return dx;
    }

    internal override bool IsPerSample => true;

    internal override void ForwardSamples(ReadOnlySpan<float> input, int batch, int first, int count, int partition)
    {
        int inSize = InputShape.Size, outSize = OutputShape.Size;
        Pooling.MaxForward(input.Slice(first * inSize, count * inSize), count * InputShape.Channels, InputShape.Height, InputShape.Width,
            Spec.Window, Spec.Stride, OutputBuffer.AsSpan(first * outSize, count * outSize), _argmax.AsSpan(first * outSize, count * outSize));
    }

    internal override void BackwardSamples(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, int first, int count, bool inputGradient, int partition)
    {
        if (inputGradient)
        {
            int inSize = InputShape.Size, outSize = OutputShape.Size;
            Pooling.MaxBackward(outputGradient.Slice(first * outSize, count * outSize), _argmax.AsSpan(first * outSize, count * outSize),
                count * InputShape.Channels, InputShape.Height, InputShape.Width, Spec.Window, Spec.Stride,
                InputGradientBuffer.AsSpan(first * inSize, count * inSize));
        }
    }
}

/// <summary>Average pooling per channel (<see cref="Pooling.AverageForward"/>).</summary>
public sealed class AvgPool2d : LayerBase
{
    public AvgPool2d(TensorShape input, AveragePoolSpec spec, int maxBatch)
        : base(spec.Describe(), input, MaxPool2d.OutputShapeOf(input, spec.Window, spec.Stride), maxBatch)
    {
        Spec = spec;
    }

    public AveragePoolSpec Spec { get; }

    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training)
    {
        CheckForward(input, batch);
        Span<float> output = OutputBuffer.AsSpan(0, batch * OutputShape.Size);
        Pooling.AverageForward(input, batch * InputShape.Channels, InputShape.Height, InputShape.Width, Spec.Window, Spec.Stride, output);
        return output;
    }

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        if (!inputGradient)
        {
            return [];
        }

        Span<float> dx = InputGradientBuffer.AsSpan(0, batch * InputShape.Size);
        Pooling.AverageBackward(outputGradient, batch * InputShape.Channels, InputShape.Height, InputShape.Width, Spec.Window, Spec.Stride, dx);
        return dx;
    }

    internal override bool IsPerSample => true;

    internal override void ForwardSamples(ReadOnlySpan<float> input, int batch, int first, int count, int partition)
    {
        int inSize = InputShape.Size, outSize = OutputShape.Size;
        Pooling.AverageForward(input.Slice(first * inSize, count * inSize), count * InputShape.Channels, InputShape.Height, InputShape.Width,
            Spec.Window, Spec.Stride, OutputBuffer.AsSpan(first * outSize, count * outSize));
    }

    internal override void BackwardSamples(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, int first, int count, bool inputGradient, int partition)
    {
        if (inputGradient)
        {
            int inSize = InputShape.Size, outSize = OutputShape.Size;
            Pooling.AverageBackward(outputGradient.Slice(first * outSize, count * outSize), count * InputShape.Channels,
                InputShape.Height, InputShape.Width, Spec.Window, Spec.Stride, InputGradientBuffer.AsSpan(first * inSize, count * inSize));
        }
    }
}
