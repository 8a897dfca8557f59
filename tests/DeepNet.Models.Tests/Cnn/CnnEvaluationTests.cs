using DeepNet.Models.Cnn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Cnn;

public class CnnEvaluationTests
{
    private static readonly TensorShape Input = new(1, OrientedBars.Size, OrientedBars.Size);

    private static readonly LayerSpec[] Layers =
        [new ConvolutionSpec(4, 3), new ActivationSpec(ActivationKind.Relu), new MaxPoolSpec(2, 2), new DropoutSpec(0.5f), new DenseSpec(OrientedBars.Classes)];

    [Fact]
    public void EvaluationCountsErrorsConfusionAndPredictionsOverUnevenBatches()
    {
        (float[] images, int[] labels) = OrientedBars.Generate(70, 3);
        var data = new Matrix(70, Input.Size, images);
        var network = new Network(Input, Layers, maxBatch: 16, seed: 2);
        ulong[] rngBefore = network.Random.GetState();

        CnnEvaluationResult result = CnnEvaluation.Evaluate(network, data, labels);

        Assert.Equal(70, result.Count);
        Assert.Equal(OrientedBars.Classes, result.Classes);
        Assert.Equal(70, result.Confusion.Sum());
        int diagonal = Enumerable.Range(0, OrientedBars.Classes).Sum(k => result.Confusion[k * OrientedBars.Classes + k]);
        Assert.Equal(70 - result.Errors, diagonal);
        Assert.Equal(100.0 * result.Errors / 70, result.ErrorPercent, 10);
        Assert.Equal(rngBefore, network.Random.GetState());

        // The same as sample-by-sample evaluation.
        var single = new Network(Input, Layers, maxBatch: 1, seed: 2);
        double lossSum = 0;
        var prediction = new int[1];
        for (int i = 0; i < 70; i++)
        {
            lossSum += single.Evaluate(data.Row(i), labels.AsSpan(i, 1), prediction);
            Assert.Equal(prediction[0], result.Predictions[i]);
            Assert.True(result.Confusion[labels[i] * OrientedBars.Classes + prediction[0]] > 0);
        }

        Assert.Equal(lossSum / 70, result.Loss, 5);
        Assert.Equal(result.Errors, result.Misclassified(labels).Count());
        Assert.All(result.Misclassified(labels, 3), i => Assert.NotEqual(labels[i], result.Predictions[i]));
    }

    [Fact]
    public void WrongShapesAndLabelsAreRefused()
    {
        var network = new Network(Input, Layers, maxBatch: 4, seed: 2);

        Assert.Throws<ArgumentException>(() => CnnEvaluation.Evaluate(network, new Matrix(3, 10), new int[3]));
        Assert.Throws<ArgumentException>(() => CnnEvaluation.Evaluate(network, new Matrix(3, Input.Size), new int[2]));
        Assert.Throws<ArgumentException>(() => CnnEvaluation.Evaluate(network, new Matrix(1, Input.Size), [OrientedBars.Classes]));
    }

    [Fact]
    public void AModelFileLoadsBackToTheSameNetwork()
    {
        (float[] images, _) = OrientedBars.Generate(5, 8);
        var network = new Network(Input, Layers, maxBatch: 5, seed: 6);
        byte[] file = CnnModelFile.Save(network, new Dictionary<string, string> { ["name"] = "bars" });

        (Network loaded, IReadOnlyDictionary<string, string> metadata) = CnnModelFile.Load(file, maxBatch: 5);

        Assert.Equal("bars", metadata["name"]);
        Assert.Equal(network.Specs, loaded.Specs);
        Assert.Equal(network.Forward(images, 5).ToArray(), loaded.Forward(images, 5).ToArray());
        Assert.Throws<InvalidDataException>(() => CnnModelFile.Load(SafeTensors.Write([], new Dictionary<string, string>())));
    }

    [Fact]
    public void AShapeErrorCarriesTheIndexOfTheLayer()
    {
        LayerSpec[] layers = [new ConvolutionSpec(16, 5), new MaxPoolSpec(2, 2), new ConvolutionSpec(16, 5), new MaxPoolSpec(2, 2), new MaxPoolSpec(2, 2), new DenseSpec(10)];

        var error = Assert.Throws<ArgumentException>(() => Network.InferShapes(new TensorShape(1, 16, 16), layers));

        Assert.Equal(4, error.Data[Network.LayerIndexKey]);
        Assert.StartsWith("layer 5 (max-pool 2×2 stride 2): input 16×1×1", error.Message);
    }
}
