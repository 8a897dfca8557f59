using System.Globalization;
using System.Text.Json;
using DeepNet.Server.Cnn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.RbmFamily;
using DeepNet.Data;

namespace DeepNet.Server.Sharing;

/// <summary>
/// What the gallery and the model card say about a model: its data set in words, its headline metric, its thumbnail,
/// its author. Built from the descriptive columns only — the safetensors file is never loaded.
/// </summary>
public static class ModelCards
{
    public const string TestErrorMetric = "test error";
    public const string AisMetric = "AIS log-likelihood";
    public const string ReconstructionErrorMetric = "reconstruction error";

    /// <summary>The descriptive columns of a model (no file).</summary>
    public sealed record ModelRow(
        Guid Id,
        string Name,
        string Kind,
        Guid? JobId,
        DateTime CreatedAt,
        int VisibleUnits,
        int HiddenUnits,
        int ImageWidth,
        int ImageHeight,
        string DataSpecJson,
        string? PatchesJson,
        string? EvaluationsJson,
        float? ReconstructionError,
        float? TestError,
        string? Architecture,
        string? Description,
        ModelVisibility Visibility,
        string OwnerId);

    /// <summary>Projects models to <see cref="ModelRow"/> in the database.</summary>
    public static IQueryable<ModelRow> Rows(IQueryable<TrainedModel> models) => models.AsNoTracking().Select(m => new ModelRow(
        m.Id,
        m.Name,
        m.Kind,
        m.JobId,
        m.CreatedAt,
        m.InputUnits,
        m.OutputUnits,
        m.ImageWidth,
        m.ImageHeight,
        m.DataSpecJson,
        m.PatchesJson,
        m.EvaluationsJson,
        m.ReconstructionError,
        m.TestError,
        m.Architecture,
        m.Description,
        m.Visibility,
        m.OwnerId));

    /// <summary>
    /// Models as the models list shows them (untracked): no file, no metrics and no evaluations — the model card
    /// (GET /api/models/{id}) has those.
    /// </summary>
    public static IQueryable<TrainedModel> Listed(IQueryable<TrainedModel> models) =>
        models.AsNoTracking().Select(m => new TrainedModel
        {
            Id = m.Id,
            Name = m.Name,
            Kind = m.Kind,
            JobId = m.JobId,
            OwnerId = m.OwnerId,
            CreatedAt = m.CreatedAt,
            InputUnits = m.InputUnits,
            OutputUnits = m.OutputUnits,
            ImageWidth = m.ImageWidth,
            ImageHeight = m.ImageHeight,
            OptionsJson = m.OptionsJson,
            DataSpecJson = m.DataSpecJson,
            ReconstructionError = m.ReconstructionError,
            TestError = m.TestError,
            Architecture = m.Architecture,
            SizeBytes = m.SizeBytes,
            PatchesJson = m.PatchesJson,
        });

    /// <summary>A row of the models list: the model's <see cref="ModelDto"/> without report, metrics and evaluations.</summary>
    public static ModelDto ToListed(TrainedModel model, ModelKindRegistry kinds) =>
        ToDto(model, kinds) with { Report = null, Metrics = null, Evaluations = [] };

    /// <summary>Models with every column but the safetensors file (untracked).</summary>
    public static IQueryable<TrainedModel> WithoutFile(IQueryable<TrainedModel> models) =>
        models.AsNoTracking().Select(m => new TrainedModel
        {
            Id = m.Id,
            Name = m.Name,
            Kind = m.Kind,
            JobId = m.JobId,
            OwnerId = m.OwnerId,
            Visibility = m.Visibility,
            ShareToken = m.ShareToken,
            Description = m.Description,
            ParentModelId = m.ParentModelId,
            Source = m.Source,
            CreatedAt = m.CreatedAt,
            InputUnits = m.InputUnits,
            OutputUnits = m.OutputUnits,
            ImageWidth = m.ImageWidth,
            ImageHeight = m.ImageHeight,
            OptionsJson = m.OptionsJson,
            DataSpecJson = m.DataSpecJson,
            MetricsJson = m.MetricsJson,
            ReconstructionError = m.ReconstructionError,
            TestError = m.TestError,
            Architecture = m.Architecture,
            SizeBytes = m.SizeBytes,
            PatchesJson = m.PatchesJson,
            EvaluationsJson = m.EvaluationsJson,
        });

    /// <summary>
    /// The model card: the model's <see cref="ModelDto"/> with its sharing part as <paramref name="viewerId"/> may see it, and
    /// without the metrics that list training rows when the viewer may not read the model's data (<see cref="TrainingDataAccess"/>).
    /// </summary>
    /// <param name="viewerId">The caller's user id; null for an anonymous caller (an unlisted link).</param>
    public static async Task<ModelDto> ToModelDtoAsync(
        DeepNetDbContext db, TrainedModel model, string? viewerId, ModelKindRegistry kinds, TrainingDataAccess trainingData, CancellationToken cancellationToken)
    {
        var dto = ToDto(model, kinds) with { Sharing = await ModelSharing.DescribeAsync(db, model, viewerId, cancellationToken) };
        return await trainingData.CanReadModelDataAsync(model.Id, viewerId, cancellationToken)
            ? dto
            : dto with
            {
                Metrics = dto.Metrics is { } metrics ? trainingData.WithoutRows(model.Kind, metrics) : null,
                Withheld = trainingData.Withheld(model.Kind),
            };
    }

    /// <summary>The API view of a stored model; its kind describes its spec.</summary>
    public static ModelDto ToDto(TrainedModel model, ModelKindRegistry kinds) => ToDto(model, kinds.Find(model.Kind)?.DescribeSpecs(model.OptionsJson) ?? JobSpecs.None);

    private static ModelDto ToDto(TrainedModel model, JobSpecs specs) => new(
        model.Id,
        model.Name,
        model.Kind,
        model.JobId,
        model.CreatedAt,
        model.InputUnits,
        model.OutputUnits,
        model.ImageWidth,
        model.ImageHeight,
        specs.Rbm,
        JobMapper.ReadDataSpec(model.DataSpecJson),
        model.ReconstructionError,
        model.SizeBytes,
        $"/api/models/{model.Id}/file",
        model.PatchesJson is null ? null : JsonSerializer.Deserialize<ModelPatchesDto>(model.PatchesJson, JsonDefaults.Options),
        JobMapper.ReadFinalReport(model.MetricsJson),
        model.EvaluationsJson is null ? [] : JsonSerializer.Deserialize<List<EvaluationDto>>(model.EvaluationsJson, JsonDefaults.Options),
        specs.Dbn,
        specs.Cnn,
        model.TestError,
        model.Architecture,
        specs.Rbm is not null ? null : JsonSerializer.Deserialize<JsonElement>(model.MetricsJson));

    /// <summary>Gallery cards of <paramref name="rows"/>, in the same order (authors and thumbnails in two queries).</summary>
    public static async Task<List<GalleryCardDto>> ToCardsAsync(DeepNetDbContext db, IReadOnlyList<ModelRow> rows, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        var authors = await DisplayNamesAsync(db, rows.Select(r => r.OwnerId), cancellationToken);
        var jobIds = rows.Where(r => r.JobId is not null).Select(r => r.JobId!.Value).Distinct().ToList();
        var thumbnailKinds = kinds.ThumbnailImageKinds;
        var thumbnails = (await db.JobImages.AsNoTracking()
                .Where(i => jobIds.Contains(i.JobId) && thumbnailKinds.Contains(i.Kind))
                .Select(i => new { i.JobId, i.Kind })
                .ToListAsync(cancellationToken))
            .Select(i => (i.JobId, i.Kind))
            .ToHashSet();
        return rows.Select(r => ToCard(r, authors.GetValueOrDefault(r.OwnerId, ""), r.JobId is { } jobId && kinds.Find(r.Kind) is { } kind && thumbnails.Contains((jobId, kind.Images.Thumbnail)))).ToList();
    }

    public static GalleryCardDto ToCard(ModelRow row, string author, bool hasThumbnail)
    {
        var (metricName, metricValue) = Metric(row.TestError, row.EvaluationsJson, row.ReconstructionError);
        return new GalleryCardDto(
            row.Id,
            row.Name,
            row.Kind,
            ArchitectureOf(row.Architecture, row.VisibleUnits, row.HiddenUnits),
            DatasetLabel(row.DataSpecJson, row.PatchesJson, row.ImageWidth, row.ImageHeight, row.VisibleUnits),
            metricName,
            metricValue,
            author,
            row.CreatedAt,
            row.Visibility,
            hasThumbnail ? ThumbnailUrl(row.Id) : null);
    }

    public static string ThumbnailUrl(Guid modelId) => $"/api/models/{modelId}/thumbnail";

    /// <summary>The version of the stored thumbnail of a model trained by <paramref name="jobId"/>, or null when it has none.</summary>
    public static async Task<int?> ThumbnailVersionAsync(DeepNetDbContext db, Guid? jobId, IModelKind? modelKind, CancellationToken cancellationToken)
    {
        if (jobId is not { } id || modelKind is null)
        {
            return null;
        }

        string kind = modelKind.Images.Thumbnail;
        return await db.JobImages.AsNoTracking()
            .Where(i => i.JobId == id && i.Kind == kind)
            .Select(i => (int?)i.Version)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The stored thumbnail PNG of a model trained by <paramref name="jobId"/>, or null (imported models have no job).</summary>
    public static async Task<byte[]?> ThumbnailAsync(DeepNetDbContext db, Guid? jobId, IModelKind? modelKind, CancellationToken cancellationToken)
    {
        if (jobId is not { } id || modelKind is null)
        {
            return null;
        }

        string kind = modelKind.Images.Thumbnail;
        return await db.JobImages.AsNoTracking()
            .Where(i => i.JobId == id && i.Kind == kind)
            .Select(i => i.Png)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Display name by user id for the given ids (unknown ids are left out); never the e-mail address.</summary>
    public static async Task<Dictionary<string, string>> DisplayNamesAsync(DeepNetDbContext db, IEnumerable<string> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        var users = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName })
            .ToListAsync(cancellationToken);
        return users.ToDictionary(u => u.Id, u => u.DisplayName, StringComparer.Ordinal);
    }

    /// <summary>The display name of one user ("" for an unknown id).</summary>
    public static async Task<string> DisplayNameAsync(DeepNetDbContext db, string userId, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken) ?? "";

    /// <summary>
    /// The headline metric: a classifier's test error (percent); else the AIS estimate of the average test
    /// log-probability when the model's evaluations include one; else the reconstruction error of the last epoch.
    /// </summary>
    public static (string? Name, double? Value) Metric(float? testError, string? evaluationsJson, float? reconstructionError)
    {
        if (testError is { } error)
        {
            return (TestErrorMetric, error);
        }

        if (AisLogLikelihood(evaluationsJson) is { } logLikelihood)
        {
            return (AisMetric, logLikelihood);
        }

        return reconstructionError is { } reconstruction ? (ReconstructionErrorMetric, reconstruction) : (null, null);
    }

    /// <summary>Whether a larger value of the metric is better (log-likelihood) rather than a smaller one (errors).</summary>
    public static bool HigherIsBetter(string? metricName) => metricName == AisMetric;

    /// <summary>The result's avgTestLogProbability of the "ais" evaluation in a model's evaluations array, or null.</summary>
    public static double? AisLogLikelihood(string? evaluationsJson)
    {
        if (string.IsNullOrEmpty(evaluationsJson))
        {
            return null;
        }

        using var evaluations = JsonDocument.Parse(evaluationsJson);
        if (evaluations.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var evaluation in evaluations.RootElement.EnumerateArray())
        {
            if (evaluation.ValueKind == JsonValueKind.Object
                && evaluation.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == RbmKinds.AisEvaluation
                && evaluation.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                && result.TryGetProperty("avgTestLogProbability", out var value) && value.ValueKind == JsonValueKind.Number)
            {
                return value.GetDouble();
            }
        }

        return null;
    }

    /// <summary>The stored architecture ("784-500-500-2000-10", "LeNet-5"), or "visible-hidden" for an RBM.</summary>
    public static string ArchitectureOf(string? architecture, int visibleUnits, int hiddenUnits) =>
        architecture ?? string.Create(CultureInfo.InvariantCulture, $"{visibleUnits}-{hiddenUnits}");

    /// <summary>
    /// The training data (a <see cref="DeepNet.Data.DataSpec"/>) in words: "MNIST 28×28, digits 0-9", "MNIST 16×16, digits 1-3, 1000 images, binarized",
    /// "uploaded data set 32×32", "10×10 patches of chelsea".
    /// </summary>
    public static string DatasetLabel(string dataSpecJson, string? patchesJson, int imageWidth, int imageHeight, int visibleUnits)
    {
        // Only patch models carry a patches spec.
        if (JobMapper.ReadPatches(patchesJson) is { } patches)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{patches.PatchSize}×{patches.PatchSize} patches of {ImageName(patches.TrainImage)}");
        }

        var spec = JobMapper.ReadDataSpec(dataSpecJson);
        var parts = new List<string>();
        if (spec.Dataset == DataSpecValidator.UserDataset)
        {
            parts.Add(imageWidth > 0 && imageHeight > 0
                ? string.Create(CultureInfo.InvariantCulture, $"uploaded data set {imageWidth}×{imageHeight}")
                : string.Create(CultureInfo.InvariantCulture, $"uploaded data set, {visibleUnits} features"));
        }
        else
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"MNIST {spec.ImageSize}×{spec.ImageSize}"));
            parts.Add("digits " + Digits(spec.Classes));
            if (spec.Split == "test")
            {
                parts.Add("test split");
            }
        }

        if (spec.Limit is { } limit)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{limit} images"));
        }

        if (spec.BinarizeThreshold is not null)
        {
            parts.Add("binarized");
        }

        return string.Join(", ", parts);
    }

    /// <summary>"0-9" for all digits, "1-3" for a run, "1, 3, 5" otherwise.</summary>
    public static string Digits(int[]? classes)
    {
        if (classes is null || classes.Length == 0)
        {
            return "0-9";
        }

        int[] sorted = classes.Distinct().Order().ToArray();
        bool run = sorted.Length > 1 && sorted[^1] - sorted[0] == sorted.Length - 1;
        return run
            ? string.Create(CultureInfo.InvariantCulture, $"{sorted[0]}-{sorted[^1]}")
            : string.Join(", ", sorted.Select(d => d.ToString(CultureInfo.InvariantCulture)));
    }


    /// <summary>"builtin:chelsea" → "chelsea"; an uploaded image's id → "an uploaded image" (its name is its owner's).</summary>
    private static string ImageName(string reference) =>
        reference.StartsWith("builtin:", StringComparison.Ordinal) ? reference["builtin:".Length..] : "an uploaded image";
}
