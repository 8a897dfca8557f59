using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>
/// Convolution layer: F filters of C×k×k with stride and zero padding, weights F×(C·k·k), bias F.
/// Computes through <see cref="ConvolutionKernels"/> (im2col + GEMM).
/// </summary>
public sealed class Conv2d : LayerBase
{
    private readonly Parameter _weights;
    private readonly Parameter _bias;
    private readonly float[] _columns;
    private readonly float[] _columnGradient;

    public Conv2d(TensorShape input, ConvolutionSpec spec, int maxBatch)
        : base(spec.Describe(), input, OutputShapeOf(input, spec), maxBatch)
    {
        Spec = spec;
        int taps = input.Channels * spec.Kernel * spec.Kernel;
        int total = checked(maxBatch * OutputShape.Height * OutputShape.Width);
        _weights = new Parameter("weight", [spec.Filters, input.Channels, spec.Kernel, spec.Kernel], decays: true);
        _bias = new Parameter("bias", [spec.Filters], decays: false);
        _columns = new float[checked(taps * total)];
        _columnGradient = new float[checked(taps * OutputShape.Height * OutputShape.Width)];
        Parameters = [_weights, _bias];
    }

    public ConvolutionSpec Spec { get; }

    /// <summary>F×C×k×k, row-major.</summary>
    public Parameter Weights => _weights;

    public Parameter Bias => _bias;

    public override IReadOnlyList<Parameter> Parameters { get; }

    public static TensorShape OutputShapeOf(TensorShape input, ConvolutionSpec spec)
    {
        (int h, int w) = ConvolutionKernels.OutputSize(input.Height, input.Width, spec.Kernel, spec.Kernel, spec.Stride, spec.Padding);
        return new TensorShape(spec.Filters, h, w);
    }

    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training)
    {
        CheckForward(input, batch);
        Span<float> output = OutputBuffer.AsSpan(0, batch * OutputShape.Size);
        ConvolutionKernels.Forward(
            input, batch, InputShape.Channels, InputShape.Height, InputShape.Width,
            _weights.Value, _bias.Value, Spec.Filters, Spec.Kernel, Spec.Kernel, Spec.Stride, Spec.Padding,
            output, _columns);
        return output;
    }

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        Span<float> dx = inputGradient ? InputGradientBuffer.AsSpan(0, batch * InputShape.Size) : [];
        ConvolutionKernels.Backward(
            outputGradient, batch, InputShape.Channels, InputShape.Height, InputShape.Width,
            _weights.Value, Spec.Filters, Spec.Kernel, Spec.Kernel, Spec.Stride, Spec.Padding,
            _columns, _columnGradient, _weights.Gradient, _bias.Gradient, dx);
        return dx;
    }
}
