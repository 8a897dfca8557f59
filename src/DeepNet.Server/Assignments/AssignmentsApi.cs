using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepNet.Server.Assignments;

/// <summary>
/// Assignments (issue 15, points 1 and 2): the class's instructor publishes them; members start runs from the template
/// (fixed settings enforced) and submit one; the class view shows every submission side by side.
/// </summary>
public static class AssignmentsApi
{
    public static IEndpointRouteBuilder MapAssignmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/assignment-templates", (AssignmentTemplates templates) => TypedResults.Ok(templates.All))
            .WithTags("Assignments")
            .WithName("ListAssignmentTemplates")
            .WithSummary("The built-in assignments: homework 1 and 2, a row of the MNIST table, a row of Bengio et al. 2007");

        var classes = app.MapGroup("/api/classes/{classId:guid}/assignments").WithTags("Assignments");
        classes.MapPost("/", Create)
            .WithName("CreateAssignment")
            .WithSummary("Publish an assignment to a class (its instructor only)")
            .WithDescription("Body: title, instructions (Markdown, at most 16,000 characters), template (a key of GET /api/assignment-templates) or job, editableFields (setting paths students may change; every other setting is fixed), metrics, dueAt (UTC), classCanView.")
            .Produces<AssignmentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        classes.MapGet("/", List)
            .WithName("ListAssignments")
            .WithSummary("A class's assignments by due date (members only)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var api = app.MapGroup("/api/assignments/{id:guid}").WithTags("Assignments");
        api.MapGet("/", Get)
            .WithName("GetAssignment")
            .WithSummary("One assignment, with the caller's own submission and the instructor's comment on it (members only)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/", Update)
            .WithName("UpdateAssignment")
            .WithSummary("Replace an assignment's settings (the instructor only)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/", Delete)
            .WithName("DeleteAssignment")
            .WithSummary("Delete an assignment and its submissions (the instructor only)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/runs", StartRun)
            .WithName("StartAssignmentRun")
            .WithSummary("Start a run from the assignment's job template (members)")
            .WithDescription("Body: a job body as POST /api/jobs takes it, with only the settings to change; settings left out take the template's. A fixed setting that differs from the template is refused with 400 naming it.")
            .Produces<JobDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/runs", Runs)
            .WithName("ListAssignmentRuns")
            .WithSummary("The caller's runs started from the assignment, newest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/submission", Submit)
            .WithName("SubmitAssignment")
            .WithSummary("Submit one of the caller's succeeded runs from the assignment; resubmitting replaces it; after the due date it is marked late")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/class-view", ClassView)
            .WithName("GetAssignmentClassView")
            .WithSummary("Every submission side by side: metrics, per-class errors, learning curves (the instructor; the class once opened to it)")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/class-view.csv", ClassViewCsv)
            .WithName("ExportAssignmentClassView")
            .WithSummary("The class view as a CSV attachment (cells that would start a formula are escaped)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/submissions/{userId}/images/{kind}", SubmissionImage)
            .WithName("GetSubmissionImage")
            .WithSummary("An image of a submitted run, for whoever may open the class view and for its author")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/submissions/{userId}/comment", Comment)
            .WithName("CommentOnSubmission")
            .WithSummary("The instructor's comment on a submission, shown to its author only (the instructor only; empty text removes it)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Publishes an assignment to a class.</summary>
    public static async Task<Results<Created<AssignmentDto>, ValidationProblem, ProblemHttpResult>> Create(
        Guid classId, AssignmentRequest? request, AssignmentBook book, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await book.CreateAsync(classId, request, user.UserId(), cancellationToken)).Map(dto => TypedResults.Created($"/api/assignments/{dto.Id}", dto));

    /// <summary>A class's assignments.</summary>
    public static async Task<Results<Ok<List<AssignmentDto>>, ValidationProblem, ProblemHttpResult>> List(
        Guid classId, AssignmentBook book, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await book.ListAsync(classId, user.UserId(), cancellationToken)).Map(TypedResults.Ok);

    /// <summary>One assignment.</summary>
    public static async Task<Results<Ok<AssignmentDto>, ValidationProblem, ProblemHttpResult>> Get(
        Guid id, AssignmentBook book, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await book.GetAsync(id, user.UserId(), cancellationToken)).Map(TypedResults.Ok);

    /// <summary>Replaces an assignment's settings.</summary>
    public static async Task<Results<Ok<AssignmentDto>, ValidationProblem, ProblemHttpResult>> Update(
        Guid id, AssignmentRequest? request, AssignmentBook book, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await book.UpdateAsync(id, request, user.UserId(), cancellationToken)).Map(TypedResults.Ok);

    /// <summary>Deletes an assignment.</summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Delete(
        Guid id, AssignmentBook book, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await book.DeleteAsync(id, user.UserId(), cancellationToken)).Map(_ => TypedResults.NoContent());

    /// <summary>Starts a run from the template: the job goes through POST /api/jobs' validation, budget and quota like any other.</summary>
    public static async Task<Results<Accepted<JobDto>, ValidationProblem, ProblemHttpResult>> StartRun(
        Guid id,
        JsonObject? body,
        AssignmentSubmissions submissions,
        JobStore store,
        JobQueue queue,
        JobAdmission admission,
        DeepNetDbContext db,
        ModelKindRegistry kinds,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        string userId = http.User.UserId();
        var request = await submissions.RunRequestAsync(id, body, userId, cancellationToken);
        if (request.Value is not { } job)
        {
            return request.Invalid is { } invalid ? invalid : request.Refused!;
        }

        var started = await JobsApi.CreateJob(job, store, queue, admission, db, kinds, http, cancellationToken);
        if (started.Result is Accepted<JobDto> { Value: { } accepted })
        {
            await submissions.RecordRunAsync(id, accepted.Id, userId, cancellationToken);
        }

        return started;
    }

    /// <summary>The caller's runs from the assignment.</summary>
    public static async Task<Results<Ok<List<AssignmentRunDto>>, ValidationProblem, ProblemHttpResult>> Runs(
        Guid id, AssignmentSubmissions submissions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await submissions.RunsAsync(id, user.UserId(), cancellationToken)).Map(TypedResults.Ok);

    /// <summary>Submits a run (replacing an earlier submission).</summary>
    public static async Task<Results<Ok<AssignmentDto>, ValidationProblem, ProblemHttpResult>> Submit(
        Guid id, SubmitRequest? request, AssignmentSubmissions submissions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await submissions.SubmitAsync(id, request, user.UserId(), cancellationToken)).Map(TypedResults.Ok);

    /// <summary>Every submission side by side.</summary>
    public static async Task<Results<Ok<ClassViewDto>, ValidationProblem, ProblemHttpResult>> ClassView(
        Guid id, AssignmentClassView view, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await view.ViewAsync(id, user.UserId(), cancellationToken)).Map(TypedResults.Ok);

    /// <summary>The class view as a CSV attachment.</summary>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> ClassViewCsv(
        Guid id, AssignmentClassView view, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await view.CsvAsync(id, user.UserId(), cancellationToken))
            .Map(csv => TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"assignment-{id}.csv"));

    /// <summary>An image of a submitted run.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> SubmissionImage(
        Guid id,
        string userId,
        string kind,
        AssignmentClassView view,
        JobStore store,
        JobLiveFeed feed,
        ModelKindRegistry kinds,
        TrainingDataAccess trainingData,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var job = await view.SubmissionJobAsync(id, userId, user.UserId(), cancellationToken);
        return job.Refused is { } refused
            ? refused
            : await JobsApi.ServeImageAsync(job.Value, kind, store, feed, kinds, trainingData, user, cancellationToken);
    }

    /// <summary>Sets the instructor's comment on a submission.</summary>
    public static async Task<Results<Ok<SubmissionDto>, ValidationProblem, ProblemHttpResult>> Comment(
        Guid id, string userId, CommentRequest? request, AssignmentSubmissions submissions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (await submissions.CommentAsync(id, userId, request, user.UserId(), cancellationToken)).Map(TypedResults.Ok);
}
