using Microsoft.AspNetCore.WebUtilities;

namespace DeepNet.Server.Infrastructure;

/// <summary>The headers of a paged list: X-Total-Count and an RFC 8288 Link to the next and previous pages.</summary>
public static class Paging
{
    public const string TotalCountHeader = "X-Total-Count";

    /// <param name="request">The list request; its query string is kept with the page replaced.</param>
    /// <param name="page">1-based page answered.</param>
    /// <param name="pageSize">Items per page.</param>
    /// <param name="total">Items on all pages.</param>
    public static Dictionary<string, string> Headers(HttpRequest request, int page, int pageSize, int total)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { [TotalCountHeader] = total.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var links = new List<string>();
        if ((long)page * pageSize < total)
        {
            links.Add($"<{PageUrl(request, page + 1)}>; rel=\"next\"");
        }

        if (page > 1)
        {
            links.Add($"<{PageUrl(request, page - 1)}>; rel=\"prev\"");
        }

        if (links.Count > 0)
        {
            headers["Link"] = string.Join(", ", links);
        }

        return headers;
    }

    private static string PageUrl(HttpRequest request, int page)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(p => !string.Equals(p.Key, "page", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new("page", page.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString(request.Path, query);
    }
}
