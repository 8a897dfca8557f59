using DeepNet.Server.Persistence;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Runs one claimed job (see <see cref="JobClaims"/>) to its end on the calling (dedicated) thread through its
/// <see cref="IModelKind"/>. A cancel request ends it Canceled; application shutdown hands it back to the queue with its
/// checkpoint so the next worker resumes it; a lost lease stops it without a write (another worker runs it now). A job whose owner may no longer read what it starts from (the model it was
/// forked from, the data it trains on) fails with that reason — checked when it starts and every
/// <see cref="JobBudgetOptions.SourceCheckInterval"/> while it runs.
/// </summary>
public sealed class JobRunner(
    JobStore store,
    JobClaims claims,
    JobLiveFeed feed,
    ModelKindRegistry kinds,
    JobBudget budget,
    TrainingDataAccess trainingData,
    IOptions<JobBudgetOptions> options,
    ILogger<JobRunner> logger)
{
    /// <param name="jobId">A job <paramref name="workerId"/> has claimed.</param>
    /// <param name="workerId">The lease the job runs under.</param>
    /// <param name="cancel">The owner's cancel request (made here, or seen by the heartbeat).</param>
    /// <param name="stopping">This process stops.</param>
    /// <param name="leaseLost">The heartbeat found the job taken over by another worker.</param>
    public void Run(Guid jobId, string workerId, CancellationToken cancel, CancellationToken stopping, CancellationToken leaseLost)
    {
        var job = Wait(store.FindAsync(jobId));
        if (job is null || job.Status != JobStatus.Running || job.LeaseOwner != workerId)
        {
            return;
        }

        PublishStatus(jobId);
        using var timeCap = new CancellationTokenSource(budget.MaxRunTime);
        using var sourceLost = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource([cancel, stopping, leaseLost, timeCap.Token, sourceLost.Token]);
        string? lostReason = null;
        Task? watch = null;
        try
        {
            var kind = kinds.Find(job.Kind) ?? throw new InvalidOperationException($"Job kind '{job.Kind}' is not registered on this server.");
            lostReason = Wait(trainingData.UnreadableSourceAsync(job, linked.Token));
            if (lostReason is not null)
            {
                sourceLost.Cancel();
                linked.Token.ThrowIfCancellationRequested();
            }

            if (job.CancelRequested)
            {
                throw new OperationCanceledException(cancel);
            }

            watch = WatchSourcesAsync(job, reason => lostReason = reason, sourceLost, linked.Token);
            kind.Run(job, linked.Token);

            logger.LogInformation("Job {JobId} succeeded.", jobId);
        }
        catch (Exception ex) when (leaseLost.IsCancellationRequested || ex is LeaseLostException)
        {
            logger.LogWarning("Job {JobId}: worker {WorkerId} lost its lease; another worker runs the job now, this one stops without writing.", jobId, workerId);
            return;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested || job.CancelRequested)
        {
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Canceled));
            logger.LogInformation("Job {JobId} was canceled.", jobId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Not a user cancel: the job goes back to the queue with its last checkpoint, for the next worker to resume.
            Wait(claims.ReleaseAsync(jobId, workerId));
            logger.LogInformation("Job {JobId} interrupted by shutdown; queued again, it resumes from its last checkpoint.", jobId);
            return;
        }
        catch (OperationCanceledException) when (timeCap.IsCancellationRequested)
        {
            string reason = $"Stopped after the maximum run time of {JobBudget.Duration(budget.MaxRunTime)} (the server's Jobs:MaxRunTime).";
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Failed, reason));
            logger.LogWarning("Job {JobId} reached the maximum run time.", jobId);
        }
        catch (OperationCanceledException) when (sourceLost.IsCancellationRequested)
        {
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Failed, lostReason));
            logger.LogWarning("Job {JobId} stopped: {Reason}", jobId, lostReason);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {JobId} failed.", jobId);
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Failed, ex.Message));
        }

        finally
        {
            // Ends the watch (the linked token is canceled once the job is over) before the sources it uses are disposed.
            linked.Cancel();
            watch?.Wait(TimeSpan.FromSeconds(10));
        }

        PublishStatus(jobId);
    }

    /// <summary>Every <see cref="JobBudgetOptions.SourceCheckInterval"/> until <paramref name="running"/> ends: cancels <paramref name="lost"/> with the reason once a source is unreadable.</summary>
    private Task WatchSourcesAsync(Job job, Action<string> setReason, CancellationTokenSource lost, CancellationToken running) => Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(options.Value.SourceCheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(running))
            {
                if (await trainingData.UnreadableSourceAsync(job, running) is { } reason)
                {
                    setReason(reason);
                    lost.Cancel();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Job {JobId}: checking that its sources are still readable failed; it goes on.", job.Id);
        }
    });

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
