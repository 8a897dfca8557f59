using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Runs one job to its end on the calling (dedicated) thread: load data, train or resume from the checkpoint,
/// run the evaluations, store the model. A cancel request ends it Canceled; application shutdown leaves it Running with its
/// checkpoint so the next start resumes it.
/// </summary>
public sealed class JobRunner(
    JobStore store,
    JobLiveFeed feed,
    IDbContextFactory<DeepNetDbContext> contexts,
    ImageLibrary images,
    JobKindRegistry kinds,
    TimeProvider clock,
    ILogger<JobRunner> logger)
{
    public void Run(Guid jobId, CancellationToken cancel, CancellationToken stopping)
    {
        var job = Wait(store.FindAsync(jobId));
        if (job is null || job.Status != JobStatus.Queued)
        {
            return;
        }

        if (!Wait(store.TryTransitionAsync(jobId, JobStatus.Queued, JobStatus.Running)))
        {
            return;
        }

        PublishStatus(jobId);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, stopping);
        try
        {
            if (kinds.Find(job.Kind) is { } kind)
            {
                kind.Run(job, linked.Token);
            }
            else
            {
                Train(job, linked.Token);
            }

            logger.LogInformation("Job {JobId} succeeded.", jobId);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Canceled));
            logger.LogInformation("Job {JobId} was canceled.", jobId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Not a user cancel: the job stays Running with its last checkpoint and resumes on the next start.
            logger.LogInformation("Job {JobId} interrupted by shutdown; it resumes from its last checkpoint on the next start.", jobId);
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {JobId} failed.", jobId);
            Wait(store.TryTransitionAsync(jobId, JobStatus.Running, JobStatus.Failed, ex.Message));
        }

        PublishStatus(jobId);
    }

    private void Train(Job job, CancellationToken cancellationToken)
    {
        var options = JobMapper.ReadOptions(job.OptionsJson);
        var spec = JobMapper.ReadDataSpec(job.DataSpecJson);
        var patches = JobMapper.ReadPatches(job.PatchesJson);
        var evaluation = JobMapper.ReadEvaluation(job.EvaluationJson);
        var data = Wait(JobData.LoadAsync(job.Kind, options, spec, patches, contexts, images, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();

        var trainer = CreateTrainer(job, options, data.Train, cancellationToken);
        Wait(store.SetStageAsync(job.Id, JobStages.Training));
        var versions = Wait(store.GetImagesAsync(job.Id)).ToDictionary(i => i.Kind, i => i.Version);
        var monitor = new RbmMonitor(data.Train, data.HeldOut, options.Seed);
        var observer = new JobTrainingObserver(
            job.Id, store, feed, data.Train.Rows, options.BatchSize, data.Preview, data.TileWidth, data.TileHeight, monitor, versions);
        var rbm = trainer.Train(observer, cancellationToken);

        var history = trainer.CaptureState().History;
        // A job resumed after its last epoch (it was evaluating) has no fresh report from the observer.
        var finalReport = observer.LastReport ?? EpochReportDto.From(monitor.Report(history.Count, rbm));
        var evaluations = Evaluate(job, rbm, data, options, spec, patches, evaluation, cancellationToken);

        var createdAt = clock.GetUtcNow().UtcDateTime;
        var modelId = Guid.NewGuid();
        string optionsJson = JobMapper.ToJson(options);
        string specJson = JobMapper.ToJson(spec);
        float? finalError = history.Count > 0 ? history[^1].ReconstructionError : null;
        string metricsJson = JobMapper.ToJson(new
        {
            reconstructionError = finalError,
            epochs = history.Count,
            history = history.Select(m => new { m.Epoch, m.ReconstructionError, m.SamplesPerSecond, m.Seconds }),
            report = finalReport,
        });
        string? patchesJson = patches is null || data.Standardizer is null
            ? null
            : JobMapper.ToJson(new ModelPatchesDto(patches, JsonDocument.Parse(data.Standardizer.ToJson()).RootElement.Clone()));
        string? evaluationsJson = evaluations.Count == 0 ? null : JobMapper.ToJson(evaluations);
        var metadata = ModelMetadata.Create(job, JobMapper.RbmKind, modelId, createdAt, optionsJson, specJson, metricsJson, data.TileWidth, data.TileHeight);
        if (patchesJson is not null)
        {
            metadata["patches"] = patchesJson;
        }

        if (evaluationsJson is not null)
        {
            metadata["evaluations"] = evaluationsJson;
        }

        byte[] file = RbmModelFile.Save(rbm, metadata);
        var model = new TrainedModel
        {
            Id = modelId,
            Name = job.Name,
            Kind = job.Kind,
            JobId = job.Id,
            CreatedAt = createdAt,
            VisibleUnits = rbm.VisibleUnits,
            HiddenUnits = rbm.HiddenUnits,
            ImageWidth = data.TileWidth,
            ImageHeight = data.TileHeight,
            OptionsJson = optionsJson,
            DataSpecJson = specJson,
            MetricsJson = metricsJson,
            ReconstructionError = finalError,
            SizeBytes = file.LongLength,
            File = file,
            PatchesJson = patchesJson,
            EvaluationsJson = evaluationsJson,
            ParentModelId = ModelForkStart.Read(job.OptionsJson)?.ModelId,
        };
        if (!Wait(store.CompleteAsync(job.Id, model)))
        {
            throw new InvalidOperationException($"Job {job.Id} was no longer running when its model was stored.");
        }
    }

    /// <summary>
    /// Runs the evaluations the job asked for (and the patch reconstruction of every patch job) that are not stored yet —
    /// after a restart only the missing ones run again. The job stays Running with stage "evaluating".
    /// </summary>
    private List<EvaluationDto> Evaluate(
        Job job, Rbm rbm, JobData data, RbmOptions options, DataSpec spec, PatchesSpec? patches, EvaluationSpec? evaluation, CancellationToken cancellationToken)
    {
        var plan = new List<(string Kind, Func<(object Result, byte[]? Png)> Run)>();
        if (evaluation?.Ais is { } ais)
        {
            plan.Add((JobKinds.AisEvaluation, () =>
            {
                var test = job.Kind == JobKinds.Rbm && spec.Dataset == DataSpecValidator.MnistDataset
                    ? DatasetLoader.Load(spec with { Split = DataSpecValidator.TestSplit, Limit = ais.TestLimit }).Features
                    : JobData.FirstRows(data.HeldOut, ais.TestLimit);
                return (JobEvaluator.Ais(rbm, data.Train, test, ais, options.Seed, cancellationToken), null);
            }));
        }

        if (evaluation?.PerClass == true)
        {
            plan.Add((JobKinds.PerClassEvaluation, () => JobEvaluator.PerClass(rbm, spec, evaluation.PerClassLimit, cancellationToken)));
        }

        if (job.Kind == JobKinds.RbmPatches && patches is not null && data.Standardizer is { } standardizer)
        {
            plan.Add((JobKinds.PatchReconstructionEvaluation, () =>
            {
                var image = Wait(images.LoadExistingAsync(patches.TestImage, cancellationToken));
                return JobEvaluator.PatchReconstruction(rbm, standardizer, image, patches, options.Seed, cancellationToken);
            }));
        }

        var stored = Wait(store.GetEvaluationsAsync(job.Id)).ToDictionary(e => e.Kind, StringComparer.Ordinal);
        if (plan.Any(p => !stored.ContainsKey(p.Kind)))
        {
            Wait(store.SetStageAsync(job.Id, JobStages.Evaluating));
            if (feed.GetProgress(job.Id) is { } progress)
            {
                feed.PublishProgress(job.Id, progress with { Stage = JobStages.Evaluating, EtaSeconds = 0 });
            }

            PublishStatus(job.Id);
        }

        var results = new List<EvaluationDto>(plan.Count);
        foreach (var (kind, run) in plan)
        {
            if (stored.TryGetValue(kind, out var existing))
            {
                results.Add(JobMapper.ToDto(existing));
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var (result, png) = run();
            var entity = new JobEvaluation
            {
                Id = Guid.NewGuid(),
                JobId = job.Id,
                Kind = kind,
                Json = JobMapper.ToJson(result),
                Png = png,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            Wait(store.SaveEvaluationAsync(entity));
            var dto = JobMapper.ToDto(entity);
            feed.PublishEvaluation(job.Id, dto);
            results.Add(dto);
            logger.LogInformation("Job {JobId}: evaluation {Kind} done.", job.Id, kind);
        }

        return results;
    }

    /// <summary>
    /// The job's trainer: resumed from its checkpoint, else a new run — from the parent's weights when the job is a fork
    /// (<see cref="ModelForkStart"/>), else from random weights.
    /// </summary>
    private RbmTrainer CreateTrainer(Job job, RbmOptions options, Matrix data, CancellationToken cancellationToken)
    {
        Guid jobId = job.Id;
        var checkpoint = Wait(store.GetCheckpointAsync(jobId));
        if (checkpoint is not null)
        {
            try
            {
                var state = RbmTrainingState.FromBytes(checkpoint.State);
                var trainer = RbmTrainer.Resume(state, data);
                Wait(store.MarkResumedAsync(jobId, state.CompletedEpochs));
                logger.LogInformation("Job {JobId} resumes after epoch {Epoch}.", jobId, state.CompletedEpochs);
                return trainer;
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
            {
                logger.LogWarning(ex, "Job {JobId}: the checkpoint cannot be used; training starts over.", jobId);
            }
        }

        Wait(store.ResetTrainingStateAsync(jobId));
        var fresh = new RbmTrainer(options, data);
        if (ModelForkStart.Read(job.OptionsJson) is { } start)
        {
            var parent = RbmModelFile.Load(Wait(ModelForkStart.LoadParentFileAsync(contexts, start, cancellationToken))).Rbm;
            ModelForkStart.CopyInto(parent, fresh.Model);
            logger.LogInformation("Job {JobId} starts from the weights of model {ModelId}.", jobId, start.ModelId);
        }

        return fresh;
    }

    private void PublishStatus(Guid jobId)
    {
        var dto = Wait(store.GetAsync(jobId));
        if (dto is not null)
        {
            feed.PublishStatus(dto);
        }
    }

    // The job owns a dedicated thread; blocking it on short database calls keeps training on that thread.
    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
