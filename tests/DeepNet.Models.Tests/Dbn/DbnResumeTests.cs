using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DbnResumeTests
{
    private static readonly DbnOptions Options = new()
    {
        Layers =
        [
            new RbmOptions { HiddenUnits = 10, Epochs = 2, BatchSize = 10, InitialMomentum = 0.5f, FinalMomentum = 0.9f, MomentumSwitchEpoch = 1, Seed = 5 },
            new RbmOptions { HiddenUnits = 6, Epochs = 2, BatchSize = 10, Seed = 6 },
        ],
        Propagation = HiddenFeatures.Binary,
        FineTuning = DbnFineTuning.Global,
        Backprop = new BackpropOptions { Epochs = 3, TopLayerOnlyEpochs = 1, BatchSize = 10, WeightDecay = 1e-3f, Seed = 7 },
        Seed = 8,
    };

    public static TheoryData<string, int> Interruptions => new()
    {
        { "rbm batch", 3 },   // mid-epoch in layer 0
        { "rbm batch", 14 },  // mid-layer 1 (layer 0 has 2 epochs of 4 batches)
        { "layer completed", 0 }, // between layers
        { "backprop batch", 6 },  // in the second fine-tuning epoch
    };

    [Theory]
    [MemberData(nameof(Interruptions))]
    public void ResumingFromAnyStageContinuesTheRunBitForBit(string interruptAt, int count)
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        DbnResult uninterrupted = DbnTrainer.Train(Options, data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None);

        var interrupted = new DbnTrainer(Options, data, labels, 3);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => interrupted.Train(new Interrupter(cts, interruptAt, count), cts.Token));
        DbnTrainingState restored = DbnTrainingState.FromBytes(interrupted.CaptureState().ToBytes());
        Assert.Equal(interrupted.Stage, restored.Stage);
        DbnResult resumed = DbnTrainer.Resume(restored, data, labels).Train(NullDbnTrainingObserver.Instance, CancellationToken.None);

        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(uninterrupted.Stack.Layers[l].Weights.Data, resumed.Stack.Layers[l].Weights.Data);
            Assert.Equal(uninterrupted.Stack.Layers[l].VisibleBias, resumed.Stack.Layers[l].VisibleBias);
        }

        for (int l = 0; l < 3; l++)
        {
            Assert.Equal(uninterrupted.Classifier!.Weights(l).Data, resumed.Classifier!.Weights(l).Data);
            Assert.Equal(uninterrupted.Classifier.Bias(l), resumed.Classifier.Bias(l));
        }
    }

    [Theory]
    [InlineData("rbm batch", 3)]
    [InlineData("rbm batch", 14)]
    [InlineData("backprop batch", 6)]
    public void TheFileHoldsTheRunningTrainersStateUnderItsPrefixExactlyAsItsOwnFile(string interruptAt, int count)
    {
        // The layout checkpoints stored before the state was written in one pass: the nested file's entries, prefixed.
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        var trainer = new DbnTrainer(Options, data, labels, 3);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => trainer.Train(new Interrupter(cts, interruptAt, count), cts.Token));
        DbnTrainingState state = trainer.CaptureState();
        (string prefix, byte[] nested) = state.LayerState is { } layer ? ("layer_state.", layer.ToBytes()) : ("backprop_state.", state.BackpropState!.ToBytes());

        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(state.ToBytes());
        (IReadOnlyDictionary<string, Tensor> innerTensors, IReadOnlyDictionary<string, string> innerMetadata) = SafeTensors.Read(nested);
        Assert.Equal(innerTensors.Keys.Select(k => prefix + k).Order(), tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order());
        Assert.Equal(innerMetadata.Keys.Select(k => prefix + k).Order(), metadata.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order());
        foreach ((string name, Tensor inner) in innerTensors)
        {
            Assert.Equal(inner.Shape, tensors[prefix + name].Shape);
            Assert.Equal(inner.Data, tensors[prefix + name].Data);
        }

        foreach ((string key, string value) in innerMetadata)
        {
            Assert.Equal(value, metadata[prefix + key]);
        }

        Assert.Equal(state.CompletedLayers.Count, tensors.Keys.Count(k => k.StartsWith("rbm", StringComparison.Ordinal)) / 3);
    }

    [Fact]
    public void TheStateRecordsStageLayerAndTheRunningTrainer()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        var trainer = new DbnTrainer(Options, data, labels, 3);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => trainer.Train(new Interrupter(cts, "rbm batch", 10), cts.Token));
        DbnTrainingState state = trainer.CaptureState();
        Assert.Equal(DbnStage.Pretraining, state.Stage);
        Assert.Single(state.CompletedLayers);
        Assert.NotNull(state.LayerState);
        Assert.Null(state.BackpropState);
        Assert.Equal(1, trainer.Layer);
    }

    private sealed class Interrupter(CancellationTokenSource cts, string at, int count) : IDbnTrainingObserver
    {
        private int _rbmBatches;
        private int _backpropBatches;

        public void OnLayerStarted(int layer, int layers)
        {
        }

        public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model) => Tick(at == "rbm batch" && ++_rbmBatches == count);

        public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
        }

        public void OnLayerCompleted(int layer, Rbm model) => Tick(at == "layer completed" && layer == count);

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network) => Tick(at == "backprop batch" && ++_backpropBatches == count);

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
        {
        }

        public void OnCheckpoint(DbnTrainingState checkpoint)
        {
        }

        private void Tick(bool now)
        {
            if (now)
            {
                cts.Cancel();
            }
        }
    }
}
