using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Runs one job to its end on the calling (dedicated) thread through its <see cref="IModelKind"/>. A cancel request ends it Canceled; application shutdown leaves it Running with its
/// checkpoint so the next start resumes it.
/// </summary>
public sealed class JobRunner(
    JobStore store,
    JobLiveFeed feed,
    ModelKindRegistry kinds,
    JobBudget budget,
    ILogger<JobRunner> logger)
{
    public void Run(Guid jobId, CancellationToken cancel, CancellationToken stopping)
    {
        var job = Wait(store.FindAsync(jobId));
        if (job is null || job.Status != JobStatus.Queued)
        {
            return;
        }

        if (!Wait(store.TryTransitionAsync(jobId, JobStatus.Queued, JobStatus.Running)))
        {
            return;
        }

        PublishStatus(jobId);
        using var timeCap = new CancellationTokenSource(budget.MaxRunTime);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, stopping, timeCap.Token);
        try
        {
            var kind = kinds.Find(job.Kind) ?? throw new InvalidOperationException($"Job kind '{job.Kind}' is not registered on this server.");
            kind.Run(job, linked.Token);

            logger.LogInformation("Job {JobId} succeeded.", jobId);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Canceled));
            logger.LogInformation("Job {JobId} was canceled.", jobId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Not a user cancel: the job stays Running with its last checkpoint and resumes on the next start.
            logger.LogInformation("Job {JobId} interrupted by shutdown; it resumes from its last checkpoint on the next start.", jobId);
            return;
        }
        catch (OperationCanceledException) when (timeCap.IsCancellationRequested)
        {
            string reason = $"Stopped after the maximum run time of {JobBudget.Duration(budget.MaxRunTime)} (the server's Jobs:MaxRunTime).";
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Failed, reason));
            logger.LogWarning("Job {JobId} reached the maximum run time.", jobId);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {JobId} failed.", jobId);
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Failed, ex.Message));
        }

        PublishStatus(jobId);
    }

    private void PublishStatus(Guid jobId)
    {
        var dto = Wait(store.GetAsync(jobId));
        if (dto is not null)
        {
            feed.PublishStatus(dto);
        }
    }

    // The job owns a dedicated thread; blocking it on short database calls keeps training on that thread.
    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
