using DeepNet.Numerics;
using DeepNet.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>
/// The background service that runs jobs: <see cref="JobWorkerOptions.Workers"/> runner slots (none on a web node that
/// leaves jobs to worker processes), each claiming the next job from the shared database (<see cref="JobClaims"/>) and
/// running it on its own long-running thread with its own DI scope, while a heartbeat renews the job's lease. A failing
/// job never stops the loop.
/// </summary>
public sealed class JobWorker(
    IServiceScopeFactory scopes,
    JobQueue queue,
    JobClaims claims,
    JobStore store,
    RunningJobRegistry registry,
    MemoryReturn memory,
    IOptions<JobWorkerOptions> options,
    ILogger<JobWorker> logger) : BackgroundService
{
    private JobWorkerOptions Settings => options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Settings.Workers == 0)
        {
            logger.LogInformation("Jobs:Workers is 0: this process runs no jobs; worker processes (deepnet worker) run them.");
            return Task.CompletedTask;
        }

        logger.LogInformation("GEMM backend: {Backend}. Running up to {Workers} job(s) at a time.", Gemm.Backend, Settings.Workers);
        return Task.WhenAll(Enumerable.Range(0, Settings.Workers).Select(slot => Task.Run(() => SlotAsync(slot, stoppingToken), CancellationToken.None)));
    }

    private async Task SlotAsync(int slot, CancellationToken stoppingToken)
    {
        string workerId = JobClaims.NewWorkerId(slot);
        logger.LogInformation("Worker {WorkerId} started.", workerId);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await claims.ClaimNextAsync(workerId, stoppingToken) is { } jobId)
                {
                    logger.LogInformation("Worker {WorkerId} claimed job {JobId}.", workerId, jobId);
                    // Another idle slot of this process may take the next queued job without waiting for its poll.
                    queue.Notify(jobId);
                    await RunAsync(jobId, workerId, stoppingToken);
                }
                else
                {
                    // Submissions on this node wake the slot at once; those on other nodes and expired leases are found by polling.
                    await queue.WaitAsync(Settings.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The job loop of worker {WorkerId} hit an error; retrying shortly.", workerId);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RunAsync(Guid jobId, string workerId, CancellationToken stoppingToken)
    {
        using var cancellation = new CancellationTokenSource();
        using var leaseLost = new CancellationTokenSource();
        using var finished = new CancellationTokenSource();
        registry.Register(jobId, cancellation, workerId);
        var heartbeat = HeartbeatAsync(jobId, workerId, cancellation, leaseLost, finished.Token);
        try
        {
            await Task.Factory.StartNew(
                () =>
                {
                    using var scope = scopes.CreateScope();
                    scope.ServiceProvider.GetRequiredService<JobRunner>().Run(jobId, workerId, cancellation.Token, stoppingToken, leaseLost.Token);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }
        catch (Exception ex)
        {
            // JobRunner handles training failures; this is a failure around it (e.g. the database).
            logger.LogError(ex, "Running job {JobId} failed outside training.", jobId);
            await MarkFailedAsync(jobId, ex.Message);
        }
        finally
        {
            await finished.CancelAsync();
            await heartbeat;
            registry.Unregister(jobId, cancellation);
            // The job's data, parameters and checkpoint buffers are garbage now; hand them back once the server is quiet.
            memory.Request();
        }
    }

    /// <summary>
    /// Every <see cref="JobWorkerOptions.HeartbeatInterval"/> until the run ends: renews the lease, trips
    /// <paramref name="cancel"/> when the owner asked to cancel on any node, and <paramref name="lost"/> when the job is no
    /// longer this worker's — or when no renewal got through for a whole lease, since another worker may have it by then.
    /// </summary>
    private async Task HeartbeatAsync(Guid jobId, string workerId, CancellationTokenSource cancel, CancellationTokenSource lost, CancellationToken finished)
    {
        using var timer = new PeriodicTimer(Settings.HeartbeatInterval);
        var lastRenewal = DateTime.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(finished))
            {
                try
                {
                    switch (await claims.RenewAsync(jobId, workerId, finished))
                    {
                        case LeaseState.Lost:
                            await lost.CancelAsync();
                            return;
                        case LeaseState.CancelRequested:
                            await cancel.CancelAsync();
                            break;
                    }

                    lastRenewal = DateTime.UtcNow;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Job {JobId}: worker {WorkerId} could not renew its lease.", jobId, workerId);
                    if (DateTime.UtcNow - lastRenewal > Settings.LeaseDuration)
                    {
                        await lost.CancelAsync();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (finished.IsCancellationRequested)
        {
        }
    }

    private async Task MarkFailedAsync(Guid jobId, string error)
    {
        try
        {
            var status = await store.GetStatusAsync(jobId);
            if (status is { } s && JobStateMachine.CanTransition(s, Persistence.JobStatus.Failed))
            {
                await store.TryTransitionAsync(jobId, s, Persistence.JobStatus.Failed, error);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not mark job {JobId} failed.", jobId);
        }
    }
}
