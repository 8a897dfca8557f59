using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests;

public class RbmTrainerTests
{
    [Fact]
    public void TrainingOnBarsAndStripesLowersTheReconstructionError()
    {
        Matrix data = BarsAndStripes(side: 4, copies: 20);
        var trainer = new RbmTrainer(new RbmOptions { HiddenUnits = 16, LearningRate = 0.1f, BatchSize = 10, Epochs = 30, Seed = 3 }, data);
        trainer.Train(new RecordingObserver(), CancellationToken.None);

        Assert.Equal(30, trainer.History.Count);
        float first = trainer.History[0].ReconstructionError;
        float last = trainer.History[^1].ReconstructionError;
        Assert.True(last < 0.5f * first, $"reconstruction error went from {first} to {last}");
    }

    [Fact]
    public void CdKWithAMeanFieldNegativePhaseAlsoLearns()
    {
        Matrix data = BarsAndStripes(side: 4, copies: 20);
        var trainer = new RbmTrainer(new RbmOptions { HiddenUnits = 16, K = 3, SampleReconstruction = false, BatchSize = 10, Epochs = 20, Seed = 4 }, data);
        trainer.Train(new RecordingObserver(), CancellationToken.None);
        Assert.True(trainer.History[^1].ReconstructionError < trainer.History[0].ReconstructionError);
    }

    [Fact]
    public void TheSameSeedReproducesTheRunExactly()
    {
        Matrix data = BarsAndStripes(4, 5);
        var options = new RbmOptions { HiddenUnits = 8, BatchSize = 7, Epochs = 3, Seed = 42 };
        Rbm a = new RbmTrainer(options, data).Train(new RecordingObserver(), CancellationToken.None);
        Rbm b = new RbmTrainer(options, data).Train(new RecordingObserver(), CancellationToken.None);
        Rbm c = new RbmTrainer(options with { Seed = 43 }, data).Train(new RecordingObserver(), CancellationToken.None);

        Assert.Equal(a.Weights.Data, b.Weights.Data);
        Assert.Equal(a.HiddenBias, b.HiddenBias);
        Assert.NotEqual(a.Weights.Data, c.Weights.Data);
    }

    [Fact]
    public void ResumingFromAMidEpochStateContinuesTheRunBitForBit()
    {
        Matrix data = BarsAndStripes(4, 5);
        var options = new RbmOptions { HiddenUnits = 8, BatchSize = 7, Epochs = 3, Seed = 42 };
        Rbm uninterrupted = new RbmTrainer(options, data).Train(new RecordingObserver(), CancellationToken.None);

        var interrupted = new RbmTrainer(options, data);
        using var cts = new CancellationTokenSource();
        var observer = new RecordingObserver { CancelAfterBatches = 9, Cancellation = cts };
        Assert.Throws<OperationCanceledException>(() => interrupted.Train(observer, cts.Token));
        byte[] saved = interrupted.CaptureState().ToBytes();

        RbmTrainingState restored = RbmTrainingState.FromBytes(saved);
        Assert.True(restored.NextBatch > 0, "the state was captured mid-epoch");
        Rbm resumed = RbmTrainer.Resume(restored, data).Train(new RecordingObserver(), CancellationToken.None);

        Assert.Equal(uninterrupted.Weights.Data, resumed.Weights.Data);
        Assert.Equal(uninterrupted.VisibleBias, resumed.VisibleBias);
        Assert.Equal(uninterrupted.HiddenBias, resumed.HiddenBias);
    }

    [Fact]
    public void ResumingFromAnEpochCheckpointKeepsTheHistoryAndRunsOnlyTheRemainingEpochs()
    {
        Matrix data = BarsAndStripes(4, 5);
        var options = new RbmOptions { HiddenUnits = 8, BatchSize = 10, Epochs = 4, Seed = 7 };
        var full = new RbmTrainer(options, data);
        var fullObserver = new RecordingObserver();
        Rbm expected = full.Train(fullObserver, CancellationToken.None);
        RbmTrainingState afterEpoch2 = fullObserver.Checkpoints[1];

        var resumedObserver = new RecordingObserver();
        var resumed = RbmTrainer.Resume(RbmTrainingState.FromBytes(afterEpoch2.ToBytes()), data);
        Rbm actual = resumed.Train(resumedObserver, CancellationToken.None);

        Assert.Equal(2, afterEpoch2.CompletedEpochs);
        Assert.Equal([3, 4], resumedObserver.Epochs.Select(m => m.Epoch));
        Assert.Equal([1, 2, 3, 4], resumed.History.Select(m => m.Epoch));
        Assert.Equal(expected.Weights.Data, actual.Weights.Data);
    }

    [Fact]
    public void CancelStopsTrainingWithinOneBatch()
    {
        Matrix data = BarsAndStripes(4, 20);
        var trainer = new RbmTrainer(new RbmOptions { HiddenUnits = 8, BatchSize = 5, Epochs = 50 }, data);
        using var cts = new CancellationTokenSource();
        var observer = new RecordingObserver { CancelAfterBatches = 3, Cancellation = cts };

        Assert.Throws<OperationCanceledException>(() => trainer.Train(observer, cts.Token));
        Assert.Equal(3, observer.Batches.Count);
    }

    [Fact]
    public void ProgressReportsOneBasedEpochsAndBatches()
    {
        Matrix data = BarsAndStripes(4, 1); // 28 samples, batch 10 → 3 batches (10, 10, 8)
        var observer = new RecordingObserver();
        new RbmTrainer(new RbmOptions { HiddenUnits = 4, BatchSize = 10, Epochs = 2 }, data).Train(observer, CancellationToken.None);

        Assert.Equal(6, observer.Batches.Count);
        Assert.Equal(new TrainingProgress(1, 2, 1, 3, observer.Batches[0].ReconstructionError, observer.Batches[0].SamplesPerSecond), observer.Batches[0]);
        Assert.Equal((2, 3), (observer.Batches[^1].Epoch, observer.Batches[^1].Batch));
        Assert.All(observer.Batches, b => Assert.True(b.ReconstructionError > 0));
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithTheFieldName()
    {
        Matrix data = BarsAndStripes(4, 1);
        var error = Assert.Throws<ArgumentException>(() => new RbmTrainer(new RbmOptions { HiddenUnits = 0 }, data));
        Assert.Contains("rbm.hiddenUnits", error.Message);
    }

    [Theory]
    [InlineData(0, 1, 0.1f, 10, 1, "rbm.hiddenUnits")]
    [InlineData(5000, 1, 0.1f, 10, 1, "rbm.hiddenUnits")]
    [InlineData(10, 0, 0.1f, 10, 1, "rbm.k")]
    [InlineData(10, 1, 0f, 10, 1, "rbm.learningRate")]
    [InlineData(10, 1, float.NaN, 10, 1, "rbm.learningRate")]
    [InlineData(10, 1, 0.1f, 0, 1, "rbm.batchSize")]
    [InlineData(10, 1, 0.1f, 10, -1, "rbm.epochs")]
    public void TheValidatorNamesEachOutOfRangeField(int hidden, int k, float rate, int batch, int epochs, string field)
    {
        var options = new RbmOptions { HiddenUnits = hidden, K = k, LearningRate = rate, BatchSize = batch, Epochs = epochs };
        IReadOnlyDictionary<string, string[]> errors = RbmOptionsValidator.Validate(options, 784);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void TheValidatorAcceptsTheDefaults()
    {
        Assert.Empty(RbmOptionsValidator.Validate(new RbmOptions(), 784));
    }

    public static TheoryData<RbmOptions, string> OutOfRangeTrainingOptions() => new()
    {
        { new RbmOptions { Sigma = 0f }, "rbm.sigma" },
        { new RbmOptions { Sigma = 100.5f }, "rbm.sigma" },
        { new RbmOptions { Sigma = float.PositiveInfinity }, "rbm.sigma" },
        { new RbmOptions { VisibleType = (VisibleUnitType)7 }, "rbm.visibleType" },
        { new RbmOptions { PersistentChains = 0 }, "rbm.persistentChains" },
        { new RbmOptions { PersistentChains = 10_001 }, "rbm.persistentChains" },
        { new RbmOptions { InitialMomentum = 1f }, "rbm.initialMomentum" },
        { new RbmOptions { InitialMomentum = -0.1f }, "rbm.initialMomentum" },
        { new RbmOptions { FinalMomentum = 1f }, "rbm.finalMomentum" },
        { new RbmOptions { FinalMomentum = float.NaN }, "rbm.finalMomentum" },
        { new RbmOptions { MomentumSwitchEpoch = -1 }, "rbm.momentumSwitchEpoch" },
        { new RbmOptions { MomentumSwitchEpoch = 1001 }, "rbm.momentumSwitchEpoch" },
        { new RbmOptions { WeightDecay = -0.001f }, "rbm.weightDecay" },
        { new RbmOptions { WeightDecay = 1.5f }, "rbm.weightDecay" },
        { new RbmOptions { SparsityTarget = 0f }, "rbm.sparsityTarget" },
        { new RbmOptions { SparsityTarget = 1f }, "rbm.sparsityTarget" },
        { new RbmOptions { SparsityCost = -1f }, "rbm.sparsityCost" },
        { new RbmOptions { SparsityCost = 101f }, "rbm.sparsityCost" },
        { new RbmOptions { SparsityDecay = 1f }, "rbm.sparsityDecay" },
        { new RbmOptions { SparsityDecay = -0.5f }, "rbm.sparsityDecay" },
        { new RbmOptions { LearningRateDecay = 0f }, "rbm.learningRateDecay" },
        { new RbmOptions { LearningRateDecay = 1.01f }, "rbm.learningRateDecay" },
        { new RbmOptions { InitialWeightStdDev = 0f }, "rbm.initialWeightStdDev" },
        { new RbmOptions { InitialWeightStdDev = 2f }, "rbm.initialWeightStdDev" },
        { new RbmOptions { Persistent = true, PersistentChains = 10_000, HiddenUnits = 10 }, "rbm.persistentChains" },
    };

    [Theory]
    [MemberData(nameof(OutOfRangeTrainingOptions))]
    public void TheValidatorNamesEachOutOfRangeTrainingOption(RbmOptions options, string field)
    {
        // 784 visible: 10 000 persistent chains would hold 7.8 M states, within the limit; 4096 visible exceed it.
        int visible = options.Persistent ? 4096 : 784;
        Assert.Equal([field], RbmOptionsValidator.Validate(options, visible).Keys);
    }

    [Fact]
    public void TheValidatorAcceptsEveryOptionAtItsLimits()
    {
        var options = new RbmOptions
        {
            VisibleType = VisibleUnitType.Gaussian, Sigma = 100f, Persistent = true, PersistentChains = 10_000,
            InitialMomentum = 0f, FinalMomentum = 0.99f, MomentumSwitchEpoch = 1000, WeightDecay = 1f,
            SparsityTarget = 0.01f, SparsityCost = 100f, SparsityDecay = 0f, LearningRateDecay = 1f, InitialWeightStdDev = 1f,
        };
        Assert.Empty(RbmOptionsValidator.Validate(options, 784));
        Assert.Empty(RbmOptionsValidator.Validate(options with { Persistent = false }, 4096));
    }

    /// <summary>All horizontal-bar and vertical-stripe patterns of a side×side image, each repeated.</summary>
    internal static Matrix BarsAndStripes(int side, int copies)
    {
        var patterns = new List<float[]>();
        for (int mask = 1; mask < (1 << side) - 1; mask++)
        {
            var bars = new float[side * side];
            var stripes = new float[side * side];
            for (int r = 0; r < side; r++)
            {
                for (int c = 0; c < side; c++)
                {
                    bars[r * side + c] = (mask >> r & 1) == 1 ? 1f : 0f;
                    stripes[r * side + c] = (mask >> c & 1) == 1 ? 1f : 0f;
                }
            }

            patterns.Add(bars);
            patterns.Add(stripes);
        }

        var data = new Matrix(patterns.Count * copies, side * side);
        for (int i = 0; i < data.Rows; i++)
        {
            patterns[i % patterns.Count].CopyTo(data.Row(i));
        }

        return data;
    }

    internal sealed class RecordingObserver : IRbmTrainingObserver
    {
        public List<TrainingProgress> Batches { get; } = [];

        public List<EpochMetrics> Epochs { get; } = [];

        public List<RbmTrainingState> Checkpoints { get; } = [];

        public int CancelAfterBatches { get; init; } = -1;

        public CancellationTokenSource? Cancellation { get; init; }

        public void OnBatchCompleted(TrainingProgress progress, Rbm model)
        {
            Batches.Add(progress);
            if (Batches.Count == CancelAfterBatches)
            {
                Cancellation!.Cancel();
            }
        }

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
            Epochs.Add(metrics);
            Checkpoints.Add(checkpoint);
        }
    }
}
