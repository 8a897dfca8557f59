using System.Security.Claims;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Jobs;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Sharing;

/// <summary>
/// The owner's controls of a model: name and description, visibility, the unlisted link, delete; and its thumbnail.
/// A model the caller may not read gets the same 404 as an unknown id; one they may read but not change gets 403.
/// </summary>
public static class ModelSharingApi
{
    public static IEndpointRouteBuilder MapModelSharingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/models").WithTags("Models");

        api.MapPatch("/{id:guid}", UpdateModel)
            .WithName("UpdateModel")
            .WithSummary("Rename a model or change its description (owner only); absent fields stay")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id:guid}", DeleteModel)
            .WithName("DeleteModel")
            .WithSummary("Delete a model (owner only); its job stays, without a model")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut("/{id:guid}/visibility", SetVisibility)
            .WithName("SetModelVisibility")
            .WithSummary("Set who may read a model (owner only): private, class (with classIds), unlisted or public")
            .WithDescription("'class' needs one or more ids of classes the owner is in. 'unlisted' creates the link's token if there is none; any other visibility drops it. Returns the model card.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:guid}/share-link", RotateShareLink)
            .WithName("RotateModelShareLink")
            .WithSummary("Give a model a new unlisted link (owner only); the old link stops working and the model becomes unlisted")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id:guid}/share-link", RevokeShareLink)
            .WithName("RevokeModelShareLink")
            .WithSummary("Revoke a model's unlisted link (owner only); an unlisted model becomes private")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:guid}/thumbnail", GetThumbnail)
            .WithName("GetModelThumbnail")
            .WithSummary("The model's thumbnail: the filters image of the job that trained it (a CNN's first convolution layer)")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Renames a model or changes its description.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="request">name (1..200 characters) and/or description (at most 4000; "" clears it).</param>
    /// <param name="owner">The caller and the service.</param>
    public static async Task<Results<Ok<ModelDto>, ValidationProblem, ProblemHttpResult>> UpdateModel(
        Guid id, UpdateModelRequest? request, [AsParameters] OwnerParameters owner) =>
        (await owner.Controls.UpdateAsync(id, request, owner.User.UserId(), owner.CancellationToken)).Map(card => TypedResults.Ok(card));

    /// <summary>Deletes a model with its class shares; the job that trained it no longer points to it.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="owner">The caller and the service.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteModel(Guid id, [AsParameters] OwnerParameters owner) =>
        await owner.Controls.DeleteAsync(id, owner.User.UserId(), owner.CancellationToken) is { } refused ? refused : TypedResults.NoContent();

    /// <summary>Sets the model's visibility (and the classes it is shared with); returns the model card.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="request">visibility: private | class | unlisted | public; classIds for class.</param>
    /// <param name="owner">The caller and the service.</param>
    public static async Task<Results<Ok<ModelDto>, ValidationProblem, ProblemHttpResult>> SetVisibility(
        Guid id, SetVisibilityRequest? request, [AsParameters] OwnerParameters owner) =>
        (await owner.Controls.SetVisibilityAsync(id, request, owner.User.UserId(), owner.CancellationToken)).Map(card => TypedResults.Ok(card));

    /// <summary>Gives the model a new unlisted token and makes it unlisted.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="owner">The caller and the service.</param>
    public static async Task<Results<Ok<ShareLinkDto>, ProblemHttpResult>> RotateShareLink(Guid id, [AsParameters] OwnerParameters owner)
    {
        var link = await owner.Controls.RotateShareLinkAsync(id, owner.User.UserId(), owner.CancellationToken);
        return link.Refused is { } refused ? refused : TypedResults.Ok(link.Value!);
    }

    /// <summary>Drops the model's unlisted token; an unlisted model becomes private.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="owner">The caller and the service.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeShareLink(Guid id, [AsParameters] OwnerParameters owner) =>
        await owner.Controls.RevokeShareLinkAsync(id, owner.User.UserId(), owner.CancellationToken) is { } refused ? refused : TypedResults.NoContent();

    /// <summary>The thumbnail PNG of a model the caller may read.</summary>
    /// <param name="id">Model id.</param>
    public static async Task<IResult> GetThumbnail(Guid id, DeepNetDbContext db, ModelKindRegistry kinds, HttpContext http, CancellationToken cancellationToken)
    {
        var model = await db.TrainedModels.Where(m => m.Id == id).Select(m => new { m.JobId, m.Kind }).SingleOrDefaultAsync(cancellationToken);
        if (model is null)
        {
            return Problems.NotFound("Model", id);
        }

        // A gallery page shows dozens of thumbnails: the version tag answers a revalidation without reading the PNG.
        if (await ModelCards.ThumbnailVersionAsync(db, model.JobId, kinds.Find(model.Kind), cancellationToken) is { } version)
        {
            string etag = $"\"{model.JobId:N}-{version}\"";
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = ThumbnailCacheControl;
            if (ConditionalGet.Matches(http.Request, etag))
            {
                return TypedResults.StatusCode(StatusCodes.Status304NotModified);
            }
        }

        return await ThumbnailResultAsync(db, model.JobId, kinds.Find(model.Kind), cancellationToken);
    }

    /// <summary>Thumbnails are kept a few minutes, then revalidated (a deleted job takes its thumbnail with it).</summary>
    public const string ThumbnailCacheControl = "private, max-age=300";

    /// <summary>The thumbnail as a PNG file, or a 404 that says there is none.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ThumbnailResultAsync(
        DeepNetDbContext db, Guid? jobId, IModelKind? kind, CancellationToken cancellationToken) =>
        await ModelCards.ThumbnailAsync(db, jobId, kind, cancellationToken) is { } png
            ? TypedResults.File(png, "image/png")
            : Problems.Missing(
                "No thumbnail",
                jobId is null
                    ? "The model has no job (it was imported, or its job was deleted), so no filters image."
                    : "The job that trained the model has no filters image.");
}

/// <summary>What the owner's-control handlers bind besides the model and the request: the caller and the service.</summary>
public sealed record OwnerParameters(ClaimsPrincipal User, ModelOwnerControls Controls, CancellationToken CancellationToken);
