using System.Security.Claims;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Jobs;

public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/jobs").WithTags("Jobs");

        api.MapPost("/", CreateJob)
            .RequireRateLimiting(RateLimits.Submit)
            .WithName("CreateJob")
            .WithSummary("Queue a training job")
            .WithDescription("Queues a training job. kind 'rbm' (default; MNIST or an uploaded data set), 'rbm-patches' (a Gaussian RBM on patches of an image, with 'patches'; optional 'evaluation' ais/perClass runs after training), 'dbn' (a deep belief network, with 'dbn': layers, pre-training rbm|autoEncoder|supervised|none, fine-tuning global|classifierOnTop|none) or 'cnn' (a convolutional network, with 'cnn': a preset or a layer list whose shapes are checked before queueing). Jobs are refused with 400 when the kind's estimate of their memory, model/checkpoint size or run time is over the server's per-job budget (the error names the field and says the estimate and the limit), and with 409 when the caller already has the maximum number of queued jobs or the job's estimated model and checkpoint would pass their storage quota. Queued jobs start round-robin across users. Returns 202 with the job (its queue position and estimated start) and its Location.")
            .Accepts<CreateJobRequest>("application/json")
            .Produces<JobDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapGet("/", ListJobs)
            .WithName("ListJobs")
            .WithSummary("List the caller's jobs, newest first, one page at a time")
            .WithDescription("Summaries without the per-epoch history (GET /api/jobs/{id} has it). Filters: kind (rbm | rbm-patches | dbn | cnn), status (Queued | Running | Succeeded | Failed | Canceled), experiment (an experiment id of the caller; 404 otherwise), q (text in the name, at most 200 characters). Paging: page (1-based, default 1) and pageSize (1..200, default 50); X-Total-Count says how many jobs match and Link gives the next and previous pages. The answer has an ETag: send it back in If-None-Match and an unchanged list answers 304 without a body.")
            .Produces<IReadOnlyList<JobSummaryDto>>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:guid}", GetJob)
            .WithName("GetJob")
            .WithSummary("Get one job with its progress and metric history")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:guid}/cancel", CancelJob)
            .WithName("CancelJob")
            .WithSummary("Cancel a queued or running job")
            .WithDescription("A queued job is canceled at once; a running job stops within one minibatch.")
            .Produces<JobDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapDelete("/{id:guid}", DeleteJob)
            .WithName("DeleteJob")
            .WithSummary("Delete a finished job (owner only); its model stays")
            .WithDescription("Deletes a succeeded, failed or canceled job with its metrics, epochs, reports, evaluations, images and checkpoint. The model it trained stays (its card, file, try-it and forks work as before; it no longer links to the job and has no thumbnail). A queued or running job is refused with 409: cancel it first. 404 for a job the caller cannot see, 403 for one they may read but do not own.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/{id:guid}/images/{kind}", GetImage)
            .WithName("GetJobImage")
            .WithSummary("Latest rendered image of a job")
            .WithDescription("RBM jobs: 'filters' (one tile per hidden unit), 'reconstructions', 'per-class' (perClass evaluation), 'patch-reconstruction' (patch jobs). DBN jobs: 'filters' (layer 1), 'features-2'..'features-8' (higher layers projected to pixels), 'confusion', 'misclassified'. CNN jobs: 'filters-1'..'filters-20' (each convolution layer's kernels), 'feature-maps' (a fixed test digit through every layer), 'confusion', 'misclassified'. Images drawn from training rows (reconstructions, patch-reconstruction, misclassified, feature-maps) of a data set or uploaded image the caller may not read answer 404 'Made from a private data set'.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Queues an RBM training job.</summary>
    /// <param name="request">Job name, RBM hyperparameters and data spec; all optional.</param>
    public static async Task<Results<Accepted<JobDto>, ValidationProblem, ProblemHttpResult>> CreateJob(
        CreateJobRequest? request,
        JobStore store,
        JobQueue queue,
        JobAdmission admission,
        DeepNetDbContext db,
        ModelKindRegistry kinds,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var kind = kinds.Resolve(request?.Kind);
        if (kind is null)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["kind"] = [$"must be one of {string.Join(", ", kinds.Names)}; got '{request!.Kind}'"] },
                detail: "The job request has invalid fields.");
        }

        var validation = await kind.ValidateAsync(request ?? new CreateJobRequest(), db, cancellationToken);
        if (validation.Draft is not { } draft)
        {
            return TypedResults.ValidationProblem(validation.Errors, detail: "The job request has invalid fields.");
        }

        if (admission.OverBudget(draft) is { Count: > 0 } overBudget)
        {
            return TypedResults.ValidationProblem(overBudget, detail: "The job is over the server's per-job budget.", title: "Job over budget");
        }

        if (await admission.RefuseAsync(http.User.UserId(), [draft], cancellationToken) is { } refused)
        {
            return refused;
        }

        var job = await store.CreateAsync(draft, http.User.UserId(), cancellationToken);
        // Read before waking the runners: the answer shows the job as submitted (queued, with its place), not as a runner
        // that claimed it a moment later.
        var submitted = (await store.GetAsync(job.Id, cancellationToken))!;
        queue.Notify(job.Id);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", submitted);
    }

    /// <summary>One page of the caller's jobs as summaries, newest first, with an ETag.</summary>
    /// <param name="kind">Only jobs of this kind.</param>
    /// <param name="status">Only jobs in this state.</param>
    /// <param name="experiment">Only the rows of this experiment.</param>
    /// <param name="q">Text to find in the job name.</param>
    /// <param name="page">1-based page.</param>
    /// <param name="pageSize">Jobs per page, 1..200.</param>
    public static async Task<IResult> ListJobs(
        string? kind,
        string? status,
        Guid? experiment,
        string? q,
        int? page,
        int? pageSize,
        JobStore store,
        ModelKindRegistry kinds,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var parsed = JobListQuery.Parse(kind, status, experiment, q, page, pageSize, kinds.Names);
        if (parsed.Value is not { } query)
        {
            return parsed.Invalid!;
        }

        if (await store.ListAsync(http.User.UserId(), query, cancellationToken) is not { } listed)
        {
            return Problems.NotFound("Experiment", experiment!.Value);
        }

        return ConditionalGet.Json(http, listed.Items, Paging.Headers(http.Request, query.Page, query.PageSize, listed.Total));
    }

    /// <summary>One job with its progress and per-epoch history (without what is drawn from training data the caller may not read).</summary>
    /// <param name="id">Job id.</param>
    public static async Task<Results<Ok<JobDto>, ProblemHttpResult>> GetJob(
        Guid id, JobStore store, DeepNetDbContext db, TrainingDataAccess trainingData, HttpContext http, CancellationToken cancellationToken) =>
        await db.ReadableJobOwnerAsync(id, cancellationToken) is not null && await store.GetAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(await ForViewerAsync(job, trainingData, http.User.UserIdOrNull(), cancellationToken))
            : JobNotFound(id);

    /// <summary><paramref name="job"/> as <paramref name="viewerId"/> may see it (<see cref="TrainingDataAccess"/>).</summary>
    public static async Task<JobDto> ForViewerAsync(JobDto job, TrainingDataAccess trainingData, string? viewerId, CancellationToken cancellationToken) =>
        await trainingData.CanReadJobDataAsync(job.Id, viewerId, cancellationToken) ? job : trainingData.Withhold(job);

    /// <summary>Cancels a queued job at once or asks a running job to stop after its current minibatch.</summary>
    /// <param name="id">Job id.</param>
    public static async Task<Results<Accepted<JobDto>, ProblemHttpResult>> CancelJob(
        Guid id,
        JobStore store,
        RunningJobRegistry running,
        JobLiveFeed feed,
        DeepNetDbContext db,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        switch (await db.ReadableJobOwnerAsync(id, cancellationToken))
        {
            case null:
                return JobNotFound(id);
            case var owner when owner != http.User.UserId():
                return Problems.OwnerOnly("Job", id, "cancel it");
        }

        var status = await store.GetStatusAsync(id, cancellationToken);
        if (status is null)
        {
            return JobNotFound(id);
        }

        if (status == JobStatus.Queued && await store.TryTransitionAsync(id, JobStatus.Queued, JobStatus.Canceled, cancellationToken: cancellationToken))
        {
            var canceled = await store.GetAsync(id, cancellationToken);
            feed.PublishStatus(canceled!);
            return TypedResults.Accepted($"/api/jobs/{id}", canceled!);
        }

        // Either it was running, or a worker claimed it between our read and the conditional update. The flag reaches a
        // worker in any process at its next heartbeat; a job running in this process stops at once.
        await store.RequestCancelAsync(id, cancellationToken);
        bool tripped = running.TryCancel(id);
        var job = await store.GetAsync(id, cancellationToken);
        if (job is null)
        {
            return JobNotFound(id);
        }

        if (JobStateMachine.IsFinished(job.Status) && !(tripped && job.Status == JobStatus.Canceled))
        {
            return Problems.Conflict("Job already finished", $"Job {id} already finished with status {job.Status}.");
        }

        return TypedResults.Accepted($"/api/jobs/{id}", job);
    }

    /// <summary>Deletes a finished job of the caller with everything it stored but its model; a queued or running one is refused.</summary>
    /// <param name="id">Job id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteJob(
        Guid id, JobStore store, RetentionSweeper sweeper, DeepNetDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        switch (await db.ReadableJobOwnerAsync(id, cancellationToken))
        {
            case null:
                return JobNotFound(id);
            case var owner when owner != http.User.UserId():
                return Problems.OwnerOnly("Job", id, "delete it");
        }

        switch (await store.DeleteFinishedAsync(id, cancellationToken))
        {
            case null:
                return JobNotFound(id);
            case var status when !JobStateMachine.IsFinished(status.Value):
                return Problems.Conflict("Job not finished", $"Job {id} is {status}: cancel it first (POST /api/jobs/{id}/cancel), then delete it once it has stopped.");
        }

        // The freed pages go back to the file system at the sweep this asks for.
        sweeper.Request();
        return TypedResults.NoContent();
    }

    /// <summary>The latest PNG of a job: filters, reconstructions, per-class or patch-reconstruction.</summary>
    /// <param name="id">Job id.</param>
    /// <param name="kind">filters, reconstructions, per-class or patch-reconstruction.</param>
    /// <param name="db">The caller's view, or an unrestricted one when an unlisted link was the access check.</param>
    /// <param name="user">The caller (anyone holding a link may be nobody signed in): images drawn from training data they may not read are withheld.</param>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetImage(
        Guid id,
        string kind,
        JobStore store,
        JobLiveFeed feed,
        DeepNetDbContext db,
        ModelKindRegistry kinds,
        TrainingDataAccess trainingData,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (await db.ReadableJobOwnerAsync(id, cancellationToken) is null)
        {
            return JobNotFound(id);
        }

        return await ServeImageAsync(id, kind, store, feed, kinds, trainingData, user, cancellationToken);
    }

    /// <summary>
    /// The latest PNG of a job the caller's access was already checked for (by the job, a link or an assignment's class
    /// view); images drawn from training data <paramref name="user"/> may not read are withheld.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ServeImageAsync(
        Guid id,
        string kind,
        JobStore store,
        JobLiveFeed feed,
        ModelKindRegistry kinds,
        TrainingDataAccess trainingData,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (!kinds.IsImageKind(kind))
        {
            return Problems.Missing(
                "Unknown image kind",
                $"Image kind '{kind}' does not exist; valid kinds are {string.Join(", ", kinds.DescribedImageKinds)}.");
        }

        if (await trainingData.WithholdsImageAsync(id, kind, user.UserIdOrNull(), cancellationToken))
        {
            return Problems.Withheld($"Job {id}'s {kind} image");
        }

        if (kinds.EvaluationOfImage(kind) is { } evaluation)
        {
            if (await store.GetEvaluationImageAsync(id, evaluation, cancellationToken) is { } png)
            {
                return TypedResults.File(png, "image/png");
            }
        }
        else if (feed.GetImage(id, kind) is { } live)
        {
            return TypedResults.File(Convert.FromBase64String(live.PngBase64), "image/png");
        }

        else if (await store.GetImageAsync(id, kind, cancellationToken) is { } stored)
        {
            return TypedResults.File(stored.Png, "image/png");
        }

        return await store.GetStatusAsync(id, cancellationToken) is null
            ? JobNotFound(id)
            : Problems.Missing(
                "Image not rendered yet",
                kinds.EvaluationOfImage(kind) is null
                    ? $"Job {id} has no {kind} image yet; it appears once training starts."
                    : $"Job {id} has no {kind} image; it appears when the job's {kinds.EvaluationOfImage(kind)} evaluation finishes.");
    }

    private static ProblemHttpResult JobNotFound(Guid id) => Problems.NotFound("Job", id);
}
