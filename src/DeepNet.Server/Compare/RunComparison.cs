using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Compare;

/// <summary>
/// Compares 2–8 runs the viewer may read. A run the viewer may not read (or that does not exist) refuses the whole
/// comparison with the same 404 as <c>GET /api/jobs/{id}</c>, so a shared comparison URL shows nothing to someone who may
/// not read every one of its runs; views drawn from private training data stay withheld (<see cref="TrainingDataAccess"/>).
/// </summary>
public sealed class RunComparison(DeepNetDbContext db, JobStore store, TrainingDataAccess trainingData)
{
    public const int MinRuns = 2;
    public const int MaxRuns = 8;

    /// <summary>The longest accepted jobs parameter: 8 GUIDs with separators, with room to spare.</summary>
    public const int MaxJobsParameterLength = 400;

    public async Task<Outcome<ComparisonDto>> CompareAsync(string? jobs, string? viewerId, CancellationToken cancellationToken)
    {
        var ids = ParseIds(jobs);
        if (ids.Value is not { } runIds)
        {
            return ids.Problem<ComparisonDto>();
        }

        var runs = new List<JobDto>(runIds.Length);
        foreach (Guid id in runIds)
        {
            if (await db.ReadableJobOwnerAsync(id, cancellationToken) is null || await store.GetAsync(id, cancellationToken) is not { } job)
            {
                return Problems.NotFound("Job", id);
            }

            runs.Add(await JobsApi.ForViewerAsync(job, trainingData, viewerId, cancellationToken));
        }

        return new ComparisonDto(runs, SettingDifferences.Of(runs));
    }

    /// <summary>"a,b,c": 2..8 distinct job ids separated by commas.</summary>
    public static Outcome<Guid[]> ParseIds(string? jobs)
    {
        const string Field = "jobs";
        if (string.IsNullOrWhiteSpace(jobs))
        {
            return Problems.Invalid(Field, $"is required: {MinRuns} to {MaxRuns} job ids separated by commas.");
        }

        if (jobs.Length > MaxJobsParameterLength)
        {
            return Problems.Invalid(Field, $"is {jobs.Length} characters long; {MaxRuns} job ids need at most {MaxJobsParameterLength}.");
        }

        var parts = jobs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var ids = new List<Guid>(parts.Length);
        for (int i = 0; i < parts.Length; i++)
        {
            if (!Guid.TryParse(parts[i], out Guid id))
            {
                return Problems.Invalid($"{Field}[{i}]", $"'{Excerpt(parts[i])}' is not a job id.");
            }

            if (ids.Contains(id))
            {
                return Problems.Invalid($"{Field}[{i}]", $"repeats job {id}: compare different runs.");
            }

            ids.Add(id);
        }

        if (ids.Count is < MinRuns or > MaxRuns)
        {
            return Problems.Invalid(Field, $"names {ids.Count} runs; compare {MinRuns} to {MaxRuns}.");
        }

        return ids.ToArray();
    }

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
