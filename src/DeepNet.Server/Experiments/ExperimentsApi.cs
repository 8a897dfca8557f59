using DeepNet.Server.Infrastructure;
using DeepNet.Server.Contracts;
using DeepNet.Server.Experiments;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepNet.Server.Experiments;

public static class ExperimentsApi
{
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/experiments").WithTags("Experiments");

        api.MapGet("/definitions", async (ExperimentService experiments, RequestUser viewer, CancellationToken cancellationToken) =>
                TypedResults.Ok(await experiments.DefinitionsAsync(viewer, cancellationToken)))
            .WithName("ListExperimentDefinitions")
            .WithSummary("The tables that can be run, with their rows and published figures")
            .WithDescription("scales[] says, for 'quick' and 'full', what every row trains (architecture with its shapes, epochs, data) and the server's estimate of its run time; estimatedRunSeconds of a scale is the rows' sum, since one student's rows run one after another.");

        api.MapPost("/", CreateExperiment)
            .RequireRateLimiting(RateLimits.Submit)
            .WithName("CreateExperiment")
            .WithSummary("Start a table: one queued job per row")
            .WithDescription("kind is a table of GET /api/experiments/definitions ('bengio2007': the five pre-training rows of Bengio et al. 2007; 'mnist-table': the lecture's MNIST classifier table); scale 'full' (default) trains the published setting on all of MNIST, 'quick' a small version. Each row is an ordinary job that can be watched at /#/jobs/{jobId}. Returns 201 with the table and its Location.")
            .Accepts<CreateExperimentRequest>("application/json")
            .Produces<ExperimentDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/", async (ExperimentService experiments, RequestUser viewer, CancellationToken cancellationToken) => TypedResults.Ok(await experiments.ListAsync(viewer, cancellationToken)))
            .WithName("ListExperiments")
            .WithSummary("All started tables, newest first");

        api.MapGet("/{id:guid}", GetExperiment)
            .WithName("GetExperiment")
            .WithSummary("One table with every row's status and train / valid / test error beside the published one")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:guid}/cancel", CancelExperiment)
            .WithName("CancelExperiment")
            .WithSummary("Cancel every row that has not finished")
            .Produces<ExperimentDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    public static async Task<Results<Created<ExperimentDto>, ValidationProblem, ProblemHttpResult>> CreateExperiment(
        CreateExperimentRequest? request, ExperimentService experiments, RequestUser viewer, CancellationToken cancellationToken)
    {
        var (experiment, errors, refused) = await experiments.CreateAsync(request, viewer, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        return experiment is null
            ? TypedResults.ValidationProblem(errors, detail: "The experiment request has invalid fields.")
            : TypedResults.Created($"/api/experiments/{experiment.Id}", experiment);
    }

    public static async Task<Results<Ok<ExperimentDto>, ProblemHttpResult>> GetExperiment(Guid id, ExperimentService experiments, RequestUser viewer, CancellationToken cancellationToken) =>
        await experiments.GetAsync(id, viewer, cancellationToken) is { } experiment ? TypedResults.Ok(experiment) : Problems.NotFound("Experiment", id);

    public static async Task<Results<Accepted<ExperimentDto>, ProblemHttpResult>> CancelExperiment(
        Guid id,
        ExperimentService experiments,
        JobStore store,
        RunningJobRegistry running,
        JobLiveFeed feed,
        DeepNetDbContext db,
        HttpContext http,
        RequestUser viewer,
        CancellationToken cancellationToken)
    {
        if (await experiments.GetJobIdsAsync(id, viewer, cancellationToken) is not { } jobIds)
        {
            return Problems.NotFound("Experiment", id);
        }

        foreach (var jobId in jobIds)
        {
            // Finished rows answer 409, which is expected here: only unfinished rows are canceled.
            await JobsApi.CancelJob(jobId, store, running, feed, db, http, cancellationToken);
        }

        var experiment = await experiments.GetAsync(id, viewer, cancellationToken);
        return experiment is null ? Problems.NotFound("Experiment", id) : TypedResults.Accepted($"/api/experiments/{id}", experiment);
    }
}
