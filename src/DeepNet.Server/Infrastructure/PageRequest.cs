namespace DeepNet.Server.Infrastructure;

/// <summary>The page and pageSize of a paged list request, validated (<see cref="Paging"/> writes the answer's headers).</summary>
/// <param name="Page">1-based page.</param>
/// <param name="PageSize">Items per page.</param>
public sealed record PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Items before the page.</summary>
    public int Skip => (Page - 1) * PageSize;

    /// <summary>The page, or the fields that are out of range.</summary>
    public static Outcome<PageRequest> Parse(int? page, int? pageSize)
    {
        var errors = Errors(page, pageSize);
        return errors.Count > 0
            ? Problems.Invalid(errors, "Invalid page")
            : new PageRequest(page ?? 1, pageSize ?? DefaultPageSize);
    }

    /// <summary>What is wrong with page and pageSize, by field (empty when nothing is).</summary>
    public static Dictionary<string, string[]> Errors(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (page is < 1)
        {
            errors["page"] = ["must be 1 or more."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"must be between 1 and {MaxPageSize}."];
        }

        return errors;
    }
}
