using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>What a running job's heartbeat found.</summary>
public enum LeaseState
{
    /// <summary>The worker still holds the job; its lease was renewed.</summary>
    Held,

    /// <summary>The worker still holds the job and its owner asked to cancel it (on any node).</summary>
    CancelRequested,

    /// <summary>The job is no longer this worker's (its lease expired and another worker took it, or it finished): stop without writing.</summary>
    Lost,
}

/// <summary>
/// How workers in any number of processes share one database's queue. A worker claims the next job in
/// <see cref="FairShareOrder"/> (owners at <see cref="JobBudgetOptions.MaxRunningPerUser"/> running jobs, counted in the
/// database, are skipped) with a conditional update that sets it Running under the worker's lease; the heartbeat renews
/// the lease; a job whose lease expired goes back to the queue and resumes from its checkpoint on whichever worker
/// claims it next.
/// </summary>
/// <remarks>
/// Claims are serialized: fair order and per-user running counts need one consistent view of all jobs, which row locks
/// (FOR UPDATE SKIP LOCKED) do not give. SQLite's transactions begin IMMEDIATE (one writer at a time); on PostgreSQL a
/// transaction-scoped advisory lock does the same. A claim is a few milliseconds, so workers never wait on each other long.
/// </remarks>
public sealed class JobClaims(
    IDbContextFactory<DeepNetDbContext> contexts,
    IOptions<JobBudgetOptions> limits,
    IOptions<JobWorkerOptions> options,
    TimeProvider clock,
    ILogger<JobClaims> logger)
{
    // Any constant that no other advisory lock of the database uses: "DNJC" in ASCII.
    private const long ClaimLockKey = 0x444E4A43;

    /// <summary>A new worker identity: host, process and runner slot, plus a random part so a reused process id never inherits a lease.</summary>
    public static string NewWorkerId(int slot)
    {
        string id = $"{Environment.MachineName}/{Environment.ProcessId}/{slot}/{Guid.NewGuid().ToString("N")[..8]}";
        return id.Length <= DeepNetDbContext.WorkerIdMaxLength ? id : id[^DeepNetDbContext.WorkerIdMaxLength..];
    }

    /// <summary>
    /// Requeues jobs whose lease expired, then claims the next job that may start for <paramref name="workerId"/>: Running,
    /// leased until now + <see cref="JobWorkerOptions.LeaseDuration"/>. Null when no queued job may start.
    /// </summary>
    public async Task<Guid?> ClaimNextAsync(string workerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ClaimLockKey})", cancellationToken);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        int expired = await RequeueExpiredAsync(db, now, cancellationToken);
        if (expired > 0)
        {
            logger.LogWarning("{Count} job(s) lost their worker (lease expired); queued again, they resume from their last checkpoints.", expired);
        }

        int maxRunning = limits.Value.MaxRunningPerUser;
        var busy = await db.Jobs
            .Where(j => j.Status == JobStatus.Running)
            .GroupBy(j => j.OwnerId)
            .Where(g => g.Count() >= maxRunning)
            .Select(g => g.Key)
            .ToListAsync(cancellationToken);
        var leaseEnd = now + options.Value.LeaseDuration;
        foreach (var candidate in await JobStore.FairOrderAsync(db, busy, cancellationToken))
        {
            JobStateMachine.EnsureCanTransition(JobStatus.Queued, JobStatus.Running);
            int claimed = await db.Jobs
                .Where(j => j.Id == candidate.Id && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(j => j.Status, JobStatus.Running)
                        .SetProperty(j => j.StartedAt, j => j.StartedAt ?? (DateTime?)now)
                        .SetProperty(j => j.LeaseOwner, workerId)
                        .SetProperty(j => j.LeaseExpiresAt, leaseEnd)
                        .SetProperty(j => j.Claims, j => j.Claims + 1),
                    cancellationToken);
            if (claimed == 1)
            {
                await transaction.CommitAsync(cancellationToken);
                return candidate.Id;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>The heartbeat: renews <paramref name="workerId"/>'s lease on the job and says whether a cancel was asked for.</summary>
    public async Task<LeaseState> RenewAsync(Guid jobId, string workerId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var leaseEnd = clock.GetUtcNow().UtcDateTime + options.Value.LeaseDuration;
        var held = db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running && j.LeaseOwner == workerId);
        if (await held.ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, leaseEnd), cancellationToken) != 1)
        {
            return LeaseState.Lost;
        }

        return await held.AnyAsync(j => j.CancelRequested, cancellationToken) ? LeaseState.CancelRequested : LeaseState.Held;
    }

    /// <summary>A worker that stops (shutdown) hands its running job back to the queue at once instead of letting the lease run out.</summary>
    public async Task<bool> ReleaseAsync(Guid jobId, string workerId, CancellationToken cancellationToken = default)
    {
        JobStateMachine.EnsureCanTransition(JobStatus.Running, JobStatus.Queued);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs
            .Where(j => j.Id == jobId && j.Status == JobStatus.Running && j.LeaseOwner == workerId)
            .ExecuteUpdateAsync(Unleased, cancellationToken) == 1;
    }

    // A Running job without a lease was left by a version that had none: it is as orphaned as an expired one.
    private static Task<int> RequeueExpiredAsync(DeepNetDbContext db, DateTime now, CancellationToken cancellationToken) =>
        db.Jobs
            .Where(j => j.Status == JobStatus.Running && (j.LeaseExpiresAt == null || j.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(Unleased, cancellationToken);

    private static void Unleased(Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Job> s) =>
        s.SetProperty(j => j.Status, JobStatus.Queued)
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null);
}
