using System.Globalization;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models.ModelExchange;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Turns a model file that passed <see cref="ModelExchangeFile.Read"/> into a <see cref="TrainedModel"/> of the importer
/// that lists, shows and works like a trained one: kind, units, image size, architecture, hyperparameters, data spec,
/// metrics, headline metric and (patch RBMs) the patches spec with its standardizer come from the file's metadata, which
/// is checked as strictly as the tensors — whatever the model card, gallery or try endpoints will parse must parse here.
/// </summary>
public static class ModelExchangeImport
{
    private const int MaxEvaluations = 64;

    /// <summary>The model to store, or the reason the file's metadata cannot make one.</summary>
    /// <param name="contents">The validated file.</param>
    /// <param name="file">The file's bytes (stored as they are, by the caller: the checksum stays verifiable).</param>
    /// <param name="name">The model's name (already validated).</param>
    /// <param name="ownerId">The importer.</param>
    /// <param name="parentModelId">The readable model the file came from, or null.</param>
    /// <param name="createdAt">Now.</param>
    public static (TrainedModel? Model, string? Error) Build(
        ModelExchangeContents contents, byte[] file, string name, string ownerId, Guid? parentModelId, DateTime createdAt, ModelKindRegistry kinds)
    {
        IReadOnlyDictionary<string, string> metadata = contents.Metadata;
        string? jobKind = metadata.GetValueOrDefault(ModelExchangeFormat.JobKindKey);
        var modelKind = kinds.ForImport(contents.ModelType, jobKind);
        string? kind = modelKind?.Kind;
        if (modelKind is null || kind is null)
        {
            return (null, $"job_kind '{Shorten(jobKind)}' does not fit model_type {contents.ModelType}.");
        }

        if (RequireObject(metadata, ModelExchangeFormat.HyperparametersKey, out string optionsJson) is { } e1)
        {
            return (null, e1);
        }

        if (RequireObject(metadata, ModelExchangeFormat.DataSpecKey, out string dataSpecJson) is { } e2)
        {
            return (null, e2);
        }

        if (RequireObject(metadata, ModelExchangeFormat.MetricsKey, out string metricsJson) is { } e3)
        {
            return (null, e3);
        }

        string? patchesJson = null;
        if (modelKind.HasPatchReconstruction && ReadPatches(metadata, contents, out patchesJson) is { } e4)
        {
            return (null, e4);
        }

        if (ReadEvaluations(metadata, out string? evaluationsJson) is { } e5)
        {
            return (null, e5);
        }

        using var metrics = JsonDocument.Parse(metricsJson);
        bool isRbm = contents.ModelType == ModelExchangeFormat.RbmType;
        float? reconstructionError = isRbm ? Number(metrics.RootElement, "reconstructionError") : null;
        float? testError = isRbm
            ? null
            : metrics.RootElement.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Object ? Number(errors, "test") : null;
        var model = new TrainedModel
        {
            Id = Guid.NewGuid(),
            Name = name,
            Kind = kind,
            JobId = null,
            OwnerId = ownerId,
            Visibility = ModelVisibility.Private,
            Source = ModelSources.Import,
            ParentModelId = parentModelId,
            CreatedAt = createdAt,
            InputUnits = contents.VisibleUnits,
            OutputUnits = contents.HiddenUnits,
            ImageWidth = contents.ImageWidth,
            ImageHeight = contents.ImageHeight,
            OptionsJson = optionsJson,
            DataSpecJson = dataSpecJson,
            MetricsJson = metricsJson,
            ReconstructionError = reconstructionError,
            TestError = testError,
            Architecture = isRbm ? null : contents.Architecture,
            SizeBytes = file.LongLength,
            PatchesJson = patchesJson,
            EvaluationsJson = evaluationsJson,
            Description = Description(metadata),
        };

        // The model card and the gallery read these columns; a file whose metadata they cannot read is refused here.
        try
        {
            ModelCards.ToDto(model, kinds);
            ModelCards.DatasetLabel(model.DataSpecJson, model.PatchesJson, model.ImageWidth, model.ImageHeight, model.InputUnits);
            ModelCards.Metric(model.TestError, model.EvaluationsJson, model.ReconstructionError);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException)
        {
            return (null, $"The metadata (hyperparameters, data_spec, metrics) does not describe a model of kind {kind}: {ex.Message}");
        }

        return (model, null);
    }

    /// <summary>The metadata's model id, then its parent, as candidates for the imported model's provenance.</summary>
    public static IEnumerable<Guid> ParentCandidates(IReadOnlyDictionary<string, string> metadata)
    {
        foreach (string key in new[] { ModelExchangeFormat.ModelIdKey, ModelExchangeFormat.ParentKey })
        {
            if (Guid.TryParse(metadata.GetValueOrDefault(key), out Guid id))
            {
                yield return id;
            }
        }
    }

    private static string? RequireObject(IReadOnlyDictionary<string, string> metadata, string key, out string json)
    {
        json = metadata.GetValueOrDefault(key) ?? "";
        if (json.Length == 0)
        {
            return $"The file has no {key} in its __metadata__.";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind != JsonValueKind.Object
                ? $"Metadata {key} must be a JSON object."
                : NonFiniteNumber(document.RootElement) is { } number ? NotFinite(key, number) : null;
        }
        catch (JsonException e)
        {
            return $"Metadata {key} is not valid JSON: {e.Message}";
        }
    }

    /// <summary>
    /// The first number in <paramref name="element"/> that is not a finite double (e.g. 1e400), or null. The model card and
    /// the gallery read these numbers as doubles and write them back as JSON, which has no infinity.
    /// </summary>
    private static string? NonFiniteNumber(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                string raw = element.GetRawText();
                return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? null : raw;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (NonFiniteNumber(property.Value) is { } inProperty)
                    {
                        return inProperty;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (NonFiniteNumber(item) is { } inItem)
                    {
                        return inItem;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string NotFinite(string key, string number) =>
        $"Metadata {key} holds the number {Shorten(number)}, which is beyond the range of a double.";

    private static string? CheckNumbers(string key, string json)
    {
        using var document = JsonDocument.Parse(json);
        return NonFiniteNumber(document.RootElement) is { } number ? NotFinite(key, number) : null;
    }

    private static string? ReadPatches(IReadOnlyDictionary<string, string> metadata, ModelExchangeContents contents, out string? patchesJson)
    {
        patchesJson = null;
        if (!metadata.TryGetValue("patches", out string? json))
        {
            return "A patch RBM (job_kind rbm-patches) needs its patches spec and standardizer in metadata 'patches'.";
        }

        try
        {
            var patches = JsonSerializer.Deserialize<ModelPatchesDto>(json, JsonDefaults.Options)
                ?? throw new JsonException("patches is null.");
            if (patches.Spec is null || patches.Spec.PatchSize != contents.ImageWidth || patches.Spec.PatchSize != contents.ImageHeight)
            {
                return $"Metadata 'patches' gives patch size {patches.Spec?.PatchSize} but the model takes {contents.ImageWidth}×{contents.ImageHeight} patches.";
            }

            var standardizer = PatchStandardizer.FromJson(patches.Standardizer.GetRawText());
            if (standardizer.Features != contents.VisibleUnits)
            {
                return $"The standardizer in metadata 'patches' is fitted to {standardizer.Features} values per patch but the model has {contents.VisibleUnits} visible units.";
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            return $"Metadata 'patches' is not a patches spec with a standardizer: {e.Message}";
        }

        patchesJson = json;
        return CheckNumbers("patches", json);
    }

    /// <summary>The evaluations' results are kept; their image URLs point into the exporter's job, so they are dropped.</summary>
    private static string? ReadEvaluations(IReadOnlyDictionary<string, string> metadata, out string? evaluationsJson)
    {
        evaluationsJson = null;
        if (!metadata.TryGetValue("evaluations", out string? json))
        {
            return null;
        }

        try
        {
            var evaluations = JsonSerializer.Deserialize<List<EvaluationDto>>(json, JsonDefaults.Options) ?? [];
            if (evaluations.Count > MaxEvaluations || evaluations.Any(e => e is null || string.IsNullOrEmpty(e.Kind)))
            {
                return $"Metadata 'evaluations' must be a list of at most {MaxEvaluations} evaluations, each with a kind.";
            }

            evaluationsJson = evaluations.Count == 0 ? null : JobMapper.ToJson(evaluations.Select(e => e with { ImageUrl = null }).ToList());
            return CheckNumbers("evaluations", json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return $"Metadata 'evaluations' is not a list of evaluations: {e.Message}";
        }
    }

    /// <summary>The exporter's description, cut to the column's length; null when none.</summary>
    private static string? Description(IReadOnlyDictionary<string, string> metadata) =>
        metadata.GetValueOrDefault("description") is { Length: > 0 } text
            ? text[..Math.Min(text.Length, DeepNetDbContext.DescriptionMaxLength)]
            : null;

    private static float? Number(JsonElement parent, string property) =>
        parent.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetDouble(out double number) && Math.Abs(number) <= float.MaxValue
            ? (float)number
            : null;

    private static string Shorten(string? text) => text is null ? "(missing)" : text.Length <= 40 ? text : text[..40] + "…";
}
