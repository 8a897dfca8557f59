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

/// <summary>
/// The refusals of <see cref="ModelAccess"/>'s rules, as <see cref="Problems"/> words them. Kept for Jobs/JobsApi.cs (being
/// reworked separately); new code calls <see cref="Problems"/> directly.
/// </summary>
public static class AccessProblems
{
    /// <summary>404 that reads the same whether the resource is missing or someone else's.</summary>
    public static ProblemHttpResult NotFound(string what, object id) => Problems.NotFound(what, id);

    /// <summary>403 for a reader who tries to change what only the owner may change.</summary>
    public static ProblemHttpResult OwnerOnly(string what, object id, string action) => Problems.OwnerOnly(what, id, action);
}
