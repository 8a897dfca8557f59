using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>
/// The owner's controls of a model: name and description, visibility, the unlisted link, delete. A model the caller may
/// not read is a 404 like an unknown id; one they may read but not change is a 403. Scoped: the caller's view.
/// </summary>
public sealed class ModelOwnerControls(DeepNetDbContext db, ModelKindRegistry kinds, TrainingDataAccess trainingData)
{
    /// <summary>Renames a model or changes its description (absent fields stay; "" clears the description); its card.</summary>
    public async Task<Outcome<ModelDto>> UpdateAsync(Guid id, UpdateModelRequest? request, string userId, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(id, userId, "edit it", cancellationToken) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? name = request?.Name?.Trim();
        if (name is not null && UserText.NameProblem(name, DeepNetDbContext.NameMaxLength) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
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

        return await CardAsync(id, userId, cancellationToken);
    }

    /// <summary>Deletes a model with its class shares; the job that trained it no longer points to it. Null when done.</summary>
    public async Task<ProblemHttpResult?> DeleteAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(id, userId, "delete it", cancellationToken) is { } refused)
        {
            return refused;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ModelClassShares.Where(s => s.ModelId == id).ExecuteDeleteAsync(cancellationToken);
        await db.Jobs.IgnoreQueryFilters().Where(j => j.ModelId == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.ModelId, (Guid?)null), cancellationToken);
        await db.TrainedModels.Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Sets the model's visibility (and the classes it is shared with); its card.</summary>
    public async Task<Outcome<ModelDto>> SetVisibilityAsync(Guid id, SetVisibilityRequest? request, string userId, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(id, userId, "change its visibility", cancellationToken) is { } refused)
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

        return await CardAsync(id, userId, cancellationToken);
    }

    /// <summary>Gives the model a new unlisted token and makes it unlisted.</summary>
    public async Task<Outcome<ShareLinkDto>> RotateShareLinkAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(id, userId, "share it by link", cancellationToken) is { } refused)
        {
            return refused;
        }

        string token = JoinCodes.NewShareToken();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ModelClassShares.Where(s => s.ModelId == id).ExecuteDeleteAsync(cancellationToken);
        await db.TrainedModels.Where(m => m.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Visibility, ModelVisibility.Unlisted).SetProperty(m => m.ShareToken, token), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return SharedLinkApi.Link(token);
    }

    /// <summary>Drops the model's unlisted token; an unlisted model becomes private. Null when done.</summary>
    public async Task<ProblemHttpResult?> RevokeShareLinkAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        if (await OwnerCheckAsync(id, userId, "share it by link", cancellationToken) is { } refused)
        {
            return refused;
        }

        await db.TrainedModels.Where(m => m.Id == id).ExecuteUpdateAsync(
            s => s
                .SetProperty(m => m.Visibility, m => m.Visibility == ModelVisibility.Unlisted ? ModelVisibility.Private : m.Visibility)
                .SetProperty(m => m.ShareToken, (string?)null),
            cancellationToken);
        return null;
    }

    /// <summary>"private", "class", "unlisted" or "public" in any case; null otherwise (numbers too).</summary>
    public static ModelVisibility? ParseVisibility(string? value) =>
        Enum.GetValues<ModelVisibility>().Select(v => (ModelVisibility?)v)
            .FirstOrDefault(v => string.Equals(v.ToString(), value?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Null when the caller owns the model; else 404 (may not read it) or 403 (may read, may not change).</summary>
    private async Task<ProblemHttpResult?> OwnerCheckAsync(Guid id, string userId, string action, CancellationToken cancellationToken)
    {
        // The context's query filter hides models the caller may not read: those are not found.
        var model = await db.TrainedModels.Where(m => m.Id == id).Select(m => new TrainedModel { Id = m.Id, OwnerId = m.OwnerId }).SingleOrDefaultAsync(cancellationToken);
        return model is null
            ? Problems.NotFound("Model", id)
            : model.CanEdit(userId) ? null : Problems.OwnerOnly("Model", id, action);
    }

    private async Task<ModelDto> CardAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var model = await ModelCards.WithoutFile(db.TrainedModels.Where(m => m.Id == id)).SingleAsync(cancellationToken);
        return await ModelCards.ToModelDtoAsync(db, model, userId, kinds, trainingData, cancellationToken);
    }
}
