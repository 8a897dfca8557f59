using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>
/// The one rule for views derived from training data: what a viewer is shown of a job's or model's training rows —
/// images drawn from them (reconstructions, misclassified digits, a row's feature maps, Gibbs chains started from data)
/// and metrics that list rows with their labels — comes only from data the viewer may read. Built-in data (MNIST, the
/// built-in photos) is everyone's; an uploaded data set or image is its owner's alone. So a model shared publicly, with a
/// class or by an unlisted link shows those views to whoever may read its data, and to nobody else: they get them from
/// MNIST test digits where that is cheap (the Gibbs demo) or not at all (the image answers 404, the job and the model
/// say what they withhold). Every endpoint and hub method that shows such a view asks this class; the job runner asks it
/// whether a job's owner may still read what the job starts from.
/// </summary>
public sealed class TrainingDataAccess(IDbContextFactory<DeepNetDbContext> contexts, ModelKindRegistry kinds)
{
    /// <summary>Why a view is withheld, as the API and the browser say it.</summary>
    public const string WithheldReason = "Made from a private data set (or uploaded image) that only its owner can read.";

    /// <summary>The uploaded data sets and images behind a job or model of <paramref name="kind"/> (see <see cref="IModelKind.SourcesOf"/>).</summary>
    public TrainingSources SourcesOf(string kind, DataSpec data, string? patchesJson) =>
        kinds.Find(kind)?.SourcesOf(data, patchesJson) ?? TrainingSources.Of(data);

    /// <summary>Whether <paramref name="viewerId"/> (null or "" for nobody signed in) may read every one of <paramref name="sources"/>.</summary>
    public async Task<bool> CanReadAsync(TrainingSources sources, string? viewerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.IsEmpty)
        {
            return true;
        }

        if (string.IsNullOrEmpty(viewerId))
        {
            return false;
        }

        await using var db = await contexts.CreateViewAsync(ViewOf(viewerId), cancellationToken);
        var datasets = sources.Datasets.Distinct().ToList();
        var images = sources.Images.Distinct().ToList();
        return await db.UserDatasets.AsNoTracking().CountAsync(d => datasets.Contains(d.Id), cancellationToken) == datasets.Count
            && await db.UserImages.AsNoTracking().CountAsync(i => images.Contains(i.Id), cancellationToken) == images.Count;
    }

    /// <summary>
    /// Whether <paramref name="viewerId"/> may see what job <paramref name="jobId"/> drew from its training data. Its owner
    /// may: the data was checked through their view when the job was submitted, so what the job drew from it stays theirs
    /// even after the data set is deleted. Anyone else may when they may read every source.
    /// </summary>
    public async Task<bool> CanReadJobDataAsync(Guid jobId, string? viewerId, CancellationToken cancellationToken) =>
        await ReadJobAsync(jobId, viewerId, cancellationToken) is { CanRead: true };

    /// <summary>Whether image <paramref name="imageKind"/> of job <paramref name="jobId"/> is drawn from training data <paramref name="viewerId"/> may not read.</summary>
    public async Task<bool> WithholdsImageAsync(Guid jobId, string imageKind, string? viewerId, CancellationToken cancellationToken) =>
        await ReadJobAsync(jobId, viewerId, cancellationToken) is { CanRead: false } job && IsFromTrainingData(job.Kind, imageKind);

    /// <summary>
    /// Whether <paramref name="viewerId"/> may read the data model <paramref name="modelId"/> was trained on: as its job's
    /// owner, or by reading every source. The owner of an imported model is no exception: its data spec is whatever its file said.
    /// </summary>
    public async Task<bool> CanReadModelDataAsync(Guid modelId, string? viewerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var model = await db.TrainedModels.AsNoTracking()
            .Where(m => m.Id == modelId)
            .Select(m => new { m.OwnerId, m.Source, m.Kind, m.DataSpecJson, m.PatchesJson })
            .SingleOrDefaultAsync(cancellationToken);
        return model is not null
            && ((model.Source == ModelSources.Training && model.OwnerId == viewerId)
                || await CanReadAsync(SourcesOf(model.Kind, JobMapper.ReadDataSpec(model.DataSpecJson), model.PatchesJson), viewerId, cancellationToken));
    }

    /// <summary>Whether image <paramref name="imageKind"/> of a job of <paramref name="modelKind"/> is drawn from its training rows.</summary>
    public bool IsFromTrainingData(string modelKind, string imageKind) => kinds.IsFromTrainingData(modelKind, imageKind);

    /// <summary>
    /// <paramref name="job"/> as a viewer who may not read its data sees it: stage metrics without the rows they list,
    /// no links to images drawn from the data, and <see cref="JobDto.Withheld"/> saying what is left out and why.
    /// </summary>
    public JobDto Withhold(JobDto job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var kind = kinds.Find(job.Kind);
        return job with
        {
            Stages = job.Stages?.Select(s => Withhold(job.Kind, s)).ToList(),
            Evaluations = job.Evaluations?.Select(e =>
                    kind?.Images.EvaluationImage(e.Kind) is { } image && IsFromTrainingData(job.Kind, image) ? e with { ImageUrl = null } : e)
                .ToList(),
            Withheld = Withheld(job.Kind),
        };
    }

    /// <summary>A stage epoch of a job of <paramref name="modelKind"/> without the metrics that list training rows.</summary>
    public StageEpochDto Withhold(string modelKind, StageEpochDto epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        return epoch with { Metrics = WithoutRows(modelKind, epoch.Metrics) };
    }

    /// <summary>What a viewer who may not read the data of a job or model of <paramref name="modelKind"/> is not shown.</summary>
    public WithheldDto Withheld(string modelKind)
    {
        var kind = kinds.Find(modelKind);
        return new WithheldDto(kind?.Images.FromTrainingData ?? [], kind?.MetricsFromTrainingData ?? [], WithheldReason);
    }

    /// <summary>The images a viewer who may not read the job's data may see: those not drawn from it.</summary>
    public IReadOnlyList<ImageMessage> Withhold(string modelKind, IReadOnlyList<ImageMessage> images) =>
        images.Where(i => !IsFromTrainingData(modelKind, i.Kind)).ToList();

    /// <summary>A model's metrics (a JSON object) without the properties of <paramref name="modelKind"/> that list training rows.</summary>
    public JsonElement WithoutRows(string modelKind, JsonElement metrics) =>
        WithoutRows(metrics, kinds.Find(modelKind)?.MetricsFromTrainingData ?? []);

    /// <summary>
    /// Why job <paramref name="job"/> may not start or go on, or null when it may: the model it was forked from or the data
    /// it trains on is no longer readable by its owner (unshared, made private, deleted).
    /// </summary>
    public async Task<string?> UnreadableSourceAsync(Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (JobStart.Read(job.OptionsJson) is { } start)
        {
            await using var db = await contexts.CreateViewAsync(ViewOf(job.OwnerId), cancellationToken);
            if (!await db.TrainedModels.AsNoTracking().AnyAsync(m => m.Id == start.ModelId, cancellationToken))
            {
                return $"The source is no longer readable: model {start.ModelId}, which this job was forked from, "
                    + "was made private, unshared or deleted, so the job's owner may no longer read it.";
            }
        }

        var sources = SourcesOf(job.Kind, JobMapper.ReadDataSpec(job.DataSpecJson), job.PatchesJson);
        return await CanReadAsync(sources, job.OwnerId, cancellationToken)
            ? null
            : "The source is no longer readable: the data set or uploaded image this job trains on was deleted or belongs to someone else.";
    }

    private async Task<(string Kind, bool CanRead)?> ReadJobAsync(Guid jobId, string? viewerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId)
            .Select(j => new { j.OwnerId, j.Kind, j.DataSpecJson, j.PatchesJson })
            .SingleOrDefaultAsync(cancellationToken);
        if (job is null)
        {
            return null;
        }

        return (job.Kind, job.OwnerId == viewerId
            || await CanReadAsync(SourcesOf(job.Kind, JobMapper.ReadDataSpec(job.DataSpecJson), job.PatchesJson), viewerId, cancellationToken));
    }

    private static RequestUser ViewOf(string userId)
    {
        var viewer = new RequestUser();
        viewer.Set(userId);
        return viewer;
    }

    private static JsonElement WithoutRows(JsonElement metrics, IReadOnlyList<string> properties)
    {
        if (properties.Count == 0 || metrics.ValueKind != JsonValueKind.Object || !properties.Any(p => metrics.TryGetProperty(p, out _)))
        {
            return metrics;
        }

        var node = JsonNode.Parse(metrics.GetRawText())!.AsObject();
        foreach (string property in properties)
        {
            node.Remove(property);
        }

        return JsonSerializer.SerializeToElement(node, JsonDefaults.Options);
    }
}
