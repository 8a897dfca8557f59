using System.Security.Claims;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Sharing;

/// <summary>The gallery: my models, the models shared with my classes, public models — searched, filtered and sorted.</summary>
public static class GalleryApi
{
    public const string MineScope = "mine";
    public const string ClassesScope = "classes";
    public const string PublicScope = "public";

    public const string NewestSort = "newest";
    public const string OldestSort = "oldest";
    public const string MetricSort = "metric";
    public const string NameSort = "name";

    public const int MaxQueryLength = 200;

    public static readonly string[] Scopes = [MineScope, ClassesScope, PublicScope];
    public static readonly string[] Sorts = [NewestSort, OldestSort, MetricSort, NameSort];

    /// <summary>The order of metric groups when sorting by metric: cards of one metric together, best first within it.</summary>
    private static readonly string?[] MetricOrder = [ModelCards.TestErrorMetric, ModelCards.AisMetric, ModelCards.ReconstructionErrorMetric, null];

    public static IEndpointRouteBuilder MapGalleryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gallery", GetGallery)
            .WithTags("Gallery")
            .WithName("GetGallery")
            .WithSummary("Gallery cards: my models, models shared with my classes, or public models")
            .WithDescription(
                "scope = mine (default; every visibility) | classes (models shared with a class I am in; the default when classId is given) | public; " +
                "classId narrows scope classes to one class I am in (404 otherwise); type = rbm | rbm-patches | dbn | cnn; " +
                "q searches name, description, architecture and author (case-insensitive); " +
                "sort = newest (default) | oldest | name | metric (test errors, then AIS log-likelihoods, then reconstruction errors, best first in each); " +
                "page (1-based) and pageSize (1..200, default 50), with X-Total-Count and Link headers. The answer has an ETag; If-None-Match with it answers 304 while the cards are unchanged.")
            .Produces<List<GalleryCardDto>>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Gallery cards of the models in the scope that match the filters, in the asked order.</summary>
    /// <param name="scope">mine | classes | public.</param>
    /// <param name="classId">One class of scope classes.</param>
    /// <param name="type">Model kind: rbm | rbm-patches | dbn | cnn.</param>
    /// <param name="q">Text to find in the name, description, architecture or author.</param>
    /// <param name="sort">newest | oldest | name | metric.</param>
    /// <param name="page">1-based page.</param>
    /// <param name="pageSize">Cards per page, 1..200.</param>
    public static async Task<IResult> GetGallery(
        string? scope,
        Guid? classId,
        string? type,
        string? q,
        string? sort,
        int? page,
        int? pageSize,
        HttpContext http,
        ClaimsPrincipal user,
        DeepNetDbContext db,
        ModelKindRegistry kinds,
        CancellationToken cancellationToken)
    {
        string resolvedScope = Normalize(scope) ?? (classId is null ? MineScope : ClassesScope);
        string resolvedSort = Normalize(sort) ?? NewestSort;
        string? resolvedType = Normalize(type);
        string? text = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var errors = PageRequest.Errors(page, pageSize);
        if (!Scopes.Contains(resolvedScope))
        {
            errors["scope"] = [$"'{scope}' is not a gallery scope; use {string.Join(", ", Scopes)}."];
        }
        else if (classId is not null && resolvedScope != ClassesScope)
        {
            errors["classId"] = ["only applies to scope classes."];
        }

        if (resolvedType is not null && kinds.Find(resolvedType) is null)
        {
            errors["type"] = [$"'{type}' is not a model type; use {string.Join(", ", kinds.Names)}."];
        }

        if (!Sorts.Contains(resolvedSort))
        {
            errors["sort"] = [$"'{sort}' is not a sort order; use {string.Join(", ", Sorts)}."];
        }

        if (text is { Length: > MaxQueryLength })
        {
            errors["q"] = [$"must be at most {MaxQueryLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Invalid gallery query");
        }

        string userId = user.UserId();
        if (classId is { } onlyClass && !await db.ClassMembers.AnyAsync(m => m.ClassId == onlyClass && m.UserId == userId, cancellationToken))
        {
            return Problems.NotFound("Class", onlyClass);
        }

        // The context's query filter already limits models to those the caller may read.
        IQueryable<TrainedModel> models = db.TrainedModels;
        models = resolvedScope switch
        {
            MineScope => models.Where(m => m.OwnerId == userId),
            PublicScope => models.Where(m => m.Visibility == ModelVisibility.Public),
            _ when classId is { } id => models.Where(m => m.Visibility == ModelVisibility.Class
                && db.ModelClassShares.Any(s => s.ModelId == m.Id && s.ClassId == id)),
            _ => models.Where(m => m.Visibility == ModelVisibility.Class
                && db.ModelClassShares.Any(s => s.ModelId == m.Id && db.ClassMembers.Any(c => c.ClassId == s.ClassId && c.UserId == userId))),
        };
        if (resolvedType is not null)
        {
            models = models.Where(m => m.Kind == resolvedType);
        }

        if (text is not null)
        {
            string lower = text.ToLowerInvariant();
            models = models.Where(m => m.Name.ToLower().Contains(lower)
                || (m.Description != null && m.Description.ToLower().Contains(lower))
                || (m.Architecture != null && m.Architecture.ToLower().Contains(lower))
                || db.Users.Any(u => u.Id == m.OwnerId && u.DisplayName.ToLower().Contains(lower)));
        }

        // The metric order is computed from the cards, so the page is cut after sorting; rows carry no blobs.
        var paging = new PageRequest(page ?? 1, pageSize ?? PageRequest.DefaultPageSize);
        var rows = await ModelCards.Rows(models).ToListAsync(cancellationToken);
        var cards = Sort(await ModelCards.ToCardsAsync(db, rows, kinds, cancellationToken), resolvedSort);
        return ConditionalGet.Json(
            http, cards.Skip(paging.Skip).Take(paging.PageSize).ToList(), Paging.Headers(http.Request, paging.Page, paging.PageSize, cards.Count));
    }

    /// <summary>Cards in the asked order; ties go to the newer model.</summary>
    public static List<GalleryCardDto> Sort(IEnumerable<GalleryCardDto> cards, string sort) => sort switch
    {
        OldestSort => cards.OrderBy(c => c.CreatedAt).ToList(),
        NameSort => cards.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenByDescending(c => c.CreatedAt).ToList(),
        MetricSort => cards
            .OrderBy(c => Array.IndexOf(MetricOrder, c.MetricName))
            .ThenBy(c => c.MetricValue is { } value ? ModelCards.HigherIsBetter(c.MetricName) ? -value : value : 0)
            .ThenByDescending(c => c.CreatedAt)
            .ToList(),
        _ => cards.OrderByDescending(c => c.CreatedAt).ToList(),
    };

    private static string? Normalize(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToLowerInvariant();
}
