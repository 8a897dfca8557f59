using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

/// <summary>Dropout in backprop fine-tuning (<see cref="BackpropOptions.HiddenDropout"/>, <see cref="BackpropOptions.InputDropout"/>).</summary>
public class DbnDropoutTests
{
    private static readonly BackpropOptions Base = new()
    {
        Epochs = 3, BatchSize = 20, TopLayerOnlyEpochs = 1, WeightDecay = 1e-3f, LearningRate = 0.3f, Seed = 9,
    };

    [Fact]
    public void WithoutDropoutTheTrainerIsBitIdenticalToPlainSgd()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 90, 0.1f, 1, 2);
        DenseSigmoidNetwork initial = DenseSigmoidNetwork.CreateRandom([16, 10, 8, 4], 0.3f, new Xoshiro256StarStar(3));

        var unset = new BackpropTrainer(Base, initial.Clone(), data, labels);
        unset.Train(NullBackpropObserver.Instance, CancellationToken.None);
        var zero = new BackpropTrainer(Base with { HiddenDropout = 0f, InputDropout = 0f }, initial.Clone(), data, labels);
        zero.Train(NullBackpropObserver.Instance, CancellationToken.None);

        // The reference: the trainer's loop as it was before dropout, by hand — one shuffle per epoch from the seeded
        // generator and nothing else drawn, the plain gradients, the fused momentum update.
        DenseSigmoidNetwork reference = initial.Clone();
        var rng = new Xoshiro256StarStar(Base.Seed);
        var workspace = new NetworkWorkspace(reference, Base.BatchSize);
        Matrix[] weightVelocity = [.. Enumerable.Range(0, reference.LayerCount).Select(l => new Matrix(reference.Weights(l).Rows, reference.Weights(l).Cols))];
        float[][] biasVelocity = [.. Enumerable.Range(0, reference.LayerCount).Select(l => new float[reference.Units(l)])];
        var order = new int[data.Rows];
        var batch = new float[Base.BatchSize * data.Cols];
        var batchLabels = new int[Base.BatchSize];
        for (int epoch = 1; epoch <= Base.Epochs; epoch++)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            rng.Shuffle(order);
            int lowest = BackpropTrainer.LowestTrainedLayer(Base, reference.LayerCount, epoch);
            float lr = BackpropTrainer.LearningRateAt(Base, epoch);
            for (int start = 0; start < data.Rows; start += Base.BatchSize)
            {
                int count = Math.Min(Base.BatchSize, data.Rows - start);
                for (int r = 0; r < count; r++)
                {
                    data.Row(order[start + r]).CopyTo(batch.AsSpan(r * data.Cols, data.Cols));
                    batchLabels[r] = labels[order[start + r]];
                }

                reference.ComputeGradients(batch.AsSpan(0, count * data.Cols), batchLabels.AsSpan(0, count), count, workspace, lowest);
                for (int l = lowest; l < reference.LayerCount; l++)
                {
                    BackpropTrainer.MomentumUpdate(reference.Weights(l).AsSpan(), weightVelocity[l].AsSpan(), workspace.WeightGradient(l).AsSpan(), lr, Base.Momentum, Base.WeightDecay);
                    BackpropTrainer.MomentumUpdate(reference.Bias(l), biasVelocity[l], workspace.BiasGradient(l), lr, Base.Momentum, 0f);
                }
            }
        }

        for (int l = 0; l < initial.LayerCount; l++)
        {
            Assert.Equal(reference.Weights(l).Data, unset.Network.Weights(l).Data);
            Assert.Equal(reference.Bias(l), unset.Network.Bias(l));
            Assert.Equal(unset.Network.Weights(l).Data, zero.Network.Weights(l).Data);
            Assert.Equal(unset.Network.Bias(l), zero.Network.Bias(l));
        }

        Assert.Equal(rng.GetState(), unset.CaptureState().RngState);
        Assert.Equal(unset.History.Select(m => m.Loss), zero.History.Select(m => m.Loss));
    }

    [Fact]
    public void GradientsUnderFixedMasksMatchFiniteDifferencesOfTheThinnedNetwork()
    {
        var rng = new Xoshiro256StarStar(11);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([6, 5, 4, 3], 0.8f, rng);
        for (int l = 0; l < network.LayerCount; l++)
        {
            for (int j = 0; j < network.Bias(l).Length; j++)
            {
                network.Bias(l)[j] = 0.3f * rng.NextGaussian();
            }
        }

        const int count = 4;
        var input = new float[count * 6];
        rng.FillUniform(input);
        int[] labels = [0, 2, 1, 2];
        var workspace = new NetworkWorkspace(network, count, dropout: true);
        workspace.DrawDropoutMasks(count, 0.3f, 0.5f, new Xoshiro256StarStar(21));
        AssertMixed(workspace.InputDropoutMask(count), 1f / 0.7f);
        AssertMixed(workspace.HiddenDropoutMask(0, count), 2f);
        AssertMixed(workspace.HiddenDropoutMask(1, count), 2f);

        double loss = network.ComputeGradients(input, labels, count, workspace, 0, dropout: true);
        double plain = network.ComputeGradients(input, labels, count, new NetworkWorkspace(network, count));
        Assert.NotEqual(plain, loss);
        network.ComputeGradients(input, labels, count, workspace, 0, dropout: true);

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

        // The masks are fixed until the next draw: evaluating the loss (above, many times) did not change them.
        double Check(float[] parameters, float[] analytic)
        {
            double worstHere = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                float saved = parameters[i];
                parameters[i] = saved + eps;
                double plus = network.ComputeGradients(input, labels, count, workspace, 0, dropout: true);
                parameters[i] = saved - eps;
                double minus = network.ComputeGradients(input, labels, count, workspace, 0, dropout: true);
                parameters[i] = saved;
                double numeric = (plus - minus) / (2 * eps) / count;
                double error = Math.Abs(numeric - analytic[i]) / Math.Max(Math.Abs(numeric) + Math.Abs(analytic[i]), 1e-3);
                worstHere = Math.Max(worstHere, error);
            }

            return worstHere;
        }
    }

    [Fact]
    public void DroppedUnitsGetNoGradientOnTheirWeights()
    {
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([12, 10, 8, 3], 0.5f, new Xoshiro256StarStar(4));
        var input = new float[12];
        new Xoshiro256StarStar(5).FillUniform(input);
        var workspace = new NetworkWorkspace(network, 1, dropout: true);
        workspace.DrawDropoutMasks(1, 0.4f, 0.5f, new Xoshiro256StarStar(6));
        network.ComputeGradients(input, [1], 1, workspace, 0, dropout: true);

        int droppedHidden = 0;
        for (int l = 0; l < network.LayerCount - 1; l++)
        {
            ReadOnlySpan<float> mask = workspace.HiddenDropoutMask(l, 1);
            Matrix below = workspace.WeightGradient(l);
            Matrix above = workspace.WeightGradient(l + 1);
            for (int j = 0; j < mask.Length; j++)
            {
                if (mask[j] == 0)
                {
                    droppedHidden++;
                    Assert.All(below.Row(j).ToArray(), g => Assert.Equal(0f, g)); // incoming weights
                    Assert.Equal(0f, workspace.BiasGradient(l)[j]);
                    for (int k = 0; k < above.Rows; k++)
                    {
                        Assert.Equal(0f, above.Data[k * above.Cols + j]); // outgoing weights
                    }
                }
                else
                {
                    Assert.Equal(2f, mask[j]);
                    Assert.NotEqual(0f, workspace.BiasGradient(l)[j]);
                }
            }
        }

        ReadOnlySpan<float> inputMask = workspace.InputDropoutMask(1);
        int droppedInputs = 0;
        Matrix first = workspace.WeightGradient(0);
        for (int i = 0; i < inputMask.Length; i++)
        {
            if (inputMask[i] == 0)
            {
                droppedInputs++;
                for (int j = 0; j < first.Rows; j++)
                {
                    Assert.Equal(0f, first.Data[j * first.Cols + i]);
                }
            }
        }

        Assert.InRange(droppedHidden, 1, 17);
        Assert.InRange(droppedInputs, 1, 11);
    }

    [Fact]
    public void DropoutTrainingIsReproducibleForASeedAndDependsOnIt()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 90, 0.1f, 1, 2);
        DenseSigmoidNetwork initial = DenseSigmoidNetwork.CreateRandom([16, 10, 8, 4], 0.3f, new Xoshiro256StarStar(3));
        BackpropOptions options = Base with { HiddenDropout = 0.5f, InputDropout = 0.2f };
        DenseSigmoidNetwork Run(BackpropOptions o)
        {
            var trainer = new BackpropTrainer(o, initial.Clone(), data, labels);
            return trainer.Train(NullBackpropObserver.Instance, CancellationToken.None);
        }

        DenseSigmoidNetwork a = Run(options);
        DenseSigmoidNetwork b = Run(options);
        DenseSigmoidNetwork otherSeed = Run(options with { Seed = 10 });
        DenseSigmoidNetwork plain = Run(Base);
        for (int l = 0; l < initial.LayerCount; l++)
        {
            Assert.Equal(a.Weights(l).Data, b.Weights(l).Data);
            Assert.Equal(a.Bias(l), b.Bias(l));
        }

        Assert.NotEqual(a.Weights(2).Data, otherSeed.Weights(2).Data);
        Assert.NotEqual(a.Weights(2).Data, plain.Weights(2).Data);
    }

    [Theory]
    [InlineData(7)] // mid-epoch 2 (5 batches per epoch: 4 of 20 and one of 10)
    [InlineData(5)] // the end of epoch 1: the state is taken after epoch 2's shuffle, before its first batch
    [InlineData(0)] // the checkpoint handed to OnEpochCompleted after epoch 1
    public void ADropoutRunResumesBitForBit(int cancelAfterBatches)
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 90, 0.1f, 1, 2);
        BackpropOptions options = Base with { HiddenDropout = 0.5f, InputDropout = 0.2f };
        DenseSigmoidNetwork initial = DenseSigmoidNetwork.CreateRandom([16, 10, 8, 4], 0.3f, new Xoshiro256StarStar(3));
        var uninterrupted = new BackpropTrainer(options, initial.Clone(), data, labels);
        uninterrupted.Train(NullBackpropObserver.Instance, CancellationToken.None);

        var interrupted = new BackpropTrainer(options, initial.Clone(), data, labels);
        using var cts = new CancellationTokenSource();
        var observer = new CancellingObserver(cts, cancelAfterBatches == 0 ? 5 : cancelAfterBatches);
        Assert.Throws<OperationCanceledException>(() => interrupted.Train(observer, cts.Token));
        byte[] saved = cancelAfterBatches == 0 ? observer.FirstEpochCheckpoint!.ToBytes() : interrupted.CaptureState().ToBytes();

        BackpropTrainingState restored = BackpropTrainingState.FromBytes(saved);
        Assert.Equal(0.5f, restored.Options.HiddenDropout);
        Assert.Equal(0.2f, restored.Options.InputDropout);
        Assert.Equal(2, restored.NextEpoch);
        Assert.Equal(cancelAfterBatches == 7 ? 2 : 0, restored.NextBatch);
        var resumed = BackpropTrainer.Resume(restored, data, labels);
        resumed.Train(NullBackpropObserver.Instance, CancellationToken.None);

        for (int l = 0; l < initial.LayerCount; l++)
        {
            Assert.Equal(uninterrupted.Network.Weights(l).Data, resumed.Network.Weights(l).Data);
            Assert.Equal(uninterrupted.Network.Bias(l), resumed.Network.Bias(l));
        }

        Assert.Equal(uninterrupted.History.Select(m => m.Loss), resumed.History.Select(m => m.Loss));
        Assert.Equal(uninterrupted.History.Select(m => m.TrainingError), resumed.History.Select(m => m.TrainingError));
    }

    [Fact]
    public void ADropoutStepAllocatesNothing()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 40, 0.1f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([16, 12, 8, 4], 0.3f, new Xoshiro256StarStar(5));
        var options = new BackpropOptions { BatchSize = 20, WeightDecay = 1e-3f, HiddenDropout = 0.5f, InputDropout = 0.2f };
        var trainer = new BackpropTrainer(options, network, data, labels);
        float[] batch = data.RowRange(0, 20).ToArray();
        int[] batchLabels = labels[..20];
        trainer.Step(batch, batchLabels, 20, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            trainer.Step(batch, batchLabels, 20, 0);
        }

        // As in DenseSigmoidNetworkTests: the managed GEMM fallback allocates a small job object per call, 8 per step.
        long budget = Gemm.Backend == GemmBackend.OpenBlas ? 0 : 10 * 8 * 256;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= budget, $"10 dropout steps allocated {allocated} bytes on {Gemm.Backend}");
    }

    [Fact]
    public void EvaluationAndPredictionIgnoreDropout()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 90, 0.1f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([16, 10, 8, 4], 0.3f, new Xoshiro256StarStar(3));
        var trainer = new BackpropTrainer(Base with { HiddenDropout = 0.5f, InputDropout = 0.2f }, network, data, labels);
        trainer.Train(NullBackpropObserver.Instance, CancellationToken.None);

        // A workspace with freshly drawn masks gives the same outputs as one without any: only training applies masks.
        var plain = new NetworkWorkspace(network, 30);
        var masked = new NetworkWorkspace(network, 30, dropout: true);
        masked.DrawDropoutMasks(30, 0.5f, 0.5f, new Xoshiro256StarStar(1));
        ClassifierEvaluation expected = network.Evaluate(data, labels, plain);
        ClassifierEvaluation actual = network.Evaluate(data, labels, masked);
        Assert.Equal(expected.Loss, actual.Loss);
        Assert.Equal(expected.Predicted, actual.Predicted);
        Assert.Equal(network.Evaluate(data, labels).ErrorPercent, actual.ErrorPercent);

        masked.DrawDropoutMasks(30, 0.5f, 0.5f, new Xoshiro256StarStar(2));
        var predicted = new int[30];
        network.Predict(data.RowRange(0, 30), 30, masked, predicted);
        Assert.Equal(expected.Predicted.Take(30), predicted);
        network.Forward(data.RowRange(0, 30), 30, masked);
        float[] forwardMasked = masked.Activations(1, 30).ToArray();
        network.Forward(data.RowRange(0, 30), 30, plain);
        Assert.Equal(plain.Activations(1, 30).ToArray(), forwardMasked);
    }

    [Fact]
    public void DropoutLearnsTheNoisyPrototypes()
    {
        (Matrix train, int[] trainLabels) = DbnTestData.NoisyPrototypes(5, 32, 500, 0.1f, 7, 8);
        (Matrix test, int[] testLabels) = DbnTestData.NoisyPrototypes(5, 32, 250, 0.1f, 7, 9);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([32, 32, 5], 0.1f, new Xoshiro256StarStar(1));
        var options = new BackpropOptions { Epochs = 15, BatchSize = 10, LearningRate = 0.1f, HiddenDropout = 0.5f, InputDropout = 0.1f };
        var trainer = new BackpropTrainer(options, network, train, trainLabels);
        trainer.Train(NullBackpropObserver.Instance, CancellationToken.None);
        double error = network.ClassificationError(test, testLabels);
        Assert.True(error < 0.05, $"test error {error}");
    }

    [Theory]
    [InlineData(0.9f, 0f, "HiddenDropout")]
    [InlineData(-0.1f, 0f, "HiddenDropout")]
    [InlineData(float.NaN, 0f, "HiddenDropout")]
    [InlineData(0f, 0.95f, "InputDropout")]
    [InlineData(0f, -1f, "InputDropout")]
    public void OutOfRangeDropoutIsRejected(float hidden, float input, string name)
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 40, 0.1f, 1, 2);
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([16, 8, 4], 0.3f, new Xoshiro256StarStar(5));
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => new BackpropTrainer(new BackpropOptions { HiddenDropout = hidden, InputDropout = input }, network, data, labels));
        Assert.Contains($"{name} must lie in [0, 0.9)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MasksNeedADropoutWorkspaceAndMatchingRows()
    {
        DenseSigmoidNetwork network = DenseSigmoidNetwork.CreateRandom([6, 5, 3], 0.5f, new Xoshiro256StarStar(1));
        Assert.Throws<InvalidOperationException>(() => new NetworkWorkspace(network, 4).DrawDropoutMasks(4, 0.5f, 0.5f, new Xoshiro256StarStar(1)));
        var workspace = new NetworkWorkspace(network, 4, dropout: true);
        workspace.DrawDropoutMasks(2, 0.5f, 0.5f, new Xoshiro256StarStar(1));
        Assert.Throws<ArgumentException>(() => network.ComputeGradients(new float[24], [0, 1, 2, 0], 4, workspace, 0, dropout: true));
    }

    private static void AssertMixed(ReadOnlySpan<float> mask, float keep)
    {
        int dropped = 0;
        foreach (float m in mask)
        {
            Assert.True(m == 0f || m == keep, $"mask entry {m}");
            dropped += m == 0f ? 1 : 0;
        }

        Assert.InRange(dropped, 1, mask.Length - 1);
    }

    private sealed class CancellingObserver(CancellationTokenSource cts, int afterBatches) : IBackpropObserver
    {
        private int _batches;

        public BackpropTrainingState? FirstEpochCheckpoint { get; private set; }

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
        {
            if (++_batches == afterBatches)
            {
                cts.Cancel();
            }
        }

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint) =>
            FirstEpochCheckpoint ??= checkpoint;
    }
}
