using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>The one place that says which job status changes are legal.</summary>
public static class JobStateMachine
{
    /// <summary>
    /// Queued → Running | Canceled | Failed; Running → Succeeded | Failed | Canceled, and Running → Queued when its
    /// worker stopped or its lease expired (it resumes from its checkpoint).
    /// </summary>
    public static bool CanTransition(JobStatus from, JobStatus to) => (from, to) switch
    {
        (JobStatus.Queued, JobStatus.Running) => true,
        (JobStatus.Queued, JobStatus.Canceled) => true,
        (JobStatus.Queued, JobStatus.Failed) => true,
        (JobStatus.Running, JobStatus.Succeeded) => true,
        (JobStatus.Running, JobStatus.Failed) => true,
        (JobStatus.Running, JobStatus.Canceled) => true,
        (JobStatus.Running, JobStatus.Queued) => true,
        _ => false,
    };

    public static bool IsFinished(JobStatus status) =>
        status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;

    public static void EnsureCanTransition(JobStatus from, JobStatus to)
    {
        if (!CanTransition(from, to))
        {
            throw new InvalidOperationException($"A job cannot go from {from} to {to}.");
        }
    }
}
