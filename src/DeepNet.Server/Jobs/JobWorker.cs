using DeepNet.Numerics;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Jobs;

/// <summary>
/// The one background service that runs jobs: oldest queued first, one at a time, each on its own long-running
/// thread with its own DI scope. A failing job never stops the loop.
/// </summary>
public sealed class JobWorker(
    IServiceScopeFactory scopes,
    JobQueue queue,
    JobStore store,
    RunningJobRegistry registry,
    MemoryReturn memory,
    ILogger<JobWorker> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("GEMM backend: {Backend}.", Gemm.Backend);
        int requeued = await store.RequeueInterruptedAsync(cancellationToken);
        if (requeued > 0)
        {
            logger.LogInformation("{Count} interrupted job(s) queued again; they resume from their checkpoints.", requeued);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await store.NextQueuedAsync(stoppingToken) is { } jobId)
                {
                    await RunAsync(jobId, stoppingToken);
                }
                else
                {
                    await queue.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The job loop hit an error; retrying shortly.");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        using var cancellation = new CancellationTokenSource();
        registry.Register(jobId, cancellation);
        try
        {
            await Task.Factory.StartNew(
                () =>
                {
                    using var scope = scopes.CreateScope();
                    scope.ServiceProvider.GetRequiredService<JobRunner>().Run(jobId, cancellation.Token, stoppingToken);
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
            registry.Unregister(jobId);
            // The job's data, parameters and checkpoint buffers are garbage now; hand them back once the server is quiet.
            memory.Request();
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
