using System.Security.Cryptography;
using System.Text.Json;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace DeepNet.Server.Jobs;

/// <summary>
/// GET /api/limits: the range and default of every numeric field of a job request, read from the same declarations the
/// validators check with (each kind publishes its own, <see cref="IModelKind.PublishLimits"/>), so the forms repeat no number.
/// </summary>
public static class LimitsApi
{
    public static IEndpointRouteBuilder MapLimitsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/limits", GetLimits)
            .WithName("GetLimits")
            .WithSummary("Ranges and defaults of the job request's fields")
            .WithDescription(
                "fields: by the POST /api/jobs request's JSON path (camelCase, array items as '[]': 'rbm.learningRate', " +
                "'dbn.layers[].hiddenUnits'), each {min, max, minExclusive, maxExclusive, default, integer} — exactly what the " +
                "validation enforces; a null bound is none or depends on another field. For 'name' and arrays the bounds are the length. " +
                "No sign-in needed; answers carry an ETag (If-None-Match → 304).")
            .WithTags("Limits")
            .Produces(StatusCodes.Status304NotModified)
            .AllowAnonymous();
        return app;
    }

    public static Results<Ok<LimitsDto>, StatusCodeHttpResult> GetLimits(HttpContext http, ModelKindRegistry kinds)
    {
        var limits = Collect(kinds);
        byte[] hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(limits, JsonDefaults.Options));
        string etag = $"\"{Convert.ToHexStringLower(hash, 0, 16)}\"";
        http.Response.Headers.ETag = etag;
        // Fixed for the life of the process: caches may keep it but revalidate, so a new deployment shows at once.
        http.Response.Headers.CacheControl = "public, no-cache";
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Ok(limits);
    }

    /// <summary>Every published field: the job's name, then each kind's fields (a field several kinds share, such as data.limit, once).</summary>
    public static LimitsDto Collect(ModelKindRegistry kinds)
    {
        var fields = new PublishedLimits();
        fields.Add("name", JobName.Length, kinds.Default.DefaultName);
        foreach (string kind in kinds.Names)
        {
            kinds.Find(kind)!.PublishLimits(fields);
        }

        return new LimitsDto(fields.Fields);
    }
}

/// <summary>The fields <c>GET /api/limits</c> publishes, gathered from the kinds' validation rules.</summary>
public sealed class PublishedLimits
{
    private readonly Dictionary<string, FieldLimitDto> _fields = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, FieldLimitDto> Fields => _fields;

    /// <summary>One field with its default; a field already published keeps its first entry.</summary>
    public void Add(string path, FieldLimit limit, object? defaultValue) => _fields.TryAdd(path, Publish(limit, defaultValue));

    /// <summary>The rules of one record under <paramref name="prefix"/>, their defaults read from <paramref name="defaults"/>.</summary>
    public void Add<T>(string prefix, IEnumerable<FieldRule<T>> rules, T defaults)
    {
        foreach (var rule in rules)
        {
            double? value = rule.Default ?? rule.Value(defaults);
            Add($"{prefix}.{rule.Field}", rule.Limit, value is { } v ? rule.Limit.Round(v) : null);
        }
    }

    private static FieldLimitDto Publish(FieldLimit limit, object? defaultValue) => new(
        limit.Min is { } min ? limit.Round(min) : null,
        limit.Max is { } max ? limit.Round(max) : null,
        limit.MinExclusive,
        limit.MaxExclusive,
        defaultValue,
        limit.Integer);
}
