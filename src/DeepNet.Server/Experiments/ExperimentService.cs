using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Experiments;

/// <summary>
/// Starts tables (one queued job per row, stored with the experiment in one transaction) and reads them back with each
/// row's status and errors: final errors from the row's model, or the latest epoch's while it trains.
/// </summary>
public sealed class ExperimentService(
    IEnumerable<IExperimentDefinition> definitions,
    ModelKindRegistry kinds,
    IDbContextFactory<DeepNetDbContext> contexts,
    JobQueue queue,
    JobLiveFeed feed,
    JobAdmission admission,
    JobBudget budget,
    TimeProvider clock)
{
    private readonly Dictionary<string, IExperimentDefinition> _definitions = definitions.ToDictionary(d => d.Kind, StringComparer.Ordinal);

    /// <summary>The tables with each scale's rows as they would be queued now: setting and estimated run time.</summary>
    public async Task<IReadOnlyList<ExperimentDefinitionDto>> DefinitionsAsync(RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        var list = new List<ExperimentDefinitionDto>(_definitions.Count);
        foreach (var definition in _definitions.Values.OrderBy(d => d.Kind, StringComparer.Ordinal))
        {
            var scales = new List<ExperimentScaleDto>(2);
            foreach (string scale in (string[])[ExperimentScales.Quick, ExperimentScales.Full])
            {
                var rows = new List<ExperimentRowPlanDto>();
                foreach (var row in definition.Rows(scale))
                {
                    var draft = await DraftAsync(definition, row, row.Job with { Name = definition.Title }, db, cancellationToken);
                    rows.Add(new ExperimentRowPlanDto(
                        row.Key,
                        ExperimentRowSettings.Describe(draft.Kind, draft.OptionsJson, draft.DataSpecJson),
                        draft.Estimate is { } estimate ? budget.RunSeconds(estimate) : 0));
                }

                scales.Add(new ExperimentScaleDto(scale, rows.Sum(r => r.EstimatedRunSeconds), rows));
            }

            list.Add(ToDto(definition, scales));
        }

        return list;
    }

    /// <summary>
    /// Validates the request and starts the table; errors are keyed by field ("kind", "scale", "name"), a row over the
    /// per-job budget under "scale"; <c>Refused</c> is the 409 when the owner's queue cannot take the table's rows.
    /// </summary>
    public async Task<(ExperimentDto? Experiment, Dictionary<string, string[]> Errors, ProblemHttpResult? Refused)> CreateAsync(CreateExperimentRequest? request, RequestUser viewer, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string scale = request?.Scale ?? ExperimentScales.Full;
        if (!ExperimentScales.IsKnown(scale))
        {
            errors["scale"] = [$"must be '{ExperimentScales.Full}' or '{ExperimentScales.Quick}', got '{scale}'"];
        }

        if (request?.Name is { } requestedName && UserText.NameProblem(requestedName, DeepNetDbContext.NameMaxLength) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        IExperimentDefinition? definition = null;
        if (request?.Kind is not { } kind || !_definitions.TryGetValue(kind, out definition))
        {
            errors["kind"] = [$"must be one of {string.Join(", ", _definitions.Keys.Order(StringComparer.Ordinal))}, got '{request?.Kind}'"];
        }

        if (errors.Count > 0 || definition is null)
        {
            return (null, errors, null);
        }

        string name = request!.Name?.Trim() ?? definition.Title;
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var jobs = new List<(string Key, Job Job)>();
        var drafts = new List<JobDraft>();
        foreach (var row in definition.Rows(scale))
        {
            // Short: the job lists show each row under its experiment's name.
            var draft = await DraftAsync(definition, row, row.Job with { Name = Truncate(row.Label) }, db, cancellationToken);

            foreach (var (field, messages) in admission.OverBudget(draft))
            {
                errors["scale"] = [.. errors.GetValueOrDefault("scale") ?? [], .. messages.Select(m => $"row '{row.Label}' ({field}): {m}")];
            }

            // One tick apart, so the owner's turns in the queue run the rows in table order.
            jobs.Add((row.Key, JobStore.NewJob(draft, viewer.Id, now.AddTicks(jobs.Count), budget)));
            drafts.Add(draft);
        }

        if (errors.Count > 0)
        {
            return (null, errors, null);
        }

        if (await admission.RefuseAsync(viewer.Id, drafts, cancellationToken) is { } refused)
        {
            return (null, errors, refused);
        }

        var experiment = new Experiment
        {
            Id = Guid.NewGuid(),
            Kind = definition.Kind,
            Name = name,
            Scale = scale,
            CreatedAt = now,
            OwnerId = viewer.Id,
            RowsJson = ExperimentRows.Write(jobs.Select(j => new ExperimentRow(j.Key, j.Job.Id))),
        };
        db.Jobs.AddRange(jobs.Select(j => j.Job));
        db.Experiments.Add(experiment);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (_, job) in jobs)
        {
            queue.Notify(job.Id);
            feed.PublishStatus(JobMapper.ToDto(job, kinds.Find(job.Kind), []));
        }

        return (await GetAsync(experiment.Id, viewer, cancellationToken), errors, null);
    }

    public async Task<IReadOnlyList<ExperimentDto>> ListAsync(RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        var ids = await db.Experiments.AsNoTracking().OrderByDescending(e => e.CreatedAt).Select(e => e.Id).ToListAsync(cancellationToken);
        var list = new List<ExperimentDto>(ids.Count);
        foreach (var id in ids)
        {
            if (await ReadAsync(db, id, cancellationToken) is { } experiment)
            {
                list.Add(experiment);
            }
        }

        return list;
    }

    public async Task<ExperimentDto?> GetAsync(Guid id, RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        return await ReadAsync(db, id, cancellationToken);
    }

    /// <summary>The job ids of an experiment's rows, or null when it does not exist.</summary>
    public async Task<IReadOnlyList<Guid>?> GetJobIdsAsync(Guid id, RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        var experiment = await db.Experiments.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        return experiment is null ? null : ReadRows(experiment).Select(r => r.JobId).ToList();
    }

    private async Task<ExperimentDto?> ReadAsync(DeepNetDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var experiment = await db.Experiments.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (experiment is null)
        {
            return null;
        }

        var stored = ReadRows(experiment);
        var jobIds = stored.Select(r => r.JobId).ToList();
        var jobs = await db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
        var modelIds = jobs.Values.Where(j => j.ModelId is not null).Select(j => j.ModelId!.Value).ToList();
        var metrics = await db.TrainedModels.AsNoTracking().Where(m => modelIds.Contains(m.Id))
            .Select(m => new { m.Id, m.MetricsJson, m.TestError }).ToDictionaryAsync(m => m.Id, cancellationToken);
        var latest = await db.JobStageEpochs.AsNoTracking().Where(e => jobIds.Contains(e.JobId))
            .GroupBy(e => e.JobId)
            .Select(g => g.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Epoch).First())
            .ToDictionaryAsync(e => e.JobId, cancellationToken);

        _definitions.TryGetValue(experiment.Kind, out var definition);
        var defined = definition?.Rows(experiment.Scale).ToDictionary(r => r.Key, StringComparer.Ordinal) ?? [];
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = new List<ExperimentRowDto>(stored.Count);
        foreach (var row in stored)
        {
            defined.TryGetValue(row.Key, out var rowDefinition);
            if (!jobs.TryGetValue(row.JobId, out var job))
            {
                continue; // the job was deleted
            }

            var errors = job.ModelId is { } modelId && metrics.TryGetValue(modelId, out var model)
                ? FinalErrors(model.MetricsJson, model.TestError)
                : latest.TryGetValue(job.Id, out var epoch) ? LatestErrors(epoch.MetricsJson) : default;
            var progress = job.Status == JobStatus.Running ? feed.GetProgress(job.Id) : null;
            double? fraction = JobStateMachine.IsFinished(job.Status) ? (job.Status == JobStatus.Succeeded ? 1 : null) : progress?.Fraction;
            double? seconds = job.StartedAt is { } started ? ((job.FinishedAt ?? now) - started).TotalSeconds : null;
            rows.Add(new ExperimentRowDto(
                row.Key,
                rowDefinition?.Label ?? row.Key,
                rowDefinition?.PublishedTestError,
                rowDefinition?.Source ?? "",
                job.Id,
                job.Status,
                fraction,
                job.Status == JobStatus.Running ? progress?.Phase ?? job.ProgressPhase : null,
                errors.Train,
                errors.Valid,
                errors.Test,
                job.ModelId,
                job.Error,
                seconds,
                ExperimentRowSettings.Describe(job.Kind, job.OptionsJson, job.DataSpecJson),
                job.EstimatedRunSeconds));
        }

        return new ExperimentDto(
            experiment.Id,
            experiment.Kind,
            definition?.Title ?? experiment.Kind,
            definition?.Description ?? "",
            experiment.Name,
            experiment.Scale,
            experiment.CreatedAt,
            rows.All(r => JobStateMachine.IsFinished(r.Status)),
            rows);
    }

    /// <summary>A row's job validated by its kind; a definition whose row does not validate is a bug, not a bad request.</summary>
    private async Task<JobDraft> DraftAsync(
        IExperimentDefinition definition, ExperimentRowDefinition row, CreateJobRequest jobRequest, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var jobKind = kinds.Resolve(jobRequest.Kind)
            ?? throw new InvalidOperationException($"Experiment {definition.Kind} row {row.Key} uses job kind '{jobRequest.Kind}', which has no registered IModelKind.");
        var validation = await jobKind.ValidateAsync(jobRequest, db, cancellationToken);
        return validation.Draft ?? throw new InvalidOperationException(
            $"Experiment {definition.Kind} row {row.Key} has an invalid job: {string.Join("; ", validation.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}.");
    }

    private static List<ExperimentRow> ReadRows(Experiment experiment) => ExperimentRows.Read(experiment.RowsJson);

    /// <summary>"errors": {train, valid, test} of a classifier model's metrics.</summary>
    private static (double? Train, double? Valid, double? Test) FinalErrors(string metricsJson, float? testError)
    {
        using var document = JsonDocument.Parse(metricsJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("errors", out var errors))
        {
            return (null, null, testError);
        }

        return (Number(errors, "train"), Number(errors, "valid"), Number(errors, "test") ?? testError);
    }

    /// <summary>trainError and validError of the latest stage epoch (null for stages that do not classify, e.g. pre-training).</summary>
    private static (double? Train, double? Valid, double? Test) LatestErrors(string metricsJson)
    {
        using var document = JsonDocument.Parse(metricsJson);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? (Number(document.RootElement, "trainError"), Number(document.RootElement, "validError"), null)
            : default;
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static string Truncate(string name) =>
        name.Length <= DeepNetDbContext.NameMaxLength ? name : name[..DeepNetDbContext.NameMaxLength];

    private ExperimentDefinitionDto ToDto(IExperimentDefinition definition, IReadOnlyList<ExperimentScaleDto> scales) => new(
        definition.Kind,
        definition.Title,
        definition.Description,
        definition.Rows(ExperimentScales.Full)
            .Select(r => new ExperimentRowDefinitionDto(r.Key, r.Label, r.PublishedTestError, r.Source, r.Job.Kind ?? kinds.Default.Kind))
            .ToList(),
        scales);
}
