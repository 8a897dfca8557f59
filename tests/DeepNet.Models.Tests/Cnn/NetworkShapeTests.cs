using DeepNet.Models.Cnn;

namespace DeepNet.Models.Tests.Cnn;

public class NetworkShapeTests
{
    [Fact]
    public void LeNet5ShapesFollowThePaperOnTwentyEightSquareDigits()
    {
        IReadOnlyList<TensorShape> shapes = Network.InferShapes(CnnPresets.MnistInput, CnnPresets.LeNet5());

        Assert.Equal(new TensorShape(6, 28, 28), shapes[1]);
        Assert.Equal(new TensorShape(6, 14, 14), shapes[3]);
        Assert.Equal(new TensorShape(16, 10, 10), shapes[4]);
        Assert.Equal(new TensorShape(16, 5, 5), shapes[6]);
        Assert.Equal(new TensorShape(120, 1, 1), shapes[7]);
        Assert.Equal(new TensorShape(84, 1, 1), shapes[9]);
        Assert.Equal(new TensorShape(10, 1, 1), shapes[^1]);
    }

    [Fact]
    public void LeNet5HasTheClassicParameterCount()
    {
        var network = new Network(CnnPresets.MnistInput, CnnPresets.LeNet5(), maxBatch: 2, seed: 1);

        // 156 + 2416 + 48120 + 10164 + 850
        Assert.Equal(61706, network.Parameters.Sum(p => p.Value.Length));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FourByFourStrideFourPoolingTakesATwoHundredSquareImageToFifty(bool max)
    {
        LayerSpec pool = max ? new MaxPoolSpec(4, 4) : new AveragePoolSpec(4, 4);

        IReadOnlyList<TensorShape> shapes = Network.InferShapes(new TensorShape(1, 200, 200), [pool]);

        Assert.Equal(new TensorShape(1, 50, 50), shapes[1]);
    }

    [Fact]
    public void AConvolutionLargerThanItsInputIsNamedWithTheShapes()
    {
        LayerSpec[] specs = [new ConvolutionSpec(6, 5), new ActivationSpec(ActivationKind.Relu), new ConvolutionSpec(16, 5)];

        var error = Assert.Throws<ArgumentException>(() => Network.InferShapes(new TensorShape(1, 8, 8), specs));

        Assert.StartsWith("layer 3 (conv 16@5×5): input 6×4×4 is smaller than the kernel.", error.Message);
    }

    [Fact]
    public void APoolingWindowLargerThanItsInputIsNamedWithTheShapes()
    {
        LayerSpec[] specs = [new ConvolutionSpec(4, 3), new MaxPoolSpec(4, 4), new AveragePoolSpec(2, 2)];

        var error = Assert.Throws<ArgumentException>(() => Network.InferShapes(new TensorShape(1, 7, 7), specs));

        Assert.StartsWith("layer 3 (avg-pool 2×2 stride 2): input 4×1×1 is smaller than the 2×2 window.", error.Message);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 1)]
    public void InvalidLayerParametersAreNamed(double rate, int units)
    {
        LayerSpec[] dropout = [new DenseSpec(4), new DropoutSpec((float)rate), new DenseSpec(3)];
        LayerSpec[] dense = [new DenseSpec(units == 0 ? 0 : 4), new DenseSpec(3)];

        if (rate >= 1)
        {
            Assert.StartsWith("layer 2 (dropout 1): the rate must be in [0, 1).", Assert.Throws<ArgumentException>(() => Network.InferShapes(new TensorShape(1, 2, 2), dropout)).Message);
        }

        if (units == 0)
        {
            Assert.StartsWith("layer 1 (dense 0): units must be at least 1.", Assert.Throws<ArgumentException>(() => Network.InferShapes(new TensorShape(1, 2, 2), dense)).Message);
        }
    }

    [Fact]
    public void AnOutputOfOneValueIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Network.InferShapes(new TensorShape(1, 4, 4), [new DenseSpec(1)]));

        Assert.Contains("fewer than 2 classes", error.Message);
    }

    [Fact]
    public void TheSameSeedGivesTheSameInitialWeights()
    {
        var a = new Network(CnnPresets.MnistInput, CnnPresets.LeNet5(), 1, seed: 7);
        var b = new Network(CnnPresets.MnistInput, CnnPresets.LeNet5(), 1, seed: 7);

        for (int p = 0; p < a.Parameters.Count; p++)
        {
            Assert.Equal(a.Parameters[p].Value, b.Parameters[p].Value);
        }
    }
}
