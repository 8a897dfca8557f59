using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>The sharing part of a model card as one caller sees it.</summary>
public static class ModelSharing
{
    /// <summary>
    /// Owner, visibility, provenance; the class list and the unlisted token only for the owner (<paramref name="viewerId"/>),
    /// the parent's name only when the caller may read the parent (<paramref name="db"/> is the caller's view).
    /// </summary>
    public static async Task<ModelSharingDto> DescribeAsync(DeepNetDbContext db, TrainedModel model, string? viewerId, CancellationToken cancellationToken)
    {
        bool owner = viewerId is not null && model.CanEdit(viewerId);
        string author = await ModelCards.DisplayNameAsync(db, model.OwnerId, cancellationToken);
        var classIds = owner
            ? await db.ModelClassShares.AsNoTracking().Where(s => s.ModelId == model.Id).Select(s => s.ClassId).ToListAsync(cancellationToken)
            : [];
        string? parentName = model.ParentModelId is { } parent
            ? await db.TrainedModels.AsNoTracking().Where(m => m.Id == parent).Select(m => m.Name).SingleOrDefaultAsync(cancellationToken)
            : null;
        return new ModelSharingDto(
            author,
            model.Visibility,
            classIds,
            model.Description,
            model.ParentModelId,
            parentName,
            model.Source,
            owner,
            owner ? model.ShareToken : null);
    }
}
