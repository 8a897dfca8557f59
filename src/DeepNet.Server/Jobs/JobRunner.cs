using System.Globalization;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Runs one job to its end on the calling (dedicated) thread: load data, train or resume from the checkpoint,
/// store the model. A cancel request ends it Canceled; application shutdown leaves it Running with its
/// checkpoint so the next start resumes it.
/// </summary>
public sealed class JobRunner(JobStore store, JobLiveFeed feed, TimeProvider clock, ILogger<JobRunner> logger)
{
    /// <summary>How many held-out test digits the reconstruction image shows.</summary>
    public const int HeldOutDigits = 10;

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
            Train(job, linked.Token);
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
        var data = DatasetLoader.Load(spec);
        var heldOut = DatasetLoader.Load(spec with { Split = "test", Limit = HeldOutDigits });
        cancellationToken.ThrowIfCancellationRequested();

        var trainer = CreateTrainer(job.Id, options, data);
        var versions = Wait(store.GetImagesAsync(job.Id)).ToDictionary(i => i.Kind, i => i.Version);
        var observer = new JobTrainingObserver(job.Id, store, feed, data.Count, options.BatchSize, heldOut, versions);
        var rbm = trainer.Train(observer, cancellationToken);

        var history = trainer.CaptureState().History;
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
        });
        var metadata = new Dictionary<string, string>
        {
            ["format_version"] = "1",
            ["model_type"] = JobMapper.RbmKind,
            ["hyperparameters"] = optionsJson,
            ["data_spec"] = specJson,
            ["metrics"] = metricsJson,
            ["created_at"] = createdAt.ToString("O", CultureInfo.InvariantCulture),
            ["job_id"] = job.Id.ToString("D"),
            ["model_id"] = modelId.ToString("D"),
            ["name"] = job.Name,
            ["image_width"] = data.Width.ToString(CultureInfo.InvariantCulture),
            ["image_height"] = data.Height.ToString(CultureInfo.InvariantCulture),
        };
        byte[] file = RbmModelFile.Save(rbm, metadata);
        var model = new TrainedModel
        {
            Id = modelId,
            Name = job.Name,
            Kind = JobMapper.RbmKind,
            JobId = job.Id,
            CreatedAt = createdAt,
            VisibleUnits = rbm.VisibleUnits,
            HiddenUnits = rbm.HiddenUnits,
            ImageWidth = data.Width,
            ImageHeight = data.Height,
            OptionsJson = optionsJson,
            DataSpecJson = specJson,
            MetricsJson = metricsJson,
            ReconstructionError = finalError,
            SizeBytes = file.LongLength,
            File = file,
        };
        if (!Wait(store.CompleteAsync(job.Id, model)))
        {
            throw new InvalidOperationException($"Job {job.Id} was no longer running when its model was stored.");
        }
    }

    private RbmTrainer CreateTrainer(Guid jobId, RbmOptions options, Dataset data)
    {
        var checkpoint = Wait(store.GetCheckpointAsync(jobId));
        if (checkpoint is not null)
        {
            try
            {
                var state = RbmTrainingState.FromBytes(checkpoint.State);
                var trainer = RbmTrainer.Resume(state, data.Features);
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
        return new RbmTrainer(options, data.Features);
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
