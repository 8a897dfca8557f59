using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class BackpropResumeTests
{
    [Fact]
    public void ResumingFromAMidEpochStateContinuesTheRunBitForBit()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(4, 16, 90, 0.1f, 1, 2);
        var options = new BackpropOptions { Epochs = 3, BatchSize = 20, TopLayerOnlyEpochs = 1, WeightDecay = 1e-3f, Seed = 9 };
        DenseSigmoidNetwork initial = DenseSigmoidNetwork.CreateRandom([16, 10, 4], 0.3f, new Xoshiro256StarStar(3));
        var uninterrupted = new BackpropTrainer(options, initial.Clone(), data, labels);
        uninterrupted.Train(NullBackpropObserver.Instance, CancellationToken.None);

        var interrupted = new BackpropTrainer(options, initial.Clone(), data, labels);
        using var cts = new CancellationTokenSource();
        var canceller = new CancellingObserver(cts, afterBatches: 7);
        Assert.Throws<OperationCanceledException>(() => interrupted.Train(canceller, cts.Token));
        byte[] saved = interrupted.CaptureState().ToBytes();

        BackpropTrainingState restored = BackpropTrainingState.FromBytes(saved);
        Assert.Equal(2, restored.NextEpoch);
        Assert.Equal(2, restored.NextBatch);
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
    public void AStateWithoutItsFormatMarkerIsRejected()
    {
        byte[] bytes = SafeTensors.Write([new Tensor("x", [1], [0f])], new Dictionary<string, string> { ["format"] = "other" });
        Assert.Throws<InvalidDataException>(() => BackpropTrainingState.FromBytes(bytes));
    }

    private sealed class CancellingObserver(CancellationTokenSource cts, int afterBatches) : IBackpropObserver
    {
        private int _batches;

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
        {
            if (++_batches == afterBatches)
            {
                cts.Cancel();
            }
        }

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
        {
        }
    }
}
