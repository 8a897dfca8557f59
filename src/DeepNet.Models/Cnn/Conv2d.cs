using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>
/// Convolution layer: F filters of C×k×k with stride and zero padding, weights F×(C·k·k), bias F.
/// Computes stride-1 convolutions directly (<see cref="DirectConvolution"/>, AVX2 + FMA) and the others, or on other
/// machines, through <see cref="ConvolutionKernels"/> (im2col + GEMM).
/// </summary>
public sealed class Conv2d : LayerBase
{
    private readonly Parameter _weights;
    private readonly Parameter _bias;
    private readonly DirectConvolution? _direct;
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
        if (DirectConvolution.IsSupported(spec.Stride))
        {
            _direct = new DirectConvolution(input.Channels, input.Height, input.Width, spec.Filters, spec.Kernel, spec.Kernel, spec.Padding, maxBatch);
            _columns = [];
            _columnGradient = [];
        }
        else
        {
            _columns = new float[checked(taps * total)];
            _columnGradient = new float[checked(taps * OutputShape.Height * OutputShape.Width)];
        }
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
        if (_direct is not null)
        {
            _direct.Forward(input, batch, _weights.Value, _bias.Value, output);
            return output;
        }

        ConvolutionKernels.Forward(
            input, batch, InputShape.Channels, InputShape.Height, InputShape.Width,
            _weights.Value, _bias.Value, Spec.Filters, Spec.Kernel, Spec.Kernel, Spec.Stride, Spec.Padding,
            output, _columns);
        return output;
    }

    internal override bool IsPerSample => _direct is not null;

    internal override void BeginForward(int batch) => _direct!.BeginForward(batch, _weights.Value, _bias.Value);

    internal override void ForwardSamples(ReadOnlySpan<float> input, int batch, int first, int count, int partition) =>
        _direct!.ForwardSamples(input, batch, first, count, OutputBuffer.AsSpan(0, batch * OutputShape.Size), partition);

    internal override void BeginBackward(int batch, bool inputGradient) => _direct!.BeginBackward(batch, _weights.Value, inputGradient);

    internal override void BackwardSamples(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, int first, int count, bool inputGradient, int partition) =>
        _direct!.BackwardSamples(outputGradient, batch, first, count, inputGradient ? InputGradientView(batch) : [], partition);

    internal override void EndBackward() => _direct!.EndBackward(_weights.Gradient, _bias.Gradient);

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        Span<float> dx = inputGradient ? InputGradientBuffer.AsSpan(0, batch * InputShape.Size) : [];
        if (_direct is not null)
        {
            _direct.Backward(outputGradient, batch, _weights.Value, _weights.Gradient, _bias.Gradient, dx);
            return dx;
        }

        ConvolutionKernels.Backward(
            outputGradient, batch, InputShape.Channels, InputShape.Height, InputShape.Width,
            _weights.Value, Spec.Filters, Spec.Kernel, Spec.Kernel, Spec.Stride, Spec.Padding,
            _columns, _columnGradient, _weights.Gradient, _bias.Gradient, dx);
        return dx;
    }
}
