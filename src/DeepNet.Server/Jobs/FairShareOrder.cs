namespace DeepNet.Server.Jobs;

/// <summary>
/// The order in which queued jobs start: round-robin across their owners, each owner's jobs by submission time. Owners
/// take turns in the order they were last served (never served first), so a student who queues fifty jobs waits one
/// turn per job while a classmate's single job starts next.
/// </summary>
public static class FairShareOrder
{
    /// <summary>A queued job as the scheduler sees it.</summary>
    public sealed record QueuedJob(Guid Id, string OwnerId, DateTime CreatedAt);

    /// <summary>
    /// Every job of <paramref name="queued"/> in the order it would start if nothing else were submitted.
    /// </summary>
    /// <param name="queued">The queued jobs, in any order.</param>
    /// <param name="lastStartByOwner">When each owner's most recent job started; owners missing from it were never served.</param>
    public static IReadOnlyList<QueuedJob> Order(IEnumerable<QueuedJob> queued, IReadOnlyDictionary<string, DateTime> lastStartByOwner)
    {
        var turns = queued
            .GroupBy(j => j.OwnerId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).ToList())
            .OrderBy(jobs => lastStartByOwner.TryGetValue(jobs[0].OwnerId, out var last) ? last : DateTime.MinValue)
            .ThenBy(jobs => jobs[0].CreatedAt)
            .ThenBy(jobs => jobs[0].OwnerId, StringComparer.Ordinal)
            .ToList();

        // Serving an owner moves them to the back, so every later round keeps the first round's owner order.
        var order = new List<QueuedJob>(turns.Sum(t => t.Count));
        for (int round = 0; order.Count < order.Capacity; round++)
        {
            foreach (var jobs in turns)
            {
                if (round < jobs.Count)
                {
                    order.Add(jobs[round]);
                }
            }
        }

        return order;
    }
}
