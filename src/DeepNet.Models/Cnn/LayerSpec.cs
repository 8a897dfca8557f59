using System.Text.Json.Serialization;

namespace DeepNet.Models.Cnn;

/// <summary>
/// One layer of an architecture as data; <see cref="Network.InferShapes"/> checks a list of them. In JSON a layer is an
/// object with a "type" discriminator: conv, maxpool, avgpool, activation, dense, dropout.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConvolutionSpec), "conv")]
[JsonDerivedType(typeof(MaxPoolSpec), "maxpool")]
[JsonDerivedType(typeof(AveragePoolSpec), "avgpool")]
[JsonDerivedType(typeof(ActivationSpec), "activation")]
[JsonDerivedType(typeof(DenseSpec), "dense")]
[JsonDerivedType(typeof(DropoutSpec), "dropout")]
public abstract record LayerSpec
{
    /// <summary>A short name for messages and the UI, e.g. "conv 16@5×5".</summary>
    public abstract string Describe();
}

/// <summary>Convolution with <paramref name="Filters"/> kernels of Kernel×Kernel over all input channels.</summary>
public sealed record ConvolutionSpec(int Filters, int Kernel, int Stride = 1, int Padding = 0) : LayerSpec
{
    public override string Describe() =>
        $"conv {Filters}@{Kernel}×{Kernel}" + (Stride != 1 ? $" stride {Stride}" : "") + (Padding != 0 ? $" pad {Padding}" : "");
}

/// <summary>Max pooling over Window×Window windows.</summary>
public sealed record MaxPoolSpec(int Window, int Stride) : LayerSpec
{
    public override string Describe() => $"max-pool {Window}×{Window} stride {Stride}";
}

/// <summary>Average pooling over Window×Window windows.</summary>
public sealed record AveragePoolSpec(int Window, int Stride) : LayerSpec
{
    public override string Describe() => $"avg-pool {Window}×{Window} stride {Stride}";
}

/// <summary>An elementwise activation.</summary>
public sealed record ActivationSpec(ActivationKind Kind) : LayerSpec
{
    public override string Describe() => Kind.ToString().ToLowerInvariant();
}

/// <summary>A fully connected layer; its input is flattened (C·H·W features).</summary>
public sealed record DenseSpec(int Units) : LayerSpec
{
    public override string Describe() => $"dense {Units}";
}

/// <summary>Inverted dropout: in training each value is zeroed with probability Rate and the rest scaled by 1/(1 − Rate).</summary>
public sealed record DropoutSpec(float Rate) : LayerSpec
{
    public override string Describe() => $"dropout {Rate}";
}

[JsonConverter(typeof(JsonStringEnumConverter<ActivationKind>))]
public enum ActivationKind
{
    Relu,
    Sigmoid,
    Tanh,
}
