using System.Security.Cryptography;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Cnn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace DeepNet.Server.Endpoints;

/// <summary>
/// GET /api/limits: the range and default of every numeric field of a job request, read from the same declarations the
/// validators check with, so the forms repeat no number.
/// </summary>
public static class LimitsApi
{
    private static readonly Lazy<(LimitsDto Limits, string ETag)> _published = new(() =>
    {
        var limits = Collect();
        byte[] hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(limits, JsonDefaults.Options));
        return (limits, $"\"{Convert.ToHexStringLower(hash, 0, 16)}\"");
    });

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

    public static Results<Ok<LimitsDto>, StatusCodeHttpResult> GetLimits(HttpContext http)
    {
        var (limits, etag) = _published.Value;
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

    /// <summary>Every published field, from the validators' rules and the contracts' defaults.</summary>
    public static LimitsDto Collect()
    {
        var fields = new Dictionary<string, FieldLimitDto>(StringComparer.Ordinal);
        void Add<T>(string prefix, IEnumerable<FieldRule<T>> rules, T defaults)
        {
            foreach (var rule in rules)
            {
                double? value = rule.Default ?? rule.Value(defaults);
                fields[$"{prefix}.{rule.Field}"] = Publish(rule.Limit, value is { } v ? rule.Limit.Round(v) : null);
            }
        }

        fields["name"] = Publish(JobName.Length, JobRequestValidator.DefaultName);
        Add("rbm", RbmOptionsValidator.Rules, new RbmOptions());
        Add("data", DataSpecValidator.Rules, new DataSpec());
        Add("patches", JobRequestValidator.PatchRules, new PatchesSpec());
        Add("evaluation", JobRequestValidator.EvaluationRules, new EvaluationSpec());
        Add("evaluation.ais", JobRequestValidator.AisRules, new AisSpec());

        var dbn = DbnSpecValidator.WithDefaults(null);
        fields["dbn.layers"] = Publish(DbnSpecValidator.Layers, dbn.Layers);
        Add("dbn", DbnSpecValidator.SpecRules, dbn);
        var layer = new DbnLayerSpec();
        Add("dbn.layers[]", [.. DbnSpecValidator.LayerRules, .. DbnSpecValidator.PretrainingRules], layer);
        Add<IDbnMinibatchSpec>("dbn.layers[]", DbnSpecValidator.MinibatchRules, layer);
        Add<IDbnMinibatchSpec>("dbn.backprop", DbnSpecValidator.MinibatchRules, dbn.Backprop);
        Add("dbn.backprop", DbnSpecValidator.BackpropRules, dbn.Backprop);

        fields["cnn.layers"] = Publish(CnnSpecValidator.Layers, null);
        Add("cnn", CnnSpecValidator.Rules, new CnnJobSpec());
        Add("cnn.augment", CnnSpecValidator.AugmentRules, new CnnAugmentDto());
        Add("cnn.layers[]", CnnSpecValidator.LayerRules, new CnnLayerDto());
        return new LimitsDto(fields);
    }

    private static FieldLimitDto Publish(FieldLimit limit, object? defaultValue) => new(
        limit.Min is { } min ? limit.Round(min) : null,
        limit.Max is { } max ? limit.Round(max) : null,
        limit.MinExclusive,
        limit.MaxExclusive,
        defaultValue,
        limit.Integer);
}
