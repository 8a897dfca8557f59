using DeepNet.Models.Cnn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Cnn;

public class CnnTrainerTests
{
    private static readonly LayerSpec[] Layers =
    [
        new ConvolutionSpec(4, 3, Padding: 1),
        new ActivationSpec(ActivationKind.Relu),
        new MaxPoolSpec(2, 2),
        new DropoutSpec(0.25f),
        new DenseSpec(OrientedBars.Classes),
    ];

    private static readonly TensorShape Input = new(1, OrientedBars.Size, OrientedBars.Size);

    private static (Matrix Data, int[] Labels) Bars(int count, ulong seed)
    {
        (float[] images, int[] labels) = OrientedBars.Generate(count, seed);
        return (new Matrix(count, OrientedBars.Size * OrientedBars.Size, images), labels);
    }

    private sealed class Recorder(int cancelAfterBatches = int.MaxValue, CancellationTokenSource? cancel = null) : ICnnTrainingObserver
    {
        public int Batches { get; private set; }

        public List<CnnEpochMetrics> Epochs { get; } = [];

        public void OnBatchCompleted(CnnBatchProgress progress, Network model)
        {
            if (++Batches == cancelAfterBatches)
            {
                cancel?.Cancel();
            }
        }

        public void OnEpochCompleted(CnnEpochMetrics metrics, Network model, CnnTrainingState checkpoint) => Epochs.Add(metrics);
    }

    [Theory]
    [InlineData(CnnOptimizerKind.Adam)]
    [InlineData(CnnOptimizerKind.Sgd)]
    public void ResumingMidEpochFromASavedCheckpointGivesTheSameWeightsBitForBit(CnnOptimizerKind optimizer)
    {
        (Matrix data, int[] labels) = Bars(300, 4);
        var options = new CnnOptions(Epochs: 3, BatchSize: 32, Optimizer: optimizer, LearningRate: optimizer == CnnOptimizerKind.Adam ? 0.01f : 0.05f, WeightDecay: 1e-4f, Seed: 5, LearningRateDecay: 0.8f);
        var straight = new CnnTrainer(Input, Layers, options, data, labels);
        straight.Train(new Recorder(), CancellationToken.None);

        using var cancel = new CancellationTokenSource();
        var first = new CnnTrainer(Input, Layers, options, data, labels);
        Assert.Throws<OperationCanceledException>(() => first.Train(new Recorder(15, cancel), cancel.Token));
        CnnTrainingState state = first.CaptureState();
        Assert.Equal(2, state.NextEpoch);
        Assert.Equal(5, state.NextBatch);
        var resumed = CnnTrainer.Resume(CnnCheckpointFile.FromBytes(CnnCheckpointFile.ToBytes(state)), data, labels);
        resumed.Train(new Recorder(), CancellationToken.None);

        for (int p = 0; p < straight.Model.Parameters.Count; p++)
        {
            Assert.Equal(straight.Model.Parameters[p].Value, resumed.Model.Parameters[p].Value);
        }

        Assert.Equal(straight.History.Select(e => (e.Loss, e.Accuracy)), resumed.History.Select(e => (e.Loss, e.Accuracy)));
    }

    [Fact]
    public void TrainingReportsEveryEpochAndLearns()
    {
        (Matrix data, int[] labels) = Bars(600, 6);
        var recorder = new Recorder();
        LayerSpec[] layers = [new ConvolutionSpec(8, 3), new ActivationSpec(ActivationKind.Relu), new MaxPoolSpec(2, 2), new DenseSpec(OrientedBars.Classes)];
        var trainer = new CnnTrainer(Input, layers, new CnnOptions(Epochs: 6, BatchSize: 32, LearningRate: 0.01f, Seed: 7), data, labels);

        Network model = trainer.Train(recorder, CancellationToken.None);

        Assert.Equal(6 * 19, recorder.Batches);
        Assert.Equal([1, 2, 3, 4, 5, 6], recorder.Epochs.Select(e => e.Epoch));
        Assert.True(recorder.Epochs[^1].Loss < recorder.Epochs[0].Loss / 2);
        (Matrix test, int[] testLabels) = Bars(32, 9);
        int correct = model.Evaluate(test.AsSpan(), testLabels).Correct;
        Assert.True(correct >= 28, $"held-out accuracy {correct}/32");
    }

    [Fact]
    public void ACheckpointOfAnotherFormatIsRefused()
    {
        byte[] rbmLike = SafeTensors.Write([], new Dictionary<string, string> { ["format"] = "deepnet-rbm-checkpoint" });

        Assert.Throws<InvalidDataException>(() => CnnCheckpointFile.FromBytes(rbmLike));
    }

    [Fact]
    public void LabelsOutsideTheClassesAreRefused()
    {
        (Matrix data, int[] labels) = Bars(10, 8);
        labels[3] = 7;

        var error = Assert.Throws<ArgumentException>(() => new CnnTrainer(Input, Layers, new CnnOptions(), data, labels));

        Assert.Contains("[0, 4)", error.Message);
    }

    [Fact]
    public void LayerListsRoundTripThroughJsonWithTypeNames()
    {
        string json = System.Text.Json.JsonSerializer.Serialize(CnnPresets.LeNet5());

        var back = System.Text.Json.JsonSerializer.Deserialize<List<LayerSpec>>(json)!;

        Assert.Contains("\"type\":\"conv\"", json);
        Assert.Contains("\"Kind\":\"Relu\"", json);
        Assert.Equal(CnnPresets.LeNet5(), back);
    }
}
