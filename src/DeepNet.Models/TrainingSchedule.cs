using System.Diagnostics;
using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// The loop every trainer shares: epochs of minibatches over a fresh permutation of the samples drawn from the run's
/// generator, a cursor (1-based epoch, 0-based batch) that a cancel stops before any batch, the epoch's running loss
/// and tally, its throughput, the divergence check, and the <see cref="ScheduleState"/> a run resumes from bit for bit.
/// A trainer drives it as
/// <c>while (BeginEpoch(rng)) { while (NextBatch(token, out samples)) { …; CompleteBatch(loss); } …; EndEpoch(…); }</c>;
/// nothing in that loop allocates.
/// </summary>
internal sealed class TrainingSchedule
{
    private readonly int[] _order;
    private readonly Stopwatch _clock = new();
    private bool _shuffled;
    private int _currentBatchSize;
    private int _samplesThisSession;

    /// <summary>A new run: epoch 1, batch 0, no order drawn yet.</summary>
    /// <param name="batchSize">Requested minibatch size; the schedule uses min(batchSize, sampleCount).</param>
    public TrainingSchedule(int sampleCount, int batchSize, int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        SampleCount = sampleCount;
        BatchSize = Math.Min(batchSize, sampleCount);
        BatchesPerEpoch = (sampleCount + BatchSize - 1) / BatchSize;
        Epochs = epochs;
        Epoch = 1;
        _order = new int[sampleCount];
    }

    /// <summary>Continues the run <paramref name="state"/> was captured from (the generator is restored by its owner).</summary>
    public TrainingSchedule(ScheduleState state, int batchSize, int epochs)
        : this((state ?? throw new ArgumentNullException(nameof(state))).SampleCount, batchSize, epochs)
    {
        Epoch = state.NextEpoch;
        Batch = state.NextBatch;
        if (state.Order is not null)
        {
            state.Order.CopyTo(_order, 0);
            _shuffled = true;
        }

        EpochLoss = state.EpochLoss;
        EpochTally = state.EpochTally;
    }

    /// <summary>
    /// A new run whose generator is seeded with <paramref name="seed"/>, or, given <paramref name="resumeFrom"/>, the run it
    /// was captured from with its generator restored.
    /// </summary>
    public static TrainingSchedule StartOrResume(
        ScheduleState? resumeFrom, ulong seed, int sampleCount, int batchSize, int epochs, out Xoshiro256StarStar rng)
    {
        if (resumeFrom is null)
        {
            rng = new Xoshiro256StarStar(seed);
            return new TrainingSchedule(sampleCount, batchSize, epochs);
        }

        rng = Xoshiro256StarStar.FromState(resumeFrom.RngState);
        return new TrainingSchedule(resumeFrom, batchSize, epochs);
    }

    public int SampleCount { get; }

    /// <summary>Samples per minibatch; the epoch's last batch holds the remainder.</summary>
    public int BatchSize { get; }

    public int BatchesPerEpoch { get; }

    public int Epochs { get; }

    /// <summary>The 1-based epoch running (or next to run); Epochs + 1 once the run is complete.</summary>
    public int Epoch { get; private set; }

    /// <summary>Batches of <see cref="Epoch"/> completed so far: the 0-based batch that runs next.</summary>
    public int Batch { get; private set; }

    /// <summary>Sum of the losses passed to <see cref="CompleteBatch"/> in this epoch.</summary>
    public double EpochLoss { get; private set; }

    /// <summary>Sum of the tallies (e.g. correct or wrong predictions) passed to <see cref="CompleteBatch"/> in this epoch.</summary>
    public int EpochTally { get; private set; }

    /// <summary>Samples per second since this epoch began (or resumed).</summary>
    public double SamplesPerSecond
    {
        get
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            return seconds > 0 ? _samplesThisSession / seconds : 0;
        }
    }

    /// <summary>Seconds since this epoch began (or resumed).</summary>
    public double EpochSeconds => _clock.Elapsed.TotalSeconds;

    /// <summary>
    /// Starts <see cref="Epoch"/>, drawing its sample order from <paramref name="rng"/> unless a resumed state already
    /// holds it; false once every epoch has run.
    /// </summary>
    public bool BeginEpoch(Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (Epoch > Epochs)
        {
            return false;
        }

        // The order is part of the state from the moment it is drawn: a cancel between the shuffle and the first
        // batch must not make a resumed run shuffle again with the advanced generator.
        if (!_shuffled)
        {
            for (int i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }

            rng.Shuffle(_order);
            _shuffled = true;
            EpochLoss = 0;
            EpochTally = 0;
        }

        _samplesThisSession = 0;
        _clock.Restart();
        return true;
    }

    /// <summary>
    /// Hands out the sample indices of the next batch of this epoch, or returns false when the epoch has no batch left.
    /// Throws <see cref="OperationCanceledException"/> before a batch when <paramref name="cancellationToken"/> is
    /// cancelled, leaving the cursor on that batch.
    /// </summary>
    public bool NextBatch(CancellationToken cancellationToken, out ReadOnlySpan<int> samples)
    {
        if (Batch >= BatchesPerEpoch)
        {
            samples = default;
            return false;
        }

        cancellationToken.ThrowIfCancellationRequested();
        int start = Batch * BatchSize;
        _currentBatchSize = Math.Min(BatchSize, SampleCount - start);
        samples = _order.AsSpan(start, _currentBatchSize);
        return true;
    }

    /// <summary>Adds the batch's loss and tally to the epoch's sums and moves the cursor past it.</summary>
    public void CompleteBatch(double loss, int tally = 0)
    {
        EpochLoss += loss;
        EpochTally += tally;
        _samplesThisSession += _currentBatchSize;
        Batch++;
    }

    /// <summary>
    /// Ends the epoch: throws <see cref="TrainingDivergedException"/> when <paramref name="epochLoss"/> or any value of
    /// <paramref name="parameters"/> is not finite (so a run of NaNs is neither continued nor stored), else moves the
    /// cursor to the next epoch's first batch with its order still to draw.
    /// </summary>
    /// <param name="run">What is trained, as the message's subject ("RBM training").</param>
    /// <param name="learningRate">The epoch's ε, quoted in the message.</param>
    public void EndEpoch(string run, float learningRate, double epochLoss, params ReadOnlySpan<float[]> parameters)
    {
        bool finite = double.IsFinite(epochLoss);
        foreach (float[] values in parameters)
        {
            finite &= float.IsFinite(TensorPrimitives.Sum(values));
        }

        if (!finite)
        {
            throw new TrainingDivergedException(
                $"{run} diverged in epoch {Epoch}: the loss or the parameters are no longer finite. Lower the learning rate (now {learningRate}).");
        }

        Epoch++;
        Batch = 0;
        _shuffled = false;
        EpochLoss = 0;
        EpochTally = 0;
    }

    /// <summary>A copy of the cursor, sums and <paramref name="rng"/>'s state; the constructor taking it continues from there.</summary>
    public ScheduleState Capture(Xoshiro256StarStar rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return new ScheduleState(rng.GetState(), SampleCount, Epoch, Batch, _shuffled ? (int[])_order.Clone() : null, EpochLoss, EpochTally);
    }

    /// <summary>Copies the rows of <paramref name="data"/> that <paramref name="samples"/> names, in that order, into <paramref name="rows"/> (samples.Length×Cols).</summary>
    public static void GatherRows(Matrix data, ReadOnlySpan<int> samples, Span<float> rows)
    {
        int cols = data.Cols;
        for (int r = 0; r < samples.Length; r++)
        {
            data.Row(samples[r]).CopyTo(rows.Slice(r * cols, cols));
        }
    }

    /// <summary>Copies the labels that <paramref name="samples"/> names, in that order, into <paramref name="destination"/>.</summary>
    public static void GatherLabels(ReadOnlySpan<int> labels, ReadOnlySpan<int> samples, Span<int> destination)
    {
        for (int r = 0; r < samples.Length; r++)
        {
            destination[r] = labels[samples[r]];
        }
    }
}
