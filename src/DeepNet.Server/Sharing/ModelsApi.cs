using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Sharing;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/models").WithTags("Models");

        api.MapGet("/", ListModels)
            .WithName("ListModels")
            .WithSummary("List the caller's models, newest first, one page at a time")
            .WithDescription("Models shared with the caller are in the gallery (GET /api/gallery). Rows leave out the report, metrics and evaluations (GET /api/models/{id} has them). Paging: page (1-based) and pageSize (1..200, default 50), with X-Total-Count and Link headers. The answer has an ETag; If-None-Match with it answers 304 while the list is unchanged.")
            .Produces<List<ModelDto>>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem();

        api.MapGet("/{id:guid}", GetModel)
            .WithName("GetModel")
            .WithSummary("Get one trained model")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>One page of the caller's models, newest first, with an ETag.</summary>
    /// <param name="page">1-based page.</param>
    /// <param name="pageSize">Models per page, 1..200.</param>
    public static async Task<IResult> ListModels(int? page, int? pageSize, DeepNetDbContext db, HttpContext http, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        var parsed = PageRequest.Parse(page, pageSize);
        if (parsed.Value is not { } paging)
        {
            return parsed.Invalid!;
        }

        string owner = http.User.UserId();
        var mine = db.TrainedModels.Where(m => m.OwnerId == owner);
        int total = await mine.CountAsync(cancellationToken);
        var models = await ModelCards.Listed(mine.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Skip(paging.Skip).Take(paging.PageSize))
            .ToListAsync(cancellationToken);
        return ConditionalGet.Json(
            http, models.Select(m => ModelCards.ToListed(m, kinds)).ToList(), Paging.Headers(http.Request, paging.Page, paging.PageSize, total));
    }

    /// <summary>One model the caller may read, with its sharing (owner, visibility, provenance).</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<Ok<ModelDto>, ProblemHttpResult>> GetModel(
        Guid id, DeepNetDbContext db, HttpContext http, ModelKindRegistry kinds, TrainingDataAccess trainingData, CancellationToken cancellationToken) =>
        await ModelCards.WithoutFile(db.TrainedModels).SingleOrDefaultAsync(m => m.Id == id, cancellationToken) is { } model
            ? TypedResults.Ok(await ModelCards.ToModelDtoAsync(db, model, http.User.UserId(), kinds, trainingData, cancellationToken))
            : Problems.NotFound("Model", id);
}
