using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DbnTests
{
    private static RbmOptions Layer(int hidden, int epochs = 5, ulong seed = 1) =>
        new() { HiddenUnits = hidden, Epochs = epochs, BatchSize = 10, LearningRate = 0.1f, InitialMomentum = 0.5f, FinalMomentum = 0.9f, Seed = seed };

    [Fact]
    public void UnrollingCopiesTheRbmWeightsExactlyAndReproducesQOfHGivenX()
    {
        (Matrix data, _) = DbnTestData.NoisyPrototypes(3, 20, 30, 0.1f, 1, 2);
        DeepBeliefNetwork stack = new DbnPretrainer([Layer(12, 2), Layer(7, 2, 2)])
            .Train(data, NullDbnPretrainingObserver.Instance, CancellationToken.None);
        DenseSigmoidNetwork network = stack.Unroll(3, 0.01f, new Xoshiro256StarStar(4));

        Assert.Equal(3, network.LayerCount);
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(stack.Layers[l].Weights.Data, network.Weights(l).Data);
            Assert.Equal(stack.Layers[l].HiddenBias, network.Bias(l));
            Assert.NotSame(stack.Layers[l].Weights.Data, network.Weights(l).Data);
        }

        var workspace = new NetworkWorkspace(network, data.Rows);
        network.Forward(data.Data, data.Rows, workspace);
        Matrix h1 = DeepBeliefNetwork.Propagate(stack.Layers[0], data, HiddenFeatures.Probabilities, null);
        Matrix h2 = DeepBeliefNetwork.Propagate(stack.Layers[1], h1, HiddenFeatures.Probabilities, null);
        Assert.Equal(h1.Data, workspace.Activations(0, data.Rows).ToArray());
        Assert.Equal(h2.Data, workspace.Activations(1, data.Rows).ToArray());
        Assert.Equal(h2.Data, stack.TopFeatures(data).Data);
    }

    [Fact]
    public void UnrollingAGaussianFirstLayerScalesItsWeightsSoActivationsStayQOfHGivenX()
    {
        var rng = new Xoshiro256StarStar(3);
        var rbm = new Rbm(DenseSigmoidNetwork.CreateRandom([4, 3, 2], 0.5f, rng).Weights(0), new float[4], [0.1f, -0.2f, 0.3f], VisibleUnitType.Gaussian, sigma: 2f);
        var stack = new DeepBeliefNetwork([rbm]);
        DenseSigmoidNetwork network = stack.Unroll(2, 0.01f, rng);
        var x = new Matrix(2, 4, [1f, -0.5f, 2f, 0f, 0.3f, 0.7f, -1f, 1.5f]);
        var workspace = new NetworkWorkspace(network, 2);
        network.Forward(x.Data, 2, workspace);
        float[] expected = stack.TopFeatures(x).Data;
        float[] actual = workspace.Activations(0, 2).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 6);
        }
    }

    [Fact]
    public void PretrainingReportsEveryLayerInOrderAndFeedsEachLayerTheOneBelow()
    {
        (Matrix data, _) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        var observer = new RecordingDbnObserver();
        DeepBeliefNetwork stack = new DbnPretrainer([Layer(10, 2), Layer(6, 3), Layer(4, 1)]).Train(data, observer, CancellationToken.None);

        Assert.Equal([(0, 3), (1, 3), (2, 3)], observer.Started);
        Assert.Equal([0, 1, 2], observer.Completed);
        Assert.Equal([0, 0, 1, 1, 1, 2], observer.Epochs);
        // 40 samples in batches of 10: 4 batches per epoch, layer by layer.
        Assert.Equal([8, 12, 4], Enumerable.Range(0, 3).Select(l => observer.Batches.Count(b => b == l)));
        Assert.Equal(observer.Batches.Order(), observer.Batches);
        Assert.Equal([20, 10, 6], stack.Layers.Select(r => r.VisibleUnits));
        Assert.Equal([10, 6, 4], stack.Layers.Select(r => r.HiddenUnits));
    }

    [Fact]
    public void SampledAndMeanFieldPropagationTrainTheSameFirstLayerButDifferentUpperLayers()
    {
        (Matrix data, _) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        RbmOptions[] layers = [Layer(10, 2), Layer(6, 2)];
        DeepBeliefNetwork sampled = new DbnPretrainer(layers, HiddenFeatures.Binary).Train(data, NullDbnPretrainingObserver.Instance, CancellationToken.None);
        DeepBeliefNetwork meanField = new DbnPretrainer(layers, HiddenFeatures.Probabilities).Train(data, NullDbnPretrainingObserver.Instance, CancellationToken.None);
        DeepBeliefNetwork again = new DbnPretrainer(layers, HiddenFeatures.Binary).Train(data, NullDbnPretrainingObserver.Instance, CancellationToken.None);

        Assert.Equal(sampled.Layers[0].Weights.Data, meanField.Layers[0].Weights.Data);
        Assert.NotEqual(sampled.Layers[1].Weights.Data, meanField.Layers[1].Weights.Data);
        Assert.Equal(sampled.Layers[1].Weights.Data, again.Layers[1].Weights.Data);
    }

    [Fact]
    public void FeaturesOnlyModeReturnsThePretrainedStackWithoutAClassifier()
    {
        (Matrix data, _) = DbnTestData.NoisyPrototypes(3, 20, 40, 0.1f, 1, 2);
        DbnResult result = DbnTrainer.Train(
            new DbnOptions { Layers = [Layer(10, 2), Layer(6, 2)], FineTuning = DbnFineTuning.None },
            data, null, 0, NullDbnTrainingObserver.Instance, CancellationToken.None);
        Assert.Null(result.Classifier);
        Assert.Equal(2, result.Stack.Layers.Count);
        Assert.Equal(6, result.Stack.TopFeatures(data).Cols);
    }

    [Fact]
    public void ClassifierOnTopKeepsTheRbmLayersFrozenAndLearnsTheClasses()
    {
        (Matrix train, int[] trainLabels) = DbnTestData.NoisyPrototypes(5, 32, 500, 0.1f, 7, 8);
        (Matrix test, int[] testLabels) = DbnTestData.NoisyPrototypes(5, 32, 250, 0.1f, 7, 9);
        var backprop = new RecordingBackpropObserver();
        DbnResult result = DbnTrainer.Train(
            new DbnOptions
            {
                Layers = [Layer(24), Layer(16)],
                FineTuning = DbnFineTuning.ClassifierOnTop,
                Backprop = new BackpropOptions { Epochs = 10, BatchSize = 10, LearningRate = 0.1f },
            },
            train, trainLabels, 5, backprop, CancellationToken.None);

        DenseSigmoidNetwork classifier = result.Classifier!;
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(result.Stack.Layers[l].Weights.Data, classifier.Weights(l).Data);
            Assert.Equal(result.Stack.Layers[l].HiddenBias, classifier.Bias(l));
        }

        Assert.Equal(10, backprop.Epochs.Count);
        Assert.Equal(Enumerable.Repeat(DbnStage.Pretraining, 10).Concat(Enumerable.Repeat(DbnStage.FineTuning, 10)), backprop.CheckpointStages);
        Assert.All(backprop.Epochs, m => Assert.Equal(2, m.TrainedFromLayer));
        double error = classifier.ClassificationError(test, testLabels);
        Assert.True(error < 0.10, $"test error {error}");
    }

    /// <summary>
    /// The learning test: 10 classes of random 64-pixel prototypes with 25% of the pixels flipped (nearest-prototype
    /// error about 1–2%), 1000 training samples; a 64–32–32 DBN pre-trained for 5 epochs per layer and fine-tuned globally
    /// for 20 epochs (the first 2 top layer only) reaches 3.6% test error here; the bound is 8%.
    /// </summary>
    [Fact]
    public void PretrainingThenGlobalFineTuningClassifiesNoisyPrototypesBelowEightPercentError()
    {
        (Matrix train, int[] trainLabels) = DbnTestData.NoisyPrototypes(10, 64, 1000, 0.25f, 21, 22);
        (Matrix test, int[] testLabels) = DbnTestData.NoisyPrototypes(10, 64, 1000, 0.25f, 21, 23);
        var backprop = new RecordingBackpropObserver();
        DbnResult result = DbnTrainer.Train(
            new DbnOptions
            {
                Layers = [Layer(32), Layer(32, seed: 2)],
                FineTuning = DbnFineTuning.Global,
                Backprop = new BackpropOptions { Epochs = 20, TopLayerOnlyEpochs = 2, BatchSize = 10, LearningRate = 0.1f, WeightDecay = 1e-4f },
            },
            train, trainLabels, 10, backprop, CancellationToken.None);

        DenseSigmoidNetwork classifier = result.Classifier!;
        Assert.Equal([2, 2, .. Enumerable.Repeat(0, 18)], backprop.Epochs.Select(m => m.TrainedFromLayer));
        Assert.NotEqual(result.Stack.Layers[0].Weights.Data, classifier.Weights(0).Data);
        double error = classifier.ClassificationError(test, testLabels);
        Assert.True(error < 0.08, $"test error {error}");
    }

    private sealed class RecordingDbnObserver : IDbnPretrainingObserver
    {
        public List<(int Layer, int Layers)> Started { get; } = [];

        public List<int> Completed { get; } = [];

        public List<int> Epochs { get; } = [];

        public List<int> Batches { get; } = [];

        public void OnLayerStarted(int layer, int layers) => Started.Add((layer, layers));

        public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model) => Batches.Add(layer);

        public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint) => Epochs.Add(layer);

        public void OnLayerCompleted(int layer, Rbm model) => Completed.Add(layer);
    }

    private sealed class RecordingBackpropObserver : IDbnTrainingObserver
    {
        public List<BackpropEpochMetrics> Epochs { get; } = [];

        public List<DbnStage> CheckpointStages { get; } = [];

        public void OnLayerStarted(int layer, int layers)
        {
        }

        public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model)
        {
        }

        public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
        }

        public void OnLayerCompleted(int layer, Rbm model)
        {
        }

        public void OnCheckpoint(DbnTrainingState checkpoint) => CheckpointStages.Add(checkpoint.Stage);

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
        {
        }

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint) => Epochs.Add(metrics);
    }
}
