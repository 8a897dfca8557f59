using Microsoft.AspNetCore.Http.HttpResults;
using DeepNet.Server.Infrastructure;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>
/// What every way of submitting jobs (the jobs API, forks, experiment tables) checks before it stores them: each
/// validated draft against the per-job <see cref="JobBudget"/>, and the owner's queue against
/// <see cref="JobBudgetOptions.MaxQueuedPerUser"/>.
/// </summary>
public sealed class JobAdmission(JobBudget budget, JobStore store, IOptions<JobBudgetOptions> options)
{
    /// <summary>Errors by field for a draft over the per-job budget (400); empty when it fits.</summary>
    public Dictionary<string, string[]> OverBudget(JobDraft draft) =>
        draft.Estimate is { } estimate ? budget.Check(estimate) : [];

    /// <summary>The 409 for an owner whose queue cannot take <paramref name="adding"/> more jobs; null when it can.</summary>
    public async Task<ProblemHttpResult?> QueueFullAsync(string ownerId, int adding, CancellationToken cancellationToken)
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
