using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DbnClassifierEvaluationTests
{
    [Fact]
    public void EvaluationAgreesWithTheClassificationErrorAndTheLossAndFillsTheConfusionMatrix()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 45, 0.2f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([20, 6, 3], 0.5f, new Xoshiro256StarStar(2));

        ClassifierEvaluation evaluation = network.Evaluate(data, labels, new NetworkWorkspace(network, 7));

        Assert.Equal(100 * network.ClassificationError(data, labels), evaluation.ErrorPercent, 10);
        Assert.Equal(45, evaluation.Confusion.Cast<int>().Sum());
        Assert.Equal(evaluation.Errors, evaluation.Predicted.Zip(labels).Count(p => p.First != p.Second));
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(labels.Count(l => l == c), Enumerable.Range(0, 3).Sum(p => evaluation.Confusion[c, p]));
        }

        var workspace = new NetworkWorkspace(network, 45);
        double summed = network.ComputeGradients(data.Data, labels, 45, workspace);
        Assert.Equal(summed / 45, evaluation.Loss, 4);
    }

    [Fact]
    public void AForwardOnlyWorkspaceEvaluatesAlikeAndRefusesGradients()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 45, 0.2f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([20, 6, 3], 0.5f, new Xoshiro256StarStar(2));
        var forwardOnly = NetworkWorkspace.ForwardOnly(network, 7);

        ClassifierEvaluation expected = network.Evaluate(data, labels, new NetworkWorkspace(network, 7));
        ClassifierEvaluation actual = network.Evaluate(data, labels, forwardOnly);

        Assert.Equal(expected.Loss, actual.Loss);
        Assert.Equal(expected.Predicted, actual.Predicted);
        Assert.Throws<InvalidOperationException>(() => network.ComputeGradients(data.RowRange(0, 7), labels.AsSpan(0, 7), 7, forwardOnly));
        Assert.Throws<InvalidOperationException>(() => forwardOnly.WeightGradient(0));
    }
}
