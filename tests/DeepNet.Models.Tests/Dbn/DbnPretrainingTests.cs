using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DbnPretrainingTests
{
    private static DbnOptions Options(DbnPretraining mode, DbnFineTuning fineTuning = DbnFineTuning.Global) => new()
    {
        Layers =
        [
            new RbmOptions { HiddenUnits = 12, Epochs = 4, BatchSize = 10, LearningRate = 0.1f, FinalMomentum = 0.5f, MomentumSwitchEpoch = 0, InitialWeightStdDev = 0.1f, Seed = 5 },
            new RbmOptions { HiddenUnits = 8, Epochs = 4, BatchSize = 10, LearningRate = 0.1f, FinalMomentum = 0.5f, MomentumSwitchEpoch = 0, InitialWeightStdDev = 0.1f, Seed = 6 },
        ],
        Pretraining = mode,
        FineTuning = fineTuning,
        Backprop = new BackpropOptions { Epochs = 30, TopLayerOnlyEpochs = 2, BatchSize = 10, LearningRate = 0.2f, Seed = 7 },
        Seed = 8,
    };

    [Fact]
    public void AutoEncoderGradientsMatchFiniteDifferences()
    {
        var rng = new Xoshiro256StarStar(3);
        const int count = 3;
        var data = new Matrix(count, 5);
        for (int i = 0; i < data.Length; i++)
        {
            data.Data[i] = rng.NextFloat();
        }

        var trainer = new AutoEncoderTrainer(new RbmOptions { HiddenUnits = 4, BatchSize = count, InitialWeightStdDev = 0.7f, Seed = 9 }, data);
        Rbm model = trainer.Model;
        for (int j = 0; j < model.HiddenUnits; j++)
        {
            model.HiddenBias[j] = 0.4f * rng.NextGaussian();
        }

        trainer.ComputeGradients(data.Data, count);
        float[] analyticW = (float[])trainer.WeightGradient.Data.Clone();
        float[] analyticB = (float[])trainer.VisibleBiasGradient.Clone();
        float[] analyticC = (float[])trainer.HiddenBiasGradient.Clone();

        double worst = Math.Max(Check(model.Weights.Data, analyticW), Math.Max(Check(model.VisibleBias, analyticB), Check(model.HiddenBias, analyticC)));
        Assert.True(worst < 1e-2, $"worst relative error {worst}");

        double Check(float[] parameters, float[] analytic)
        {
            const float eps = 1e-2f;
            double worstHere = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                float saved = parameters[i];
                parameters[i] = saved + eps;
                double plus = trainer.ComputeGradients(data.Data, count);
                parameters[i] = saved - eps;
                double minus = trainer.ComputeGradients(data.Data, count);
                parameters[i] = saved;
                double numeric = (plus - minus) / (2 * eps) / count;
                // The loss is summed in float32: central differences carry ~3e-5 of absolute noise, hence the floor.
                double error = Math.Abs(numeric - analytic[i]) / Math.Max(Math.Abs(numeric) + Math.Abs(analytic[i]), 1e-2);
                worstHere = Math.Max(worstHere, error);
            }

            return worstHere;
        }
    }

    [Fact]
    public void AnAutoEncoderGradientStepAllocatesNothing()
    {
        (Matrix data, _) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        var trainer = new AutoEncoderTrainer(new RbmOptions { HiddenUnits = 8, BatchSize = 20 }, data);
        float[] batch = data.RowRange(0, 20).ToArray();
        trainer.ComputeGradients(batch, 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            trainer.ComputeGradients(batch, 20);
        }

        // As for backprop: the managed GEMM fallback allocates a small job object per call (5 per step).
        long budget = Gemm.Backend == GemmBackend.OpenBlas ? 0 : 10 * 5 * 256;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= budget, $"10 steps allocated {allocated} bytes on {Gemm.Backend}");
    }

    [Fact]
    public void AnAutoEncoderLayerLowersItsReconstructionCrossEntropy()
    {
        (Matrix data, _) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.05f, 1, 2);
        var trainer = new AutoEncoderTrainer(
            new RbmOptions { HiddenUnits = 8, Epochs = 15, BatchSize = 10, LearningRate = 0.2f, FinalMomentum = 0.5f, MomentumSwitchEpoch = 0, InitialWeightStdDev = 0.1f }, data);
        trainer.Train(NullLayerTrainingObserver.Instance, CancellationToken.None);
        Assert.True(trainer.History[^1].Loss < 0.6 * trainer.History[0].Loss, $"{trainer.History[0].Loss} → {trainer.History[^1].Loss}");
    }

    [Theory]
    [InlineData(DbnPretraining.Rbm)]
    [InlineData(DbnPretraining.AutoEncoder)]
    [InlineData(DbnPretraining.Supervised)]
    [InlineData(DbnPretraining.None)]
    public void EveryPretrainingModeRunsEndToEndWithTheSameLayoutAndThenLearnsTheClasses(DbnPretraining mode)
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.1f, 1, 2);
        var events = new Recorder();
        DbnResult result = DbnTrainer.Train(Options(mode), data, labels, 3, events, CancellationToken.None);

        Assert.Equal([20, 12], result.Stack.Layers.Select(l => l.VisibleUnits));
        Assert.Equal([12, 8], result.Stack.Layers.Select(l => l.HiddenUnits));
        Assert.Equal(0, result.Stack.LabelUnits);
        Assert.Equal([0, 1], events.Completed);
        int expectedEpochs = mode == DbnPretraining.None ? 0 : 8;
        Assert.Equal(expectedEpochs, events.LayerEpochs.Count);
        Assert.All(events.LayerEpochs, m => Assert.Equal(mode, m.Mode));
        Assert.True(result.Classifier!.ClassificationError(data, labels) < 0.1);
    }

    [Theory]
    [InlineData(DbnPretraining.Rbm)]
    [InlineData(DbnPretraining.AutoEncoder)]
    [InlineData(DbnPretraining.Supervised)]
    public void PretrainingMovesEveryLayerAwayFromItsRandomStartWhileNoneKeepsIt(DbnPretraining mode)
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.1f, 1, 2);
        DeepBeliefNetwork random = DbnTrainer.Train(Options(DbnPretraining.None, DbnFineTuning.None), data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None).Stack;
        DeepBeliefNetwork trained = DbnTrainer.Train(Options(mode, DbnFineTuning.None), data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None).Stack;

        for (int l = 0; l < 2; l++)
        {
            var expected = new Xoshiro256StarStar(Options(mode).Layers[l].Seed);
            Assert.All(random.Layers[l].Weights.Data, w => Assert.Equal(0.1f * expected.NextGaussian(), w));
            Assert.All(random.Layers[l].HiddenBias, c => Assert.Equal(0f, c));
            double change = random.Layers[l].Weights.Data.Zip(trained.Layers[l].Weights.Data, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(change > 0.005, $"layer {l} moved at most {change}");
            Assert.Contains(trained.Layers[l].HiddenBias, c => c != 0f);
        }
    }

    [Theory]
    [InlineData(DbnPretraining.AutoEncoder)]
    [InlineData(DbnPretraining.Supervised)]
    [InlineData(DbnPretraining.None)]
    public void ClassifierOnTopLeavesTheStackOfEveryModeBitIdentical(DbnPretraining mode)
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.1f, 1, 2);
        DbnResult result = DbnTrainer.Train(Options(mode, DbnFineTuning.ClassifierOnTop), data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None);
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(result.Stack.Layers[l].Weights.Data, result.Classifier!.Weights(l).Data);
            Assert.Equal(result.Stack.Layers[l].HiddenBias, result.Classifier.Bias(l));
        }
    }

    [Fact]
    public void SupervisedPretrainingNeedsLabelsAndAutoEncodersNeedBinaryInputs()
    {
        (Matrix data, _) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.1f, 1, 2);
        Assert.Throws<ArgumentException>(() => new DbnTrainer(Options(DbnPretraining.Supervised, DbnFineTuning.None), data, null, 0));
        DbnOptions gaussian = Options(DbnPretraining.AutoEncoder) with
        {
            Layers = [new RbmOptions { HiddenUnits = 4, VisibleType = VisibleUnitType.Gaussian }],
        };
        Assert.Throws<ArgumentException>(() => new DbnTrainer(gaussian, data, new int[60], 3));
    }

    [Fact]
    public void JoiningLabelsGivesTheTopRbmTheLabelsAsItsLastVisibleUnits()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.1f, 1, 2);
        DbnOptions options = Options(DbnPretraining.Rbm) with { JoinLabels = true };
        DbnResult result = DbnTrainer.Train(options, data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None);

        DeepBeliefNetwork stack = result.Stack;
        Assert.Equal(3, stack.LabelUnits);
        Assert.Equal(20, stack.Inputs);
        Assert.Equal(12 + 3, stack.Layers[1].VisibleUnits);
        Assert.Equal(8, stack.TopUnits);
        Assert.Equal(60, stack.TopFeatures(data).Rows);
        Assert.Equal(12, result.Classifier!.Weights(1).Cols);
        Assert.True(result.Classifier.ClassificationError(data, labels) < 0.1);
        Assert.Throws<ArgumentException>(() => new DbnTrainer(options with { Pretraining = DbnPretraining.AutoEncoder }, data, labels, 3));
    }

    [Fact]
    public void AOneLayerLabelJoinedStackKeepsItsInputWidth()
    {
        (Matrix data, int[] labels) = DbnTestData.NoisyPrototypes(3, 20, 60, 0.1f, 1, 2);
        DbnOptions options = Options(DbnPretraining.Rbm, DbnFineTuning.None) with { Layers = [new RbmOptions { HiddenUnits = 6, Epochs = 1, BatchSize = 10 }], JoinLabels = true };
        DeepBeliefNetwork stack = DbnTrainer.Train(options, data, labels, 3, NullDbnTrainingObserver.Instance, CancellationToken.None).Stack;
        Assert.Equal(23, stack.Layers[0].VisibleUnits);
        Assert.Equal(20, stack.Inputs);
        Assert.Equal(6, stack.TopFeatures(data).Cols);
    }

    private sealed class Recorder : IDbnTrainingObserver
    {
        public List<int> Completed { get; } = [];

        public List<DbnLayerEpochMetrics> LayerEpochs { get; } = [];

        public void OnLayerStarted(int layer, int layers)
        {
        }

        public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model) => Assert.True(float.IsFinite(progress.ReconstructionError));

        public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
        }

        public void OnLayerEpochCompleted(int layer, DbnLayerEpochMetrics metrics, Rbm model) => LayerEpochs.Add(metrics);

        public void OnLayerCompleted(int layer, Rbm model) => Completed.Add(layer);

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
        {
        }

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
        {
        }

        public void OnCheckpoint(DbnTrainingState checkpoint)
        {
        }
    }
}
