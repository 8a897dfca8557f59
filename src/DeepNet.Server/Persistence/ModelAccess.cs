using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>
/// Access to models beyond the caller's view: the scoped <see cref="DeepNetDbContext"/> already returns only the models a
/// caller may read (its query filter is the one place of the read rule); these are the rules for changing them and for
/// unlisted links, which bypass that view.
/// </summary>
public static class ModelAccess
{
    /// <summary>The model behind an unlisted link, whoever asks (the token is the permission).</summary>
    public static IQueryable<TrainedModel> WithShareToken(this DbSet<TrainedModel> models, string token) =>
        models.IgnoreQueryFilters().Where(m => m.Visibility == ModelVisibility.Unlisted && m.ShareToken != null && m.ShareToken == token);

    /// <summary>Only the owner changes a model (description, visibility, link, delete).</summary>
    public static bool CanEdit(this TrainedModel model, string userId) => model.OwnerId == userId;
}
