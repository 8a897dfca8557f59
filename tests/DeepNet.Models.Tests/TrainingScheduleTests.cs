using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests;

/// <summary>
/// The skeleton every trainer runs on. The resume tests drive it with a small real learner — noisy SGD on a linear
/// model, whose noise draws from the run's generator like CD sampling, dropout and augmentation do — so a resumed run
/// only matches when the order, cursor, sums and generator all come back exactly.
/// </summary>
public class TrainingScheduleTests
{
    private const int Samples = 23;
    private const int Features = 5;
    private const int BatchSize = 5; // 5 batches per epoch, the last of 3 samples
    private const int Epochs = 3;
    private const ulong Seed = 17;

    private static readonly ScheduleStateFormat CommaSeparatedRng = new(RngAsJsonArray: false, "epoch_loss_sum", "epoch_correct");
    private static readonly ScheduleStateFormat JsonRng = new(RngAsJsonArray: true, "epoch_loss", "epoch_wrong");
    private static readonly ScheduleStateFormat WithoutTally = new(RngAsJsonArray: true, "epoch_loss", EpochTallyKey: null);

    public enum StopPoint
    {
        /// <summary>Cancelled before the third batch of epoch 2.</summary>
        MidEpoch,

        /// <summary>Cancelled after the last batch of epoch 1: epoch 2's order is drawn, none of its batches run.</summary>
        AfterTheNextShuffle,

        /// <summary>Captured right after epoch 1 ended, before epoch 2's order is drawn (an epoch checkpoint).</summary>
        AtTheEpochBoundary,
    }

    [Fact]
    public void EveryEpochVisitsEverySampleOnceInAFreshOrderDrawnFromTheGenerator()
    {
        var schedule = new TrainingSchedule(Samples, BatchSize, Epochs);
        var rng = new Xoshiro256StarStar(Seed);
        var expectedRng = new Xoshiro256StarStar(Seed);
        var orders = new List<int[]>();
        while (schedule.BeginEpoch(rng))
        {
            int[] expected = [.. Enumerable.Range(0, Samples)];
            expectedRng.Shuffle(expected);
            var seen = new List<int>();
            var sizes = new List<int>();
            while (schedule.NextBatch(CancellationToken.None, out ReadOnlySpan<int> samples))
            {
                seen.AddRange(samples.ToArray());
                sizes.Add(samples.Length);
                schedule.CompleteBatch(loss: samples.Length, tally: 1);
            }

            Assert.Equal(expected, seen);
            Assert.Equal([5, 5, 5, 5, 3], sizes);
            Assert.Equal(Samples, schedule.EpochLoss);
            Assert.Equal(5, schedule.EpochTally);
            orders.Add([.. seen]);
            schedule.EndEpoch("Test", 0.1f, schedule.EpochLoss);
        }

        Assert.Equal(Epochs, orders.Count);
        Assert.Equal(Epochs + 1, schedule.Epoch);
        Assert.NotEqual(orders[0], orders[1]);
        Assert.Equal(expectedRng.GetState(), rng.GetState());
    }

    [Fact]
    public void ABatchLargerThanTheDataIsOneBatchOfAllSamples()
    {
        var schedule = new TrainingSchedule(sampleCount: 3, batchSize: 100, epochs: 1);
        Assert.Equal(3, schedule.BatchSize);
        Assert.Equal(1, schedule.BatchesPerEpoch);
    }

    [Fact]
    public void ACancelStopsBeforeTheNextBatchAndLeavesTheCursorOnIt()
    {
        var schedule = new TrainingSchedule(Samples, BatchSize, Epochs);
        var rng = new Xoshiro256StarStar(Seed);
        using var cts = new CancellationTokenSource();
        Assert.True(schedule.BeginEpoch(rng));
        Assert.True(schedule.NextBatch(cts.Token, out _));
        schedule.CompleteBatch(1.5, 2);
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => schedule.NextBatch(cts.Token, out _));
        ScheduleState state = schedule.Capture(rng);
        Assert.Equal((1, 1, 1.5, 2), (state.NextEpoch, state.NextBatch, state.EpochLoss, state.EpochTally));
        Assert.NotNull(state.Order);
        Assert.Equal(rng.GetState(), state.RngState);
    }

    [Theory]
    [InlineData(double.NaN, 0f)]
    [InlineData(double.PositiveInfinity, 0f)]
    [InlineData(1.0, float.NaN)]
    public void ANonFiniteLossOrParameterEndsTheRunWithAMessageSayingToLowerTheLearningRate(double loss, float parameter)
    {
        var schedule = new TrainingSchedule(Samples, BatchSize, Epochs);
        Assert.True(schedule.BeginEpoch(new Xoshiro256StarStar(Seed)));
        float[] parameters = [0.5f, parameter, -1f];

        var error = Assert.Throws<TrainingDivergedException>(() => schedule.EndEpoch("Test training", 0.25f, loss, parameters));

        Assert.Contains("Test training diverged in epoch 1", error.Message);
        Assert.Contains("Lower the learning rate (now 0.25)", error.Message);
        Assert.Equal(1, schedule.Epoch);
    }

    [Theory]
    [InlineData(StopPoint.MidEpoch, false)]
    [InlineData(StopPoint.MidEpoch, true)]
    [InlineData(StopPoint.AfterTheNextShuffle, false)]
    [InlineData(StopPoint.AfterTheNextShuffle, true)]
    [InlineData(StopPoint.AtTheEpochBoundary, false)]
    [InlineData(StopPoint.AtTheEpochBoundary, true)]
    public void AResumedRunEndsBitForBitWhereAnUninterruptedOneEnds(StopPoint stop, bool rngAsJson)
    {
        (Matrix x, int[] y) = Problem();
        var uninterrupted = new NoisyLinearLearner(x, y);
        uninterrupted.Train(CancellationToken.None);

        var interrupted = new NoisyLinearLearner(x, y);
        ScheduleState captured;
        if (stop == StopPoint.AtTheEpochBoundary)
        {
            interrupted.StopAfterEpochs = 1;
            interrupted.Train(CancellationToken.None);
            captured = interrupted.Capture();
            Assert.Null(captured.Order);
        }
        else
        {
            using var cts = new CancellationTokenSource();
            interrupted.CancelAfterBatches = stop == StopPoint.MidEpoch ? 7 : 5;
            interrupted.Cancellation = cts;
            Assert.Throws<OperationCanceledException>(() => interrupted.Train(cts.Token));
            captured = interrupted.Capture();
            Assert.NotNull(captured.Order);
        }

        ScheduleStateFormat format = rngAsJson ? JsonRng : CommaSeparatedRng;
        var metadata = new Dictionary<string, string>();
        captured.WriteTo(metadata, format);
        ScheduleState restored = ScheduleState.ReadFrom(metadata, format);
        Assert.Equal(2, restored.NextEpoch);
        Assert.Equal(stop == StopPoint.MidEpoch ? 2 : 0, restored.NextBatch);
        Assert.Equal(captured.Order, restored.Order);
        Assert.Equal(captured.EpochLoss, restored.EpochLoss);
        Assert.Equal(captured.EpochTally, restored.EpochTally);
        Assert.Equal(captured.RngState, restored.RngState);

        var resumed = NoisyLinearLearner.Resume(x, y, interrupted.Weights, restored);
        resumed.Train(CancellationToken.None);

        Assert.Equal(uninterrupted.Weights, resumed.Weights);
        Assert.Equal(uninterrupted.EpochLosses.Skip(1), resumed.EpochLosses);
        Assert.Equal(uninterrupted.EpochTallies.Skip(1), resumed.EpochTallies);
        ScheduleState expectedEnd = uninterrupted.Capture(), actualEnd = resumed.Capture();
        Assert.Equal(expectedEnd.RngState, actualEnd.RngState);
        Assert.Equal((Epochs + 1, 0, (int[]?)null), (actualEnd.NextEpoch, actualEnd.NextBatch, actualEnd.Order));
    }

    [Fact]
    public void WriteToSpellsTheFieldsTheWayTheFormatSays()
    {
        var state = new ScheduleState([1, 2, 3, 4], 3, 2, 1, [2, 0, 1], 0.1, 7);
        var comma = new Dictionary<string, string>();
        state.WriteTo(comma, CommaSeparatedRng);
        var json = new Dictionary<string, string>();
        state.WriteTo(json, WithoutTally);
        var boundary = new Dictionary<string, string>();
        (state with { Order = null, NextBatch = 0 }).WriteTo(boundary, CommaSeparatedRng);

        Assert.Equal(["rng", "sample_count", "next_epoch", "next_batch", "order", "epoch_loss_sum", "epoch_correct"], comma.Keys);
        Assert.Equal("1,2,3,4", comma["rng"]);
        Assert.Equal("[2,0,1]", comma["order"]);
        Assert.Equal("0.1", comma["epoch_loss_sum"]);
        Assert.Equal("7", comma["epoch_correct"]);
        Assert.Equal(["rng", "sample_count", "next_epoch", "next_batch", "order", "epoch_loss"], json.Keys);
        Assert.Equal("[1,2,3,4]", json["rng"]);
        Assert.Equal(0, ScheduleState.ReadFrom(json, WithoutTally).EpochTally);
        Assert.Equal("", boundary["order"]);
        Assert.Null(ScheduleState.ReadFrom(boundary, CommaSeparatedRng).Order);
    }

    [Theory]
    [InlineData("rng", "1,2,3")]
    [InlineData("rng", "0,0,0,0")]
    [InlineData("sample_count", "0")]
    [InlineData("next_epoch", "0")]
    [InlineData("next_batch", "-1")]
    [InlineData("order", "")]
    [InlineData("order", "[2,0]")]
    [InlineData("order", "[2,0,3]")]
    [InlineData("epoch_loss_sum", "NaN")]
    public void ReadFromRejectsFieldsThatCannotBelongToOneRun(string key, string value)
    {
        var metadata = new Dictionary<string, string>();
        new ScheduleState([1, 2, 3, 4], 3, 2, 1, [2, 0, 1], 0.1, 7).WriteTo(metadata, CommaSeparatedRng);
        metadata[key] = value;
        Exception error = Assert.ThrowsAny<Exception>(() => ScheduleState.ReadFrom(metadata, CommaSeparatedRng));
        Assert.True(error is InvalidDataException or ArgumentException, error.ToString());
    }

    [Fact]
    public void TheLoopAllocatesNothing()
    {
        var schedule = new TrainingSchedule(Samples, BatchSize, epochs: 50);
        var rng = new Xoshiro256StarStar(Seed);
        float[] parameters = [1f, 2f];
        RunEpoch(schedule, rng, parameters);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < 40; e++)
        {
            RunEpoch(schedule, rng, parameters);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());

        static void RunEpoch(TrainingSchedule schedule, Xoshiro256StarStar rng, float[] parameters)
        {
            Assert.True(schedule.BeginEpoch(rng));
            while (schedule.NextBatch(CancellationToken.None, out ReadOnlySpan<int> samples))
            {
                schedule.CompleteBatch(samples[0], samples.Length);
            }

            schedule.EndEpoch("Test", 0.1f, schedule.EpochLoss, parameters, parameters);
        }
    }

    private static (Matrix X, int[] Y) Problem()
    {
        var rng = new Xoshiro256StarStar(5);
        var x = new Matrix(Samples, Features);
        var y = new int[Samples];
        for (int r = 0; r < Samples; r++)
        {
            float sum = 0;
            for (int c = 0; c < Features; c++)
            {
                x[r, c] = rng.NextGaussian();
                sum += (c + 1) * x[r, c];
            }

            y[r] = sum > 0 ? 1 : 0;
        }

        return (x, y);
    }

    /// <summary>
    /// Least squares on 0/1 targets by SGD with a decaying rate and Gaussian gradient noise from the run's generator;
    /// the tally counts samples on the wrong side of 0.5.
    /// </summary>
    private sealed class NoisyLinearLearner
    {
        private readonly Matrix _x;
        private readonly int[] _y;
        private readonly Xoshiro256StarStar _rng;
        private readonly TrainingSchedule _schedule;
        private readonly float[] _batch;
        private readonly int[] _targets;
        private int _batches;

        public NoisyLinearLearner(Matrix x, int[] y)
            : this(x, y, new float[Features], new Xoshiro256StarStar(Seed), new TrainingSchedule(Samples, BatchSize, Epochs))
        {
        }

        private NoisyLinearLearner(Matrix x, int[] y, float[] weights, Xoshiro256StarStar rng, TrainingSchedule schedule)
        {
            _x = x;
            _y = y;
            Weights = weights;
            _rng = rng;
            _schedule = schedule;
            _batch = new float[BatchSize * Features];
            _targets = new int[BatchSize];
        }

        public float[] Weights { get; }

        public List<double> EpochLosses { get; } = [];

        public List<int> EpochTallies { get; } = [];

        public int CancelAfterBatches { get; set; } = int.MaxValue;

        public CancellationTokenSource? Cancellation { get; set; }

        public int StopAfterEpochs { get; set; } = int.MaxValue;

        public static NoisyLinearLearner Resume(Matrix x, int[] y, float[] weights, ScheduleState state) =>
            new(x, y, (float[])weights.Clone(), Xoshiro256StarStar.FromState(state.RngState), new TrainingSchedule(state, BatchSize, Epochs));

        public ScheduleState Capture() => _schedule.Capture(_rng);

        public void Train(CancellationToken cancellationToken)
        {
            while (EpochLosses.Count < StopAfterEpochs && _schedule.BeginEpoch(_rng))
            {
                float lr = 0.05f * MathF.Pow(0.7f, _schedule.Epoch - 1);
                while (_schedule.NextBatch(cancellationToken, out ReadOnlySpan<int> samples))
                {
                    TrainingSchedule.GatherRows(_x, samples, _batch);
                    TrainingSchedule.GatherLabels(_y, samples, _targets);
                    (double loss, int wrong) = Step(samples.Length, lr);
                    _schedule.CompleteBatch(loss, wrong);
                    if (++_batches == CancelAfterBatches)
                    {
                        Cancellation?.Cancel();
                    }
                }

                EpochLosses.Add(_schedule.EpochLoss);
                EpochTallies.Add(_schedule.EpochTally);
                _schedule.EndEpoch("Test", lr, _schedule.EpochLoss, Weights);
            }
        }

        private (double Loss, int Wrong) Step(int count, float lr)
        {
            var gradient = new float[Features];
            double loss = 0;
            int wrong = 0;
            for (int r = 0; r < count; r++)
            {
                float prediction = 0;
                for (int c = 0; c < Features; c++)
                {
                    prediction += Weights[c] * _batch[(r * Features) + c];
                }

                float residual = prediction - _targets[r];
                loss += residual * residual;
                wrong += (prediction > 0.5f) != (_targets[r] == 1) ? 1 : 0;
                for (int c = 0; c < Features; c++)
                {
                    gradient[c] += residual * _batch[(r * Features) + c] / count;
                }
            }

            for (int c = 0; c < Features; c++)
            {
                Weights[c] -= lr * (gradient[c] + (0.01f * _rng.NextGaussian()));
            }

            return (loss, wrong);
        }
    }
}
