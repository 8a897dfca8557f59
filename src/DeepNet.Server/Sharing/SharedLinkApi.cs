using System.Security.Claims;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Unlisted links: whoever holds a model's token reads its card, thumbnail, job (metric history) and images without
/// signing in. An unknown, rotated or revoked token is a 404.
/// </summary>
public static class SharedLinkApi
{
    public static IEndpointRouteBuilder MapSharedLinkApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/shared/{token}").WithTags("Shared links").AllowAnonymous();

        api.MapGet("/", GetSharedModel)
            .WithName("GetSharedModel")
            .WithSummary("The model card of an unlisted link (no sign-in needed)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/thumbnail", GetSharedThumbnail)
            .WithName("GetSharedModelThumbnail")
            .WithSummary("The thumbnail of the model of an unlisted link")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/job", GetSharedJob)
            .WithName("GetSharedModelJob")
            .WithSummary("The job that trained the model of an unlisted link: hyperparameters and metric history")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/images/{kind}", GetSharedImage)
            .WithName("GetSharedModelImage")
            .WithSummary("An image of the job that trained the model of an unlisted link (kinds as GET /api/jobs/{id}/images/{kind})")
            .WithDescription("The link makes its holder a reader of the model, not of its training data: images drawn from rows of the owner's private data set answer 404 'Made from a private data set' to anyone but the owner.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>The link of a token: the token and the browser address of its model card.</summary>
    public static ShareLinkDto Link(string token) => new(token, $"/#/shared/{token}");

    /// <summary>
    /// The model an unlisted link names (without its file), or null. Unfiltered: the holder of the token may read the
    /// model whoever they are, as long as the model is still unlisted with this token.
    /// </summary>
    public static Task<TrainedModel?> FindAsync(DeepNetDbContext db, string token, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(token) || token.Length > 64
            ? Task.FromResult<TrainedModel?>(null)
            : ModelCards.WithoutFile(db.TrainedModels.WithShareToken(token)).SingleOrDefaultAsync(cancellationToken);

    /// <summary>The card of the model the link names.</summary>
    /// <param name="token">The link's token.</param>
    public static async Task<Results<Ok<ModelDto>, ProblemHttpResult>> GetSharedModel(
        string token, ClaimsPrincipal user, DeepNetDbContext db, ModelKindRegistry kinds, TrainingDataAccess trainingData, CancellationToken cancellationToken) =>
        await FindAsync(db, token, cancellationToken) is { } model
            ? TypedResults.Ok(await ModelCards.ToModelDtoAsync(db, model, user.UserIdOrNull(), kinds, trainingData, cancellationToken))
            : LinkNotFound();

    /// <summary>The thumbnail of the model the link names.</summary>
    /// <param name="token">The link's token.</param>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetSharedThumbnail(
        string token, DeepNetDbContext db, ModelKindRegistry kinds, CancellationToken cancellationToken) =>
        await FindAsync(db, token, cancellationToken) is { } model
            ? await ModelSharingApi.ThumbnailResultAsync(db, model.JobId, kinds.Find(model.Kind), cancellationToken)
            : LinkNotFound();

    /// <summary>The job that trained the model the link names.</summary>
    /// <param name="token">The link's token.</param>
    public static async Task<Results<Ok<JobDto>, ProblemHttpResult>> GetSharedJob(
        string token, ClaimsPrincipal user, DeepNetDbContext db, JobStore store, TrainingDataAccess trainingData, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, token, cancellationToken) is not { } model)
        {
            return LinkNotFound();
        }

        return model.JobId is { } jobId && await store.GetAsync(jobId, cancellationToken) is { } job
            ? TypedResults.Ok(await JobsApi.ForViewerAsync(job, trainingData, user.UserIdOrNull(), cancellationToken))
            : Problems.Missing("No job", "The shared model has no job here: it was imported, or its job was deleted.");
    }

    /// <summary>An image of the job that trained the model the link names.</summary>
    /// <param name="token">The link's token.</param>
    /// <param name="kind">Image kind, as GET /api/jobs/{id}/images/{kind}.</param>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetSharedImage(
        string token,
        string kind,
        ClaimsPrincipal user,
        DeepNetDbContext db,
        IDbContextFactory<DeepNetDbContext> contexts,
        JobStore store,
        JobLiveFeed feed,
        ModelKindRegistry kinds,
        TrainingDataAccess trainingData,
        CancellationToken cancellationToken)
    {
        if (await FindAsync(db, token, cancellationToken) is not { } model)
        {
            return LinkNotFound();
        }

        if (model.JobId is not { } jobId)
        {
            return Problems.Missing("No job", "The shared model has no job images: it was imported, or its job was deleted.");
        }

        // The token was the access check: the job's images are read through an unrestricted context (the worker's view).
        // The holder is still only a viewer: images drawn from the owner's private data stay the owner's.
        await using var unrestricted = await contexts.CreateDbContextAsync(cancellationToken);
        return await JobsApi.GetImage(jobId, kind, store, feed, unrestricted, kinds, trainingData, user, cancellationToken);
    }

    /// <summary>The answer of every /api/shared/{token} route to an unknown, rotated or revoked token.</summary>
    public static ProblemHttpResult LinkNotFound() => Problems.Missing(
        "Shared model not found",
        "No model is shared with this link; it may have been revoked or replaced by a new one.");
}
