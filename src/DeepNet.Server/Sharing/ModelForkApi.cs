using System.Security.Claims;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Sharing;

/// <summary>POST /api/models/{id}/fork; <see cref="ModelForkService"/> validates the fork and queues its job.</summary>
public static class ModelForkApi
{
    public static IEndpointRouteBuilder MapModelForkApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/models").WithTags("Models")
            .MapPost("/{id:guid}/fork", ForkModel)
            .RequireRateLimiting(RateLimits.Submit)
            .WithName("ForkModel")
            .WithSummary("Start a new job of yours from a model's weights")
            .WithDescription(
                "mode 'continue' (RBMs): the same hyperparameters and data, 'epochs' more epochs (default the parent's) from the parent's weights. " +
                "'dbnFirstLayer' (RBMs on images or a data set): a DBN job whose first layer is the RBM, not trained again; optional 'dbn' " +
                "(layers[0] stands for the RBM and takes its hidden units) and 'data' (default the RBM's; same input size); 'epochs' sets the fine-tuning epochs. " +
                "'fineTune' (DBNs with a classifier): the DBN's network fine-tuned globally for 'epochs' epochs (default the parent's), optional 'data'. " +
                "The job and its model belong to the caller; the model's parentModelId is the parent. A model the caller cannot read is a 404; " +
                "a mode that does not fit the model is a 400 naming 'mode'. Returns 202 with the job and its Location.")
            .Accepts<ForkRequest>("application/json")
            .Produces<JobDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Queues a job of the caller that starts from the model's weights.</summary>
    public static async Task<Results<Accepted<JobDto>, ValidationProblem, ProblemHttpResult>> ForkModel([AsParameters] ForkModelParameters fork) =>
        (await fork.Forks.ForkAsync(fork.Id, fork.Request, fork.User.UserId(), fork.CancellationToken))
            .Map(job => TypedResults.Accepted($"/api/jobs/{job.Id}", job));
}

/// <summary>POST /api/models/{id}/fork: the parent, the request, the caller and the service the handler calls.</summary>
/// <param name="Id">The parent model.</param>
/// <param name="Request">mode, and optionally name, epochs, dbn, data.</param>
public sealed record ForkModelParameters(
    [FromRoute(Name = "id")] Guid Id,
    ForkRequest? Request,
    ClaimsPrincipal User,
    ModelForkService Forks,
    CancellationToken CancellationToken);
