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
    public static async Task<Results<Ok<ModelDto>, ValidationProblem, ProblemHttpResult>> UpdateModel(
        Guid id, UpdateModelRequest? request, ClaimsPrincipal user, DeepNetDbContext db, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        string userId = user.UserId();
        if (await OwnerCheckAsync(db, id, userId, "edit it", cancellationToken) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? name = request?.Name?.Trim();
        if (name is { Length: 0 })
        {
            errors["name"] = ["must not be blank."];
        }
        else if (name is { Length: > DeepNetDbContext.NameMaxLength })
        {
            errors["name"] = [$"must be at most {DeepNetDbContext.NameMaxLength} characters."];
        }

        string? description = request?.Description?.Trim();
        if (description is { Length: > DeepNetDbContext.DescriptionMaxLength })
        {
            errors["description"] = [$"must be at most {DeepNetDbContext.DescriptionMaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Invalid model update");
        }

        if (name is not null)
        {
            await db.TrainedModels.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Name, name), cancellationToken);
        }

        if (description is not null)
        {
            string? stored = description.Length == 0 ? null : description;
            await db.TrainedModels.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Description, stored), cancellationToken);
        }

        return TypedResults.Ok(await CardAsync(db, id, userId, kinds, cancellationToken));
    }

    /// <summary>Deletes a model with its class shares; the job that trained it no longer points to it.</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteModel(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(db, id, user.UserId(), "delete it", cancellationToken) is { } refused)
        {
            return refused;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ModelClassShares.Where(s => s.ModelId == id).ExecuteDeleteAsync(cancellationToken);
        await db.Jobs.IgnoreQueryFilters().Where(j => j.ModelId == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.ModelId, (Guid?)null), cancellationToken);
        await db.TrainedModels.Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Sets the model's visibility (and the classes it is shared with); returns the model card.</summary>
    /// <param name="id">Model id.</param>
    /// <param name="request">visibility: private | class | unlisted | public; classIds for class.</param>
    public static async Task<Results<Ok<ModelDto>, ValidationProblem, ProblemHttpResult>> SetVisibility(
        Guid id, SetVisibilityRequest? request, ClaimsPrincipal user, DeepNetDbContext db, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        string userId = user.UserId();
        if (await OwnerCheckAsync(db, id, userId, "change its visibility", cancellationToken) is { } refused)
        {
            return refused;
        }

        if (ParseVisibility(request?.Visibility) is not { } visibility)
        {
            return Problems.Invalid(
                "visibility",
                request?.Visibility is null
                    ? "is required: private, class, unlisted or public."
                    : $"'{request.Visibility}' is not a visibility; use private, class, unlisted or public.",
                "Invalid visibility");
        }

        var classIds = request?.ClassIds ?? [];
        if (visibility != ModelVisibility.Class)
        {
            if (classIds.Count > 0)
            {
                return Problems.Invalid("classIds", "only applies to visibility class.", "Invalid visibility");
            }
        }
        else
        {
            if (classIds.Count == 0)
            {
                return Problems.Invalid("classIds", "needs at least one class to share with.", "Invalid visibility");
            }

            var mine = (await db.ClassMembers.Where(m => m.UserId == userId && classIds.Contains(m.ClassId)).Select(m => m.ClassId).ToListAsync(cancellationToken))
                .ToHashSet();
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (int i = 0; i < classIds.Count; i++)
            {
                if (!mine.Contains(classIds[i]))
                {
                    errors[$"classIds[{i}]"] = [$"{classIds[i]} is not a class you are in."];
                }
            }

            if (errors.Count > 0)
            {
                return Problems.Invalid(errors, "Invalid visibility");
            }
        }

        string? token = await db.TrainedModels.Where(m => m.Id == id).Select(m => m.ShareToken).SingleAsync(cancellationToken);
        string? newToken = visibility == ModelVisibility.Unlisted ? token ?? JoinCodes.NewShareToken() : null;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.ModelClassShares.Where(s => s.ModelId == id).ExecuteDeleteAsync(cancellationToken);
            if (visibility == ModelVisibility.Class)
            {
                db.ModelClassShares.AddRange(classIds.Distinct().Select(classId => new ModelClassShare { ModelId = id, ClassId = classId }));
                await db.SaveChangesAsync(cancellationToken);
            }

            await db.TrainedModels.Where(m => m.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Visibility, visibility).SetProperty(m => m.ShareToken, newToken), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok(await CardAsync(db, id, userId, kinds, cancellationToken));
    }

    /// <summary>Gives the model a new unlisted token and makes it unlisted.</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<Ok<ShareLinkDto>, ProblemHttpResult>> RotateShareLink(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(db, id, user.UserId(), "share it by link", cancellationToken) is { } refused)
        {
            return refused;
        }

        string token = JoinCodes.NewShareToken();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ModelClassShares.Where(s => s.ModelId == id).ExecuteDeleteAsync(cancellationToken);
        await db.TrainedModels.Where(m => m.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Visibility, ModelVisibility.Unlisted).SetProperty(m => m.ShareToken, token), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(SharedLinkApi.Link(token));
    }

    /// <summary>Drops the model's unlisted token; an unlisted model becomes private.</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeShareLink(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(db, id, user.UserId(), "share it by link", cancellationToken) is { } refused)
        {
            return refused;
        }

        await db.TrainedModels.Where(m => m.Id == id).ExecuteUpdateAsync(
            s => s
                .SetProperty(m => m.Visibility, m => m.Visibility == ModelVisibility.Unlisted ? ModelVisibility.Private : m.Visibility)
                .SetProperty(m => m.ShareToken, (string?)null),
            cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The thumbnail PNG of a model the caller may read.</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(Guid id, DeepNetDbContext db, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        var model = await db.TrainedModels.Where(m => m.Id == id).Select(m => new { m.JobId, m.Kind }).SingleOrDefaultAsync(cancellationToken);
        return model is null
            ? Problems.NotFound("Model", id)
            : await ThumbnailResultAsync(db, model.JobId, kinds.Find(model.Kind), cancellationToken);
    }

    /// <summary>The thumbnail as a PNG file, or a 404 that says there is none.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ThumbnailResultAsync(
        DeepNetDbContext db, Guid? jobId, IModelKind? kind, CancellationToken cancellationToken) =>
        await ModelCards.ThumbnailAsync(db, jobId, kind, cancellationToken) is { } png
            ? TypedResults.File(png, "image/png")
            : Problems.Missing(
                "No thumbnail",
                jobId is null
                    ? "The model was imported; it has no job and no filters image."
                    : "The job that trained the model has no filters image.");

    /// <summary>"private", "class", "unlisted" or "public" in any case; null otherwise (numbers too).</summary>
    public static ModelVisibility? ParseVisibility(string? value) =>
        Enum.GetValues<ModelVisibility>().Select(v => (ModelVisibility?)v)
            .FirstOrDefault(v => string.Equals(v.ToString(), value?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Null when the caller owns the model; else 404 (may not read it) or 403 (may read, may not change).</summary>
    private static async Task<ProblemHttpResult?> OwnerCheckAsync(DeepNetDbContext db, Guid id, string userId, string action, CancellationToken cancellationToken)
    {
        // The context's query filter hides models the caller may not read: those are not found.
        var model = await db.TrainedModels.Where(m => m.Id == id).Select(m => new TrainedModel { Id = m.Id, OwnerId = m.OwnerId }).SingleOrDefaultAsync(cancellationToken);
        return model is null
            ? Problems.NotFound("Model", id)
            : model.CanEdit(userId) ? null : Problems.OwnerOnly("Model", id, action);
    }

    private static async Task<ModelDto> CardAsync(DeepNetDbContext db, Guid id, string userId, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        var model = await ModelCards.WithoutFile(db.TrainedModels.Where(m => m.Id == id)).SingleAsync(cancellationToken);
        return await ModelCards.ToModelDtoAsync(db, model, userId, kinds, cancellationToken);
    }
}
