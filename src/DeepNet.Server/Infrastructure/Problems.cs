using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The one factory of the API's RFC 7807 answers: every handler and service says what went wrong through these, so a
/// refusal reads the same on every route. Refusals never reveal what exists: what the caller may not read is "not found".
/// </summary>
public static class Problems
{
    /// <summary>The title of a 400 when the caller names none.</summary>
    public const string InvalidTitle = "Invalid request";

    /// <summary>404 that reads the same whether the resource is missing or someone else's: "Model 42 not found."</summary>
    public static ProblemHttpResult NotFound(string what, object id) =>
        Missing($"{what} not found", $"{what} {id} not found.");

    /// <summary>404 with its own words (an unknown link, a model without a thumbnail, a job without weights yet).</summary>
    public static ProblemHttpResult Missing(string title, string detail) =>
        Problem(StatusCodes.Status404NotFound, title, detail);

    /// <summary>
    /// 404 for a view drawn from training data the caller may not read (someone else's uploaded data set or image), saying
    /// so: the caller may read the job or model, so its existence is no secret.
    /// </summary>
    /// <param name="what">"Job 42's reconstructions image".</param>
    public static ProblemHttpResult Withheld(string what) => Missing(
        "Made from a private data set",
        $"{what} is made from a private data set (or uploaded image) that only its owner can read, so it is not shown to you.");

    /// <summary>401 for credentials that do not sign anyone in (a failed sign-in).</summary>
    public static ProblemHttpResult Unauthorized(string title, string detail) =>
        Problem(StatusCodes.Status401Unauthorized, title, detail);

    /// <summary>403 for a reader who tries to change what only the owner may change.</summary>
    public static ProblemHttpResult OwnerOnly(string what, object id, string action) => OnlyThe("owner", what, id, action);

    /// <summary>403 for someone who may see <paramref name="what"/> but not do <paramref name="action"/>: "Only the instructor of class 42 can …".</summary>
    public static ProblemHttpResult OnlyThe(string role, string what, object id, string action) => Problem(
        StatusCodes.Status403Forbidden,
        $"Only the {role} can do this",
        $"Only the {role} of {what.ToLowerInvariant()} {id} can {action}.");

    /// <summary>A 400 validation problem naming one field (e.g. "file", "classIds[1]").</summary>
    /// <param name="title">The problem's title; null keeps ASP.NET Core's generic one.</param>
    /// <param name="note">A sentence appended to the detail (e.g. "Nothing was stored.").</param>
    public static ValidationProblem Invalid(string field, string message, string? title = InvalidTitle, string? note = null) =>
        Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] }, title, note);

    /// <summary>A 400 validation problem naming every offending field; the detail lists them all ("field: message …").</summary>
    /// <param name="title">The problem's title; null keeps ASP.NET Core's generic one.</param>
    /// <param name="note">A sentence appended to the detail (e.g. "Nothing was stored.").</param>
    public static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors, string? title = InvalidTitle, string? note = null)
    {
        string detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
        return TypedResults.ValidationProblem(
            errors,
            detail: note is null ? detail : $"{detail} {note}",
            title: title);
    }

    /// <summary>A 400 that is about the request as a whole rather than one field.</summary>
    public static ProblemHttpResult BadRequest(string title, string detail) =>
        Problem(StatusCodes.Status400BadRequest, title, detail);

    /// <summary>409: the request is fine but the resource's state does not allow it now.</summary>
    public static ProblemHttpResult Conflict(string title, string detail) =>
        Problem(StatusCodes.Status409Conflict, title, detail);

    /// <summary>413 for an uploaded file over its limit, naming the field as a validation problem would.</summary>
    public static ProblemHttpResult TooLarge(string title, string detail, string field, string message) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: title,
        detail: detail,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });

    /// <summary>415 for a body of a content type the endpoint does not read.</summary>
    public static ProblemHttpResult UnsupportedMedia(string title, string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, title, detail);

    /// <summary>403 for a state-changing request that could have been forged by another site's page: "Cross-site request refused".</summary>
    public static ProblemHttpResult CrossSiteRefused(string detail) => Problem(StatusCodes.Status403Forbidden, "Cross-site request refused", detail);

    /// <summary>429 from the rate limiter (the caller sets Retry-After).</summary>
    public static ProblemHttpResult TooManyRequests(string detail) => Problem(StatusCodes.Status429TooManyRequests, "Too many requests", detail);

    /// <summary>503 while the server is saturated with a kind of work (e.g. image decodes).</summary>
    public static ProblemHttpResult Busy(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Server busy", detail);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
