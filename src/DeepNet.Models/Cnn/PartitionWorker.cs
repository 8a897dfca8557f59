using System.Runtime.ExceptionServices;

namespace DeepNet.Models.Cnn;

/// <summary>Work split into <see cref="PartitionWorker.Partitions"/> fixed partitions that touch disjoint data.</summary>
internal interface IPartitionedWork
{
    void Run(int partition);
}

/// <summary>
/// Runs the partitions of a split on the calling thread and one process-wide background thread, each taking the next
/// unclaimed partition: when the helper is late (a busy machine) or already serving another network, or there is a single
/// core, the caller simply runs every partition itself. Which thread runs a partition never changes a result: partitions own
/// their data and their partial sums are combined in partition order. Allocation-free per call.
/// </summary>
internal static class PartitionWorker
{
    public const int Partitions = DeepNet.Numerics.DirectConvolution.Partitions;

    private static readonly Lazy<Helper?> Shared = new(() => Environment.ProcessorCount > 1 ? new Helper() : null);

    public static void Run(IPartitionedWork work)
    {
        Helper? helper = Shared.Value;
        if (helper is null || !helper.TryAcquire())
        {
            for (int p = 0; p < Partitions; p++)
            {
                work.Run(p);
            }

            return;
        }

        try
        {
            helper.RunShared(work);
        }
        finally
        {
            helper.Release();
        }
    }

    private sealed class Helper
    {
        private readonly ManualResetEventSlim _start = new(false, spinCount: 100);
        private readonly ManualResetEventSlim _done = new(false, spinCount: 100);
        private readonly ExceptionDispatchInfo?[] _failures = new ExceptionDispatchInfo?[Partitions];
        private IPartitionedWork? _work;
        private long _state; // generation << 32 | next unclaimed partition
        private int _remaining;
        private int _busy;

        public Helper()
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "DeepNet CNN partitions" };
            thread.Start();
        }

        public bool TryAcquire() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

        public void Release() => Volatile.Write(ref _busy, 0);

        public void RunShared(IPartitionedWork work)
        {
            Array.Clear(_failures);
            _remaining = Partitions;
            _done.Reset();
            Volatile.Write(ref _work, work);
            long generation = (Volatile.Read(ref _state) >> 32) + 1;
            Volatile.Write(ref _state, generation << 32); // publishes _work: a claim reads _state, then _work
            _start.Set();
            ClaimAndRun();
            // Wait even after a failure: a partition the helper claimed may still be using the caller's (pinned) buffers.
            _done.Wait();
            foreach (ExceptionDispatchInfo? failure in _failures)
            {
                failure?.Throw();
            }
        }

        private void ClaimAndRun()
        {
            while (true)
            {
                long state = Volatile.Read(ref _state);
                int partition = (int)(state & 0xFFFF_FFFF);
                if (partition >= Partitions)
                {
                    return;
                }

                // A successful claim means this generation is still open, so _work is still its work.
                IPartitionedWork? work = Volatile.Read(ref _work);
                if (Interlocked.CompareExchange(ref _state, state + 1, state) != state)
                {
                    continue;
                }

                try
                {
                    work!.Run(partition);
                }
                catch (Exception e)
                {
                    _failures[partition] = ExceptionDispatchInfo.Capture(e);
                }

                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    _done.Set();
                }
            }
        }

        private void Loop()
        {
            while (true)
            {
                _start.Wait();
                _start.Reset();
                ClaimAndRun();
            }
        }
    }
}
