using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Compare;

/// <summary>Compare runs: 2–8 jobs the caller may read, side by side.</summary>
public static class CompareApi
{
    public static IEndpointRouteBuilder MapCompareApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compare", Compare)
            .WithTags("Compare")
            .WithName("CompareRuns")
            .WithSummary("2–8 runs the caller may read, with only the settings that differ")
            .WithDescription(
                "jobs: 2 to 8 distinct job ids separated by commas (the browser's #/compare?jobs=… URL carries the same list). Each run is " +
                "shown as GET /api/jobs/{id} shows it to the caller (views drawn from someone else's private data stay withheld); " +
                "differences lists only the settings (kind, data and the kind's options, as paths like rbm.hiddenUnits) whose values are " +
                "not the same in every run. A run the caller may not read refuses the whole comparison with 404, as GET /api/jobs/{id} does.")
            .Produces<ComparisonDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>2–8 readable runs and the settings that differ between them.</summary>
    /// <param name="jobs">Job ids separated by commas.</param>
    public static async Task<Results<Ok<ComparisonDto>, ValidationProblem, ProblemHttpResult>> Compare(
        [FromQuery] string? jobs, RunComparison comparison, HttpContext http, CancellationToken cancellationToken) =>
        (await comparison.CompareAsync(jobs, http.User.UserIdOrNull(), cancellationToken)).Map(TypedResults.Ok);
}
