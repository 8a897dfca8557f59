using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DbnGenerationTests
{
    private static readonly Lazy<(DeepBeliefNetwork Dbn, Matrix Data, int[] Labels)> ZerosAndOnes = new(TrainOnZerosAndOnes);

    [Fact]
    public void FramesComeAtStepZeroEveryFrameEveryStepsAndTheLastStepWithPixelsInTheUnitInterval()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.1f, 1, 2);
        var options = new DbnOptions
        {
            Layers = [new RbmOptions { HiddenUnits = 10, Epochs = 3, BatchSize = 10, Seed = 1 }, new RbmOptions { HiddenUnits = 8, Epochs = 3, BatchSize = 10, Seed = 2 }],
            FineTuning = DbnFineTuning.None,
            JoinLabels = true,
        };
        DeepBeliefNetwork dbn = DbnTrainer.Train(options, data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None).Stack;

        List<DbnFrame> frames = [.. DbnGeneration.Sample(dbn, chains: 4, steps: 25, frameEvery: 10, label: 2, seed: 3)];

        Assert.Equal([0, 10, 20, 25], frames.Select(f => f.Step));
        Assert.All(frames, f =>
        {
            Assert.Equal(4, f.Pixels.Rows);
            Assert.Equal(20, f.Pixels.Cols);
            Assert.All(f.Pixels.Data, p => Assert.InRange(p, 0f, 1f));
        });
        List<DbnFrame> again = [.. DbnGeneration.Sample(dbn, 4, 25, 10, 2, 3)];
        Assert.Equal(frames[^1].Pixels.Data, again[^1].Pixels.Data);
        List<DbnFrame> free = [.. DbnGeneration.Sample(dbn, 4, 25, 10, label: null, seed: 3)];
        Assert.Equal([0, 10, 20, 25], free.Select(f => f.Step));
        Assert.All(free[^1].Pixels.Data, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void ClampingALabelNeedsLabelUnitsAndAValidClass()
    {
        var plain = new DeepBeliefNetwork([new Rbm(6, 4)]);
        ArgumentException missing = Assert.Throws<ArgumentException>(() => DbnGeneration.Sample(plain, 2, 5, 1, 1, 1));
        Assert.Contains("no label units", missing.Message);
        var joined = new DeepBeliefNetwork([new Rbm(6, 4), new Rbm(4 + 3, 5)], labelUnits: 3);
        Assert.Throws<ArgumentException>(() => DbnGeneration.Sample(joined, 2, 5, 1, 3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DbnGeneration.Sample(joined, 0, 5, 1, 1, 1));
        Assert.Equal(6, DbnGeneration.Sample(joined, 2, 5, 1, null, 1).Count());
    }

    [Fact]
    public void ClampedChainsOfALabelJoinedDbnDrawDigitsNearerTheClampedClassMeanThanTheOther()
    {
        (DeepBeliefNetwork dbn, Matrix data, int[] labels) = ZerosAndOnes.Value;
        float[][] means = [ClassMean(data, labels, 0), ClassMean(data, labels, 1)];

        for (int label = 0; label < 2; label++)
        {
            DbnFrame last = DbnGeneration.Sample(dbn, chains: 20, steps: 200, frameEvery: 200, label: label, seed: 11).Last();
            int nearer = 0;
            for (int r = 0; r < last.Pixels.Rows; r++)
            {
                Span<float> pixels = last.Pixels.Row(r);
                nearer += Distance(pixels, means[label]) < Distance(pixels, means[1 - label]) ? 1 : 0;
            }

            Assert.True(nearer >= 16, $"label {label}: only {nearer} of 20 chains are nearer their class mean");
        }
    }

    private static (DeepBeliefNetwork, Matrix, int[]) TrainOnZerosAndOnes()
    {
        (Matrix data, int[] labels) = DbnMnist.Load(test: false, limit: 600, classes: [0, 1]);
        var layer = new RbmOptions { HiddenUnits = 100, Epochs = 10, BatchSize = 10, LearningRate = 0.05f, FinalMomentum = 0.5f, MomentumSwitchEpoch = 0 };
        var options = new DbnOptions
        {
            Layers = [layer with { Seed = 1 }, layer with { Seed = 2, HiddenUnits = 200 }],
            FineTuning = DbnFineTuning.None,
            JoinLabels = true,
            Seed = 3,
        };
        DeepBeliefNetwork dbn = DbnTrainer.Train(options, data, labels, 2, NullDbnTrainingObserver.Instance, CancellationToken.None).Stack;
        return (dbn, data, labels);
    }

    private static float[] ClassMean(Matrix data, int[] labels, int label)
    {
        var mean = new float[data.Cols];
        int count = 0;
        for (int r = 0; r < data.Rows; r++)
        {
            if (labels[r] == label)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(mean, data.Row(r), mean);
                count++;
            }
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(mean, count, mean);
        return mean;
    }

    private static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Distance(a, b);
}
