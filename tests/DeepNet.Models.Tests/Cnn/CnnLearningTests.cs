using DeepNet.Models.Cnn;

namespace DeepNet.Models.Tests.Cnn;

public class CnnLearningTests
{
    [Fact]
    public void ASmallCnnLearnsOrientedBarsAboveNinetyPercent()
    {
        (float[] train, int[] trainLabels) = OrientedBars.Generate(1200, 1);
        (float[] test, int[] testLabels) = OrientedBars.Generate(400, 2);
        LayerSpec[] specs =
        [
            new ConvolutionSpec(8, 3),
            new ActivationSpec(ActivationKind.Relu),
            new MaxPoolSpec(2, 2),
            new DenseSpec(OrientedBars.Classes),
        ];
        const int batch = 32, size = OrientedBars.Size * OrientedBars.Size;
        var network = new Network(new TensorShape(1, OrientedBars.Size, OrientedBars.Size), specs, batch, seed: 3);
        var adam = new Adam(network.Parameters, learningRate: 0.01f);

        for (int epoch = 0; epoch < 6; epoch++)
        {
            for (int start = 0; start + batch <= trainLabels.Length; start += batch)
            {
                network.ComputeGradients(train.AsSpan(start * size, batch * size), trainLabels.AsSpan(start, batch));
                adam.Step();
            }
        }

        int correct = 0;
        for (int start = 0; start < testLabels.Length; start += batch)
        {
            int count = Math.Min(batch, testLabels.Length - start);
            correct += network.Evaluate(test.AsSpan(start * size, count * size), testLabels.AsSpan(start, count)).Correct;
        }

        Assert.True(correct > 0.9 * testLabels.Length, $"test accuracy {correct}/{testLabels.Length}");
    }
}
