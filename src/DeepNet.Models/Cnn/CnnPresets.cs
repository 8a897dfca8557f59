namespace DeepNet.Models.Cnn;

/// <summary>Ready-made architectures.</summary>
public static class CnnPresets
{
    /// <summary>MNIST digits: 1×28×28.</summary>
    public static TensorShape MnistInput => new(1, 28, 28);

    /// <summary>
    /// LeNet-5 on 28×28 digits as in the PyTorch baseline: C1 6@5×5 pad 2 (→ 6×28×28), S2 max-pool 2×2 (→ 6×14×14),
    /// C3 16@5×5 (→ 16×10×10), S4 max-pool 2×2 (→ 16×5×5), F5 120, F6 84, output 10, ReLU after C1, C3, F5, F6.
    /// </summary>
    public static IReadOnlyList<LayerSpec> LeNet5(int classes = 10) =>
    [
        new ConvolutionSpec(6, 5, Padding: 2),
        new ActivationSpec(ActivationKind.Relu),
        new MaxPoolSpec(2, 2),
        new ConvolutionSpec(16, 5),
        new ActivationSpec(ActivationKind.Relu),
        new MaxPoolSpec(2, 2),
        new DenseSpec(120),
        new ActivationSpec(ActivationKind.Relu),
        new DenseSpec(84),
        new ActivationSpec(ActivationKind.Relu),
        new DenseSpec(classes),
    ];

    /// <summary>A small fast net for demos: conv 8@5×5, ReLU, max-pool 2×2, dense to the classes.</summary>
    public static IReadOnlyList<LayerSpec> SmallFast(int classes = 10) =>
    [
        new ConvolutionSpec(8, 5),
        new ActivationSpec(ActivationKind.Relu),
        new MaxPoolSpec(2, 2),
        new DenseSpec(classes),
    ];
}
