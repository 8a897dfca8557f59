using Microsoft.Extensions.Options;

namespace DeepNet.Server.Infrastructure;

/// <summary>The configuration section "Memory": when the server hands memory back to the machine.</summary>
public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>How often the server looks whether it went quiet after a burst.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Allocations since the last return that make one worth it (a big job, a burst of downloads).</summary>
    public long ReturnAfterMB { get; set; } = 256;

    /// <summary>Allocations within one interval under which the server counts as quiet.</summary>
    public long QuietBelowMB { get; set; } = 32;
}

/// <summary>
/// Gives memory back to the machine after a burst. The GC only runs when allocations ask for it, so after a big job or
/// ten downloads of a large model a quiet server keeps gigabytes of dead buffers committed for as long as it stays
/// quiet. Once enough was allocated since the last return and an interval passes with few allocations (training's
/// hot loops allocate nothing), one blocking, compacting, aggressive collection returns the free memory to the OS.
/// A finished job asks for one at the next quiet tick (<see cref="Request"/>).
/// </summary>
public sealed class MemoryReturn(IOptions<MemoryOptions> options, ILogger<MemoryReturn> log) : BackgroundService
{
    private const long Megabyte = 1024 * 1024;

    private long _allocatedAtReturn = GC.GetTotalAllocatedBytes();
    private long _allocatedAtCheck = GC.GetTotalAllocatedBytes();
    private int _requested;

    /// <summary>Collections this service made.</summary>
    public int Returns { get; private set; }

    /// <summary>Asks for a return at the next quiet check (after a job released its buffers).</summary>
    public void Request() => Interlocked.Exchange(ref _requested, 1);

    /// <summary>One check: returns memory when worth it and quiet; true when it did.</summary>
    public bool Check()
    {
        long allocated = GC.GetTotalAllocatedBytes();
        bool quiet = allocated - _allocatedAtCheck < options.Value.QuietBelowMB * Megabyte;
        _allocatedAtCheck = allocated;
        bool worth = Volatile.Read(ref _requested) == 1 || allocated - _allocatedAtReturn >= options.Value.ReturnAfterMB * Megabyte;
        if (!quiet || !worth)
        {
            return false;
        }

        long before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _allocatedAtReturn = GC.GetTotalAllocatedBytes();
        Interlocked.Exchange(ref _requested, 0);
        Returns++;
        log.LogInformation(
            "Returned memory after a burst: working set {Before} MB → {After} MB ({Committed} MB committed by the GC, {Heap} MB heap).",
            before / Megabyte, Environment.WorkingSet / Megabyte, GC.GetGCMemoryInfo().TotalCommittedBytes / Megabyte, GC.GetGCMemoryInfo().HeapSizeBytes / Megabyte);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
