using Microsoft.AspNetCore.Http.HttpResults;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Sharing;

/// <summary>The ProblemDetails of the sharing endpoints: refusals never reveal what exists.</summary>
public static class SharingProblems
{
    /// <summary>A 400 validation problem keyed by the JSON field (e.g. "name", "classIds[1]").</summary>
    public static ValidationProblem Invalid(string field, string message, string title = "Invalid request") =>
        Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] }, title);

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title = "Invalid request") =>
        TypedResults.ValidationProblem(
            errors,
            detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            title: title);

    /// <summary>Unknown and unreadable models get the same answer (GET /api/models/{id}'s).</summary>
    public static ProblemHttpResult ModelNotFound(Guid id) => AccessProblems.NotFound("Model", id);

    /// <summary>Unknown classes and classes the caller is not in get the same answer.</summary>
    public static ProblemHttpResult ClassNotFound(Guid id) => AccessProblems.NotFound("Class", id);

    /// <summary>403 for a member who tries what only the class's instructor may do.</summary>
    public static ProblemHttpResult InstructorOnly(Guid classId, string action) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Only the instructor can do this",
        detail: $"Only the instructor of class {classId} can {action}.");

    public static ProblemHttpResult BadRequest(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: title,
        detail: detail);
}
