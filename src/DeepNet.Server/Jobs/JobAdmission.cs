using Microsoft.AspNetCore.Http.HttpResults;
using DeepNet.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>
/// What every way of submitting jobs (the jobs API, forks, experiment tables) checks before it stores them: each
/// validated draft against the per-job <see cref="JobBudget"/>, then the owner's queue against
/// <see cref="JobBudgetOptions.MaxQueuedPerUser"/> and their <see cref="StorageQuota"/> against what the drafts will store.
/// </summary>
public sealed class JobAdmission(JobBudget budget, JobStore store, StorageQuota storage, IOptions<JobBudgetOptions> options)
{
    /// <summary>Errors by field for a draft over the per-job budget (400); empty when it fits.</summary>
    public Dictionary<string, string[]> OverBudget(JobDraft draft) =>
        draft.Estimate is { } estimate ? budget.Check(estimate) : [];

    /// <summary>
    /// The 409 for an owner whose queue cannot take <paramref name="drafts"/>, or whose storage quota cannot take what
    /// they are estimated to store; null when both can.
    /// </summary>
    public async Task<ProblemHttpResult?> RefuseAsync(string ownerId, IReadOnlyCollection<JobDraft> drafts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (await QueueFullAsync(ownerId, drafts.Count, cancellationToken) is { } queueFull)
        {
            return queueFull;
        }

        long storing = drafts.Sum(d => d.Estimate?.StorageBytes ?? 0);
        string what = drafts.Count == 1 ? "this job's model and checkpoint" : $"the models and checkpoints of these {drafts.Count} jobs";
        return await storage.RefuseAsync(ownerId, storing, what, cancellationToken);
    }

    private async Task<ProblemHttpResult?> QueueFullAsync(string ownerId, int adding, CancellationToken cancellationToken)
    {
        int limit = options.Value.MaxQueuedPerUser;
        int queued = await store.CountQueuedAsync(ownerId, cancellationToken);
        if (queued + adding <= limit)
        {
            return null;
        }

        string asked = adding == 1 ? "another job" : $"{adding} more jobs";
        return Problems.Conflict(
            "Queue limit reached",
            $"You have {queued} queued job{(queued == 1 ? "" : "s")} and the limit is {limit} per user, so {asked} cannot be queued. " +
                "Wait for one to start or cancel one.");
    }
}
