using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>The filters and page of <c>GET /api/jobs</c>, validated.</summary>
/// <param name="Kind">Only jobs of this kind.</param>
/// <param name="Status">Only jobs in this state.</param>
/// <param name="Experiment">Only the rows of this table experiment of the caller.</param>
/// <param name="Text">Only jobs whose name contains this (case-insensitive).</param>
/// <param name="Page">1-based page.</param>
/// <param name="PageSize">Jobs per page.</param>
public sealed record JobListQuery(string? Kind, JobStatus? Status, Guid? Experiment, string? Text, int Page, int PageSize)
{
    public const int MaxTextLength = 200;

    /// <summary>The query, or the fields that are wrong (each named, with what is allowed).</summary>
    public static Outcome<JobListQuery> Parse(
        string? kind, string? status, Guid? experiment, string? q, int? page, int? pageSize, IReadOnlyCollection<string> kinds)
    {
        var errors = PageRequest.Errors(page, pageSize);
        string? resolvedKind = string.IsNullOrWhiteSpace(kind) ? null : kind.Trim().ToLowerInvariant();
        if (resolvedKind is not null && !kinds.Contains(resolvedKind))
        {
            errors["kind"] = [$"'{kind}' is not a job kind; use {string.Join(", ", kinds)}."];
        }

        JobStatus? resolvedStatus = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<JobStatus>(status.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(status.Trim()[0]))
            {
                resolvedStatus = parsed;
            }
            else
            {
                errors["status"] = [$"'{status}' is not a job status; use {string.Join(", ", Enum.GetNames<JobStatus>())}."];
            }
        }

        string? text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (text is { Length: > MaxTextLength })
        {
            errors["q"] = [$"must be at most {MaxTextLength} characters."];
        }

        return errors.Count > 0
            ? (Outcome<JobListQuery>)Problems.Invalid(errors, "Invalid job list query")
            : new JobListQuery(resolvedKind, resolvedStatus, experiment, text, page ?? 1, pageSize ?? PageRequest.DefaultPageSize);
    }
}

/// <summary>One page of the job list.</summary>
/// <param name="Items">The jobs on the page, newest first.</param>
/// <param name="Total">Jobs matching the filters on all pages.</param>
public sealed record JobListPage(IReadOnlyList<Contracts.JobSummaryDto> Items, int Total);
