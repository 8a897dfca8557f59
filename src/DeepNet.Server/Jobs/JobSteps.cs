using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>
/// What a trained model is, as a kind hands it to <see cref="JobSteps.Complete"/>: the columns of its row and the
/// writer of its file (given the metadata every model file carries).
/// </summary>
/// <param name="ModelType">The file's "model_type": "rbm", "dbn" or "cnn".</param>
/// <param name="OptionsJson">The hyperparameters as stored on the model (the job's spec with defaults applied).</param>
/// <param name="InputUnits">Values in one input sample (visible units, pixels).</param>
/// <param name="OutputUnits">Units of the top layer: an RBM's hidden units, a DBN's top layer, a CNN's classes.</param>
/// <param name="WriteFile">The model file with the given "__metadata__", ready to be written into the store.</param>
public sealed record CompletedModel(
    string ModelType,
    string OptionsJson,
    string DataSpecJson,
    string MetricsJson,
    int ImageWidth,
    int ImageHeight,
    int InputUnits,
    int OutputUnits,
    Func<IReadOnlyDictionary<string, string>, SafeTensorsFile> WriteFile)
{
    /// <summary>e.g. "784-500-500-2000-10" or "LeNet-5"; null for a single RBM.</summary>
    public string? Architecture { get; init; }

    public float? ReconstructionError { get; init; }

    /// <summary>Test error in percent, for classifiers.</summary>
    public float? TestError { get; init; }

    /// <summary>A patch model's patches spec and standardizer (also in the file's metadata as "patches").</summary>
    public string? PatchesJson { get; init; }

    /// <summary>The evaluations run after training (also in the file's metadata as "evaluations").</summary>
    public string? EvaluationsJson { get; init; }
}

/// <summary>
/// The steps every kind's <see cref="IModelKind.Run"/> takes the same way: resume from the checkpoint or start over,
/// enter the evaluating stage, and finish — build the file's metadata, store the model and complete the job in one
/// transaction. Called on the job's own thread, so they block on the store's short calls.
/// </summary>
public sealed class JobSteps(JobStore store, JobLiveFeed feed, TimeProvider clock, ILogger<JobSteps> logger)
{
    /// <summary>
    /// The job's trainer: resumed from its checkpoint's state when it has a usable one, else <paramref name="start"/>
    /// after the job's stored progress is reset.
    /// A checkpoint that cannot be read (InvalidDataException, ArgumentException) is logged and training starts over.
    /// </summary>
    public T ResumeOrStart<T>(Guid jobId, Func<byte[], T> resume, Func<T> start)
    {
        if (Wait(store.GetCheckpointAsync(jobId)) is { } checkpoint)
        {
            try
            {
                var trainer = resume(checkpoint.State);
                Wait(store.MarkResumedAsync(jobId, checkpoint.CompletedEpochs));
                logger.LogInformation("Job {JobId} resumes after {Epochs} epoch(s).", jobId, checkpoint.CompletedEpochs);
                return trainer;
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
            {
                logger.LogWarning(ex, "Job {JobId}: the checkpoint cannot be used; training starts over.", jobId);
            }
        }

        Wait(store.ResetTrainingStateAsync(jobId));
        return start();
    }

    /// <summary>Sets the job's stage to "evaluating" and tells its watchers (the job stays Running).</summary>
    public void EnterEvaluating(Guid jobId)
    {
        Wait(store.SetStageAsync(jobId, JobStages.Evaluating));
        if (feed.GetProgress(jobId) is { } progress)
        {
            feed.PublishProgress(jobId, progress with { Stage = JobStages.Evaluating, EtaSeconds = 0 });
        }
    }

    /// <summary>
    /// Stores <paramref name="model"/> as the job's model and completes the job (Running → Succeeded, checkpoint removed)
    /// in one transaction; the file carries <see cref="ModelMetadata"/> plus the patches and evaluations when present.
    /// </summary>
    /// <returns>The new model's id.</returns>
    /// <exception cref="InvalidOperationException">The job was no longer running (canceled meanwhile).</exception>
    public Guid Complete(Job job, CompletedModel model)
    {
        var createdAt = clock.GetUtcNow().UtcDateTime;
        var modelId = Guid.NewGuid();
        var metadata = ModelMetadata.Create(
            job, model.ModelType, modelId, createdAt, model.OptionsJson, model.DataSpecJson, model.MetricsJson, model.ImageWidth, model.ImageHeight, model.Architecture);
        if (model.PatchesJson is not null)
        {
            metadata["patches"] = model.PatchesJson;
        }

        if (model.EvaluationsJson is not null)
        {
            metadata["evaluations"] = model.EvaluationsJson;
        }

        SafeTensorsFile file = model.WriteFile(metadata);
        var row = new TrainedModel
        {
            Id = modelId,
            Name = job.Name,
            Kind = job.Kind,
            JobId = job.Id,
            CreatedAt = createdAt,
            InputUnits = model.InputUnits,
            OutputUnits = model.OutputUnits,
            ImageWidth = model.ImageWidth,
            ImageHeight = model.ImageHeight,
            OptionsJson = model.OptionsJson,
            DataSpecJson = model.DataSpecJson,
            MetricsJson = model.MetricsJson,
            ReconstructionError = model.ReconstructionError,
            TestError = model.TestError,
            Architecture = model.Architecture,
            SizeBytes = file.Length,
            PatchesJson = model.PatchesJson,
            EvaluationsJson = model.EvaluationsJson,
            ParentModelId = JobStart.Read(job.OptionsJson)?.ModelId,
        };
        if (!Wait(store.CompleteAsync(job.Id, row, file)))
        {
            throw new InvalidOperationException($"Job {job.Id} was no longer running when its model was stored.");
        }

        return modelId;
    }

    // The job owns a dedicated thread; blocking it on short database calls keeps training on that thread.
    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
