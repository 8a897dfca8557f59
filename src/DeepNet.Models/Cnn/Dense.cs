using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>Fully connected layer on the flattened input: Y[N×U] = X[N×I]·Wᵀ + b, weights U×I, bias U.</summary>
public sealed class Dense : LayerBase
{
    private readonly Parameter _weights;
    private readonly Parameter _bias;

    public Dense(TensorShape input, DenseSpec spec, int maxBatch)
        : base(spec.Describe(), input, new TensorShape(spec.Units, 1, 1), maxBatch)
    {
        Units = spec.Units;
        _weights = new Parameter("weight", [spec.Units, input.Size], decays: true);
        _bias = new Parameter("bias", [spec.Units], decays: false);
        Parameters = [_weights, _bias];
    }

    public int Units { get; }

    /// <summary>Units × (C·H·W), row-major.</summary>
    public Parameter Weights => _weights;

    public Parameter Bias => _bias;

    public override IReadOnlyList<Parameter> Parameters { get; }

    public override ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training)
    {
        CheckForward(input, batch);
        int features = InputShape.Size;
        Span<float> y = OutputBuffer.AsSpan(0, batch * Units);
        for (int n = 0; n < batch; n++)
        {
            _bias.Value.CopyTo(y.Slice(n * Units, Units));
        }

        Gemm.Multiply(Transpose.No, Transpose.Yes, batch, Units, features, 1f, input, features, _weights.Value, features, 1f, y, Units);
        return y;
    }

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient)
    {
        CheckBackward(input, outputGradient, batch);
        int features = InputShape.Size;
        // dW[U×I] = dYᵀ·X; db = column sums of dY.
        Gemm.Multiply(Transpose.Yes, Transpose.No, Units, features, batch, 1f, outputGradient, Units, input, features, 0f, _weights.Gradient, features);
        outputGradient[..Units].CopyTo(_bias.Gradient);
        for (int n = 1; n < batch; n++)
        {
            TensorPrimitives.Add(_bias.Gradient, outputGradient.Slice(n * Units, Units), _bias.Gradient);
        }

        if (!inputGradient)
        {
            return [];
        }

        // dX[N×I] = dY·W
        Span<float> dx = InputGradientBuffer.AsSpan(0, batch * features);
        Gemm.Multiply(Transpose.No, Transpose.No, batch, features, Units, 1f, outputGradient, Units, _weights.Value, features, 0f, dx, features);
        return dx;
    }
}
