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
            .WithSummary("List the caller's models, newest first")
            .WithDescription("Models shared with the caller are in the gallery (GET /api/gallery).");

        api.MapGet("/{id:guid}", GetModel)
            .WithName("GetModel")
            .WithSummary("Get one trained model")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>The caller's models, newest first.</summary>
    public static async Task<Ok<List<ModelDto>>> ListModels(DeepNetDbContext db, HttpContext http, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        string owner = http.User.UserId();
        var models = await ModelCards.WithoutFile(db.TrainedModels.Where(m => m.OwnerId == owner)).OrderByDescending(m => m.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(models.Select(m => ModelCards.ToDto(m, kinds)).ToList());
    }

    /// <summary>One model the caller may read, with its sharing (owner, visibility, provenance).</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<Ok<ModelDto>, ProblemHttpResult>> GetModel(
        Guid id, DeepNetDbContext db, HttpContext http, ModelKindRegistry kinds, TrainingDataAccess trainingData, CancellationToken cancellationToken) =>
        await ModelCards.WithoutFile(db.TrainedModels).SingleOrDefaultAsync(m => m.Id == id, cancellationToken) is { } model
            ? TypedResults.Ok(await ModelCards.ToModelDtoAsync(db, model, http.User.UserId(), kinds, trainingData, cancellationToken))
            : Problems.NotFound("Model", id);
}
