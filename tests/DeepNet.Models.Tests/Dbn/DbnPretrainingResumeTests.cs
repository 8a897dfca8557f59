using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DbnPretrainingResumeTests
{
    private static DbnOptions Options(DbnPretraining mode, bool joinLabels = false) => new()
    {
        Layers =
        [
            new RbmOptions { HiddenUnits = 10, Epochs = 2, BatchSize = 10, InitialMomentum = 0.5f, FinalMomentum = 0.9f, MomentumSwitchEpoch = 1, InitialWeightStdDev = 0.1f, Seed = 5 },
            new RbmOptions { HiddenUnits = 6, Epochs = 2, BatchSize = 10, FinalMomentum = 0.5f, LearningRateDecay = 0.9f, InitialWeightStdDev = 0.1f, Seed = 6 },
        ],
        Pretraining = mode,
        JoinLabels = joinLabels,
        FineTuning = DbnFineTuning.Global,
        Backprop = new BackpropOptions { Epochs = 3, TopLayerOnlyEpochs = 1, BatchSize = 10, WeightDecay = 1e-3f, LearningRateDecay = 0.8f, Seed = 7 },
        Seed = 8,
    };

    public static TheoryData<DbnPretraining, bool, string, int> Interruptions => new()
    {
        { DbnPretraining.AutoEncoder, false, "layer batch", 3 },   // mid-epoch in layer 0
        { DbnPretraining.AutoEncoder, false, "layer batch", 14 },  // mid-layer 1 (layer 0 has 2 epochs of 4 batches)
        { DbnPretraining.AutoEncoder, false, "layer completed", 0 },
        { DbnPretraining.AutoEncoder, false, "backprop batch", 6 },
        { DbnPretraining.Supervised, false, "layer batch", 3 },
        { DbnPretraining.Supervised, false, "layer batch", 14 },
        { DbnPretraining.Supervised, false, "layer completed", 0 },
        { DbnPretraining.Supervised, false, "backprop batch", 6 },
        { DbnPretraining.None, false, "layer completed", 0 },
        { DbnPretraining.None, false, "backprop batch", 6 },
        { DbnPretraining.Rbm, true, "layer batch", 14 },           // the label-joined top RBM
        { DbnPretraining.Rbm, true, "backprop batch", 6 },
    };

    [Theory]
    [MemberData(nameof(Interruptions))]
    public void ResumingEveryPretrainingModeFromAnyStageContinuesTheRunBitForBit(DbnPretraining mode, bool joinLabels, string interruptAt, int count)
    {
        DbnOptions options = Options(mode, joinLabels);
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        DbnResult uninterrupted = DbnTrainer.Train(options, data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None);

        var interrupted = new DbnTrainer(options, data, labels, 3);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => interrupted.Train(new Interrupter(cts, interruptAt, count), cts.Token));
        DbnTrainingState state = interrupted.CaptureState();
        if (interruptAt == "layer batch")
        {
            Assert.True(mode switch
            {
                DbnPretraining.AutoEncoder => state.AutoEncoderState is not null,
                DbnPretraining.Supervised => state.SupervisedLayerState is not null,
                _ => state.LayerState is not null,
            });
        }

        DbnTrainingState restored = DbnTrainingState.FromBytes(state.ToBytes());
        Assert.Equal(options, restored.Options with { Layers = options.Layers });
        DbnResult resumed = DbnTrainer.Resume(restored, data, labels).Train(NullDbnTrainingObserver.Instance, CancellationToken.None);

        Assert.Equal(uninterrupted.Stack.LabelUnits, resumed.Stack.LabelUnits);
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(uninterrupted.Stack.Layers[l].Weights.Data, resumed.Stack.Layers[l].Weights.Data);
            Assert.Equal(uninterrupted.Stack.Layers[l].VisibleBias, resumed.Stack.Layers[l].VisibleBias);
            Assert.Equal(uninterrupted.Stack.Layers[l].HiddenBias, resumed.Stack.Layers[l].HiddenBias);
        }

        for (int l = 0; l < 3; l++)
        {
            Assert.Equal(uninterrupted.Classifier!.Weights(l).Data, resumed.Classifier!.Weights(l).Data);
            Assert.Equal(uninterrupted.Classifier.Bias(l), resumed.Classifier.Bias(l));
        }
    }

    private sealed class Interrupter(CancellationTokenSource cts, string at, int count) : IDbnTrainingObserver
    {
        private int _layerBatches;
        private int _backpropBatches;

        public void OnLayerStarted(int layer, int layers)
        {
        }

        public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model) => Tick(at == "layer batch" && ++_layerBatches == count);

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
