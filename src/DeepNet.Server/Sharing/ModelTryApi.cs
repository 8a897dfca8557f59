using DeepNet.Server.Infrastructure;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using DeepNet.Server.Library;

namespace DeepNet.Server.Sharing;

/// <summary>
/// "Try it": run a readable model on a drawn digit (<c>/try</c>) or, for patch models, on an uploaded image
/// (<c>/try-image</c>). The same handlers serve <c>/api/models/{id}</c> (the caller's view: own, public, shared with
/// a class they are in) and <c>/api/shared/{token}</c> (whoever holds an unlisted link).
/// </summary>
public static class ModelTryApi
{
    public static IEndpointRouteBuilder MapModelTryApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("Models");
        var shared = app.MapGroup("/api/shared/{token}").WithTags("Shared links").AllowAnonymous();

        const string tryDescription =
            "Body {width, height, pixels}: width·height grey levels in [0, 1] (0 = black background, as MNIST), row-major, sides 1..1024; " +
            "resized (area averaging when shrinking) to the model's image size. RBM: the up-down pass with probabilities (patch models: the image as one " +
            "patch through the model's standardizer). DBN: class probabilities of its classifier and, when its layers were pre-trained as RBMs or " +
            "auto-associators, the reconstruction through the stack. CNN: class probabilities. reconstructionPngBase64 shows the model's input above its reconstruction.";

        models.MapPost("/{id:guid}/try", TryModel)
            .RequireRateLimiting(RateLimits.Try)
            .WithName("TryModel")
            .WithSummary("Run a model on a drawn image: reconstruction and/or class probabilities")
            .WithDescription(tryDescription)
            .Accepts<TryRequest>("application/json")
            .Produces<TryResultDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        shared.MapPost("/try", TrySharedModel)
            .RequireRateLimiting(RateLimits.Try)
            .WithName("TrySharedModel")
            .WithSummary("Run the model of an unlisted link on a drawn image (no sign-in needed)")
            .WithDescription(tryDescription)
            .Accepts<TryRequest>("application/json")
            .Produces<TryResultDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        const string tryImageDescription =
            "multipart/form-data with field 'file' (one PNG or JPEG, at most 10 MB and 4096×4096 pixels; scaled down to 256 pixels on its longer side). " +
            "Patch models (kind rbm-patches) only: the image is reconstructed window by window through the model's standardizer, overlaps averaged. " +
            "Returns a PNG: the image | the reconstruction from binary hidden samples | from hidden probabilities.";

        models.MapPost("/{id:guid}/try-image", TryModelImage)
            .RequireRateLimiting(RateLimits.Try)
            .WithName("TryModelImage")
            .WithSummary("Reconstruct an uploaded image with a patch model")
            .WithDescription(tryImageDescription)
            .Accepts<IFormFile>("multipart/form-data")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(ImageUpload.MaxRequestBytes))
            .DisableAntiforgery();

        shared.MapPost("/try-image", TrySharedModelImage)
            .RequireRateLimiting(RateLimits.Try)
            .WithName("TrySharedModelImage")
            .WithSummary("Reconstruct an uploaded image with the patch model of an unlisted link")
            .WithDescription(tryImageDescription)
            .Accepts<IFormFile>("multipart/form-data")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(ImageUpload.MaxRequestBytes))
            .DisableAntiforgery();

        return app;
    }

    /// <summary>Runs a model the caller may read on an image.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="request">The image.</param>
    /// <param name="call">The caller's view and the service.</param>
    public static async Task<Results<Ok<TryResultDto>, ValidationProblem, ProblemHttpResult>> TryModel(
        Guid id, TryRequest? request, [AsParameters] TryParameters call) =>
        await ModelTry.FindAsync(call.Db.TrainedModels.Where(m => m.Id == id), call.CancellationToken) is { } row
            ? (await call.Tries.TryAsync(row, request, call.CancellationToken)).Map(result => TypedResults.Ok(result))
            : Problems.NotFound("Model", id);

    /// <summary>Runs the model of an unlisted link on an image.</summary>
    /// <param name="token">The link's token.</param>
    /// <param name="request">The image.</param>
    /// <param name="call">The caller's view and the service.</param>
    public static async Task<Results<Ok<TryResultDto>, ValidationProblem, ProblemHttpResult>> TrySharedModel(
        string token, TryRequest? request, [AsParameters] TryParameters call) =>
        await ModelTry.FindSharedAsync(call.Db, token, call.CancellationToken) is { } row
            ? (await call.Tries.TryAsync(row, request, call.CancellationToken)).Map(result => TypedResults.Ok(result))
            : SharedLinkApi.LinkNotFound();

    /// <summary>Reconstructs an uploaded image with a patch model the caller may read.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="file">One PNG or JPEG file, at most 10 MB.</param>
    /// <param name="call">The caller's view and the service.</param>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> TryModelImage(
        Guid id, IFormFile? file, [AsParameters] TryParameters call) =>
        await ModelTry.FindAsync(call.Db.TrainedModels.Where(m => m.Id == id), call.CancellationToken) is { } row
            ? (await call.Tries.TryImageAsync(row, file, call.CancellationToken)).Map(png => TypedResults.File(png, "image/png"))
            : Problems.NotFound("Model", id);

    /// <summary>Reconstructs an uploaded image with the patch model of an unlisted link.</summary>
    /// <param name="token">The link's token.</param>
    /// <param name="file">One PNG or JPEG file, at most 10 MB.</param>
    /// <param name="call">The caller's view and the service.</param>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> TrySharedModelImage(
        string token, IFormFile? file, [AsParameters] TryParameters call) =>
        await ModelTry.FindSharedAsync(call.Db, token, call.CancellationToken) is { } row
            ? (await call.Tries.TryImageAsync(row, file, call.CancellationToken)).Map(png => TypedResults.File(png, "image/png"))
            : SharedLinkApi.LinkNotFound();
}

/// <summary>
/// What the try handlers bind besides the model and the image: the caller's view (the unlisted-link routes read past it
/// with the token) and <see cref="ModelTry"/>.
/// </summary>
public sealed record TryParameters(DeepNetDbContext Db, ModelTry Tries, CancellationToken CancellationToken);
