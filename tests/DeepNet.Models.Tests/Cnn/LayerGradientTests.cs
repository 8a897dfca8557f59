using DeepNet.Models.Cnn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Cnn;

public class LayerGradientTests
{
    private static void InitializeParameters(ILayer layer, ulong seed)
    {
        foreach (Parameter p in layer.Parameters)
        {
            GradientCheck.Random(p.Value.Length, seed++).CopyTo(p.Value, 0);
        }
    }

    [Theory]
    [InlineData(1, 5, 5, 2, 3, 1, 0)]
    [InlineData(3, 6, 5, 4, 3, 2, 1)]
    [InlineData(2, 4, 4, 3, 3, 1, 2)]
    public void ConvolutionGradientsMatchFiniteDifferences(int channels, int height, int width, int filters, int kernel, int stride, int padding)
    {
        var layer = new Conv2d(new TensorShape(channels, height, width), new ConvolutionSpec(filters, kernel, stride, padding), maxBatch: 3);
        InitializeParameters(layer, 10);

        GradientCheck.Layer(layer, GradientCheck.Random(2 * channels * height * width, 11), batch: 2);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(2, 1)]
    public void MaxPoolingGradientsMatchFiniteDifferences(int window, int stride)
    {
        var layer = new MaxPool2d(new TensorShape(2, 5, 6), new MaxPoolSpec(window, stride), maxBatch: 2);

        GradientCheck.Layer(layer, GradientCheck.Separated(2 * 2 * 5 * 6, 12), batch: 2);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 4)]
    public void AveragePoolingGradientsMatchFiniteDifferences(int window, int stride)
    {
        var layer = new AvgPool2d(new TensorShape(2, 8, 8), new AveragePoolSpec(window, stride), maxBatch: 2);

        GradientCheck.Layer(layer, GradientCheck.Random(2 * 2 * 8 * 8, 13), batch: 2);
    }

    [Theory]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.Tanh)]
    public void ActivationGradientsMatchFiniteDifferences(ActivationKind kind)
    {
        var layer = new Activation(new TensorShape(3, 2, 2), new ActivationSpec(kind), maxBatch: 2);

        GradientCheck.Layer(layer, GradientCheck.Separated(2 * 12, 14), batch: 2);
    }

    [Fact]
    public void DenseGradientsMatchFiniteDifferencesOnAFlattenedInput()
    {
        var layer = new Dense(new TensorShape(3, 2, 2), new DenseSpec(5), maxBatch: 4);
        InitializeParameters(layer, 15);

        GradientCheck.Layer(layer, GradientCheck.Random(3 * 12, 16), batch: 3);
    }

    [Fact]
    public void SoftmaxCrossEntropyGradientMatchesFiniteDifferences()
    {
        const int batch = 3, classes = 4;
        float[] logits = GradientCheck.Random(batch * classes, 17);
        int[] labels = [2, 0, 3];
        var loss = new SoftmaxCrossEntropyLoss(classes, batch);
        loss.Forward(logits, labels);
        float[] analytic = loss.Gradient(batch).ToArray();

        GradientCheck.Compare(logits, analytic, () => loss.Forward(logits, labels), "softmax cross-entropy logits", absoluteFloor: 1e-4);
    }

    [Fact]
    public void WholeNetworkGradientsMatchFiniteDifferences()
    {
        LayerSpec[] specs =
        [
            new ConvolutionSpec(3, 3, Stride: 2, Padding: 1),
            new ActivationSpec(ActivationKind.Tanh),
            new AveragePoolSpec(2, 2),
            new ConvolutionSpec(4, 2, Padding: 1),
            new ActivationSpec(ActivationKind.Sigmoid),
            new DenseSpec(3),
        ];
        var network = new Network(new TensorShape(2, 8, 7), specs, maxBatch: 4, seed: 18);
        float[] input = GradientCheck.Random(3 * 2 * 8 * 7, 19);
        int[] labels = [0, 2, 1];
        network.ComputeGradients(input, labels);
        float[][] analytic = [.. network.Parameters.Select(p => (float[])p.Gradient.Clone())];

        for (int p = 0; p < analytic.Length; p++)
        {
            GradientCheck.Compare(network.Parameters[p].Value, analytic[p], () => network.Evaluate(input, labels).Loss, $"parameter {p}", absoluteFloor: 1e-4);
        }
    }

    [Fact]
    public void DropoutScalesKeptValuesAndPassesGradientsThroughTheSameMask()
    {
        var layer = new Dropout(new TensorShape(1, 10, 10), new DropoutSpec(0.5f), maxBatch: 2, new Xoshiro256StarStar(20));
        float[] input = [.. Enumerable.Repeat(1f, 200)];

        float[] y = layer.Forward(input, 2, training: true).ToArray();
        float[] dx = layer.Backward(input, input, 2, inputGradient: true).ToArray();

        Assert.All(y, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(y.Count(v => v == 0f), 70, 130);
        Assert.Equal(y, dx);
        Assert.Equal(input, layer.Forward(input, 2, training: false).ToArray());
    }
}
