using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DenseSigmoidNetworkTests
{
    [Fact]
    public void BackpropGradientsMatchFiniteDifferences()
    {
        var rng = new Xoshiro256StarStar(11);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([5, 4, 3, 3], 0.8f, rng);
        for (int l = 0; l < network.LayerCount; l++)
        {
            for (int j = 0; j < network.Bias(l).Length; j++)
            {
                network.Bias(l)[j] = 0.3f * rng.NextGaussian();
            }
        }

        const int count = 4;
        var input = new float[count * 5];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = rng.NextFloat();
        }

        int[] labels = [0, 2, 1, 2];
        var workspace = new NetworkWorkspace(network, count);
        network.ComputeGradients(input, labels, count, workspace);

        const float eps = 1e-2f;
        double worst = 0;
        for (int l = 0; l < network.LayerCount; l++)
        {
            float[] analyticW = (float[])workspace.WeightGradient(l).Data.Clone();
            float[] analyticB = workspace.BiasGradient(l).ToArray();
            worst = Math.Max(worst, Check(network.Weights(l).Data, analyticW));
            worst = Math.Max(worst, Check(network.Bias(l), analyticB));
        }

        Assert.True(worst < 1e-2, $"worst relative error {worst}");

        double Check(float[] parameters, float[] analytic)
        {
            double worstHere = 0;
            var scratch = new NetworkWorkspace(network, count);
            for (int i = 0; i < parameters.Length; i++)
            {
                float saved = parameters[i];
                parameters[i] = saved + eps;
                double plus = network.ComputeGradients(input, labels, count, scratch);
                parameters[i] = saved - eps;
                double minus = network.ComputeGradients(input, labels, count, scratch);
                parameters[i] = saved;
                double numeric = (plus - minus) / (2 * eps) / count;
                double error = Math.Abs(numeric - analytic[i]) / Math.Max(Math.Abs(numeric) + Math.Abs(analytic[i]), 1e-3);
                worstHere = Math.Max(worstHere, error);
            }

            return worstHere;
        }
    }

    [Fact]
    public void TheOutputIsASoftmaxDistributionPerRow()
    {
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([6, 5, 4], 1f, new Xoshiro256StarStar(2));
        var workspace = new NetworkWorkspace(network, 3);
        var input = new float[3 * 6];
        new Xoshiro256StarStar(3).FillUniform(input);
        network.Forward(input, 3, workspace);
        ReadOnlySpan<float> p = workspace.Activations(1, 3);
        for (int r = 0; r < 3; r++)
        {
            float sum = 0;
            for (int c = 0; c < 4; c++)
            {
                Assert.InRange(p[r * 4 + c], 0f, 1f);
                sum += p[r * 4 + c];
            }

            Assert.Equal(1f, sum, 5);
        }
    }

    [Fact]
    public void ATrainingStepAllocatesNothing()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 40, 0.1f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([16, 12, 8, 4], 0.3f, new Xoshiro256StarStar(5));
        var trainer = new BackpropTrainer(new BackpropOptions { BatchSize = 20, WeightDecay = 1e-3f }, network, data, labels);
        float[] batch = data.RowRange(0, 20).ToArray();
        int[] batchLabels = labels[..20];
        trainer.Step(batch, batchLabels, 20, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            trainer.Step(batch, batchLabels, 20, 0);
        }

        // The step itself allocates nothing; the managed GEMM fallback (used without OpenBLAS) allocates a small job
        // object per call, 8 calls per step here.
        long budget = Gemm.Backend == GemmBackend.OpenBlas ? 0 : 10 * 8 * 256;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= budget, $"10 steps allocated {allocated} bytes on {Gemm.Backend}");
    }

    [Fact]
    public void FreezingEveryLayerOrGivingOutOfRangeLabelsIsRejected()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 40, 0.1f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([16, 8, 4], 0.3f, new Xoshiro256StarStar(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackpropTrainer(new BackpropOptions { FrozenLayers = 2 }, network, data, labels));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackpropTrainer(new BackpropOptions { Momentum = 1f }, network, data, labels));
        int[] bad = (int[])labels.Clone();
        bad[3] = 4;
        Assert.Throws<ArgumentException>(() => new BackpropTrainer(new BackpropOptions(), network, data, bad));
    }

    [Fact]
    public void HugeLogitsGiveAFiniteSoftmaxAndLoss()
    {
        var network = new DenseSigmoidNetwork([new Matrix(3, 2, [500f, 0f, 0f, 0f, -500f, 0f])], [new float[3]]);
        var workspace = new NetworkWorkspace(network, 1);
        double loss = network.ComputeGradients([1f, 0f], [1], 1, workspace);
        Assert.True(double.IsFinite(loss), $"loss {loss}");
        Assert.Equal([1f, 0f, 0f], workspace.Activations(0, 1).ToArray());
    }

    [Fact]
    public void FrozenLayersStayBitIdenticalWhileTheOthersLearn()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 200, 0.1f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([16, 12, 8, 4], 0.3f, new Xoshiro256StarStar(5));
        DenseSigmoidNetwork before = network.Clone();
        var trainer = new BackpropTrainer(
            new BackpropOptions { FrozenLayers = 2, Epochs = 3, BatchSize = 20, WeightDecay = 1e-3f, LearningRate = 0.5f }, network, data, labels);
        trainer.Train(NullBackpropObserver.Instance, CancellationToken.None);

        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(before.Weights(l).Data, network.Weights(l).Data);
            Assert.Equal(before.Bias(l), network.Bias(l));
        }

        Assert.NotEqual(before.Weights(2).Data, network.Weights(2).Data);
        Assert.All(trainer.History, m => Assert.Equal(2, m.TrainedFromLayer));
    }

    [Fact]
    public void TopLayerOnlyEpochsTrainJustTheSoftmaxLayerThenEverything()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 200, 0.1f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([16, 12, 8, 4], 0.3f, new Xoshiro256StarStar(5));
        DenseSigmoidNetwork before = network.Clone();
        var options = new BackpropOptions { TopLayerOnlyEpochs = 2, Epochs = 2, BatchSize = 20 };
        var trainer = new BackpropTrainer(options, network, data, labels);
        trainer.Train(NullBackpropObserver.Instance, CancellationToken.None);
        Assert.Equal(before.Weights(0).Data, network.Weights(0).Data);
        Assert.Equal(before.Weights(1).Data, network.Weights(1).Data);
        Assert.Equal(before.Bias(1), network.Bias(1));
        Assert.NotEqual(before.Weights(2).Data, network.Weights(2).Data);

        var longer = new BackpropTrainer(options with { Epochs = 3 }, before.Clone(), data, labels);
        longer.Train(NullBackpropObserver.Instance, CancellationToken.None);
        Assert.Equal([2, 2, 0], longer.History.Select(m => m.TrainedFromLayer));
        Assert.NotEqual(before.Weights(0).Data, longer.Network.Weights(0).Data);
    }

    [Fact]
    public void BackpropFromRandomWeightsLearnsTheNoisyPrototypes()
    {
        (Matrix train, int[] trainLabels) = DbnTestData.NoisyPrototypes(5, 32, 500, 0.1f, 7, 8);
        (Matrix test, int[] testLabels) = DbnTestData.NoisyPrototypes(5, 32, 250, 0.1f, 7, 9);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([32, 16, 5], 0.1f, new Xoshiro256StarStar(1));
        var trainer = new BackpropTrainer(new BackpropOptions { Epochs = 10, BatchSize = 10, LearningRate = 0.1f }, network, train, trainLabels);
        trainer.Train(NullBackpropObserver.Instance, CancellationToken.None);

        Assert.True(trainer.History[^1].Loss < 0.5 * trainer.History[0].Loss, $"loss {trainer.History[0].Loss} → {trainer.History[^1].Loss}");
        double error = network.ClassificationError(test, testLabels);
        Assert.True(error < 0.05, $"test error {error}");
    }
}
