using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Library;
using DeepNet.Models.ModelExchange;

namespace DeepNet.Server.RbmFamily;

/// <summary>Jobs of kind "rbm": an RBM on MNIST or an uploaded data set, with the optional AIS and per-class evaluations.</summary>
public sealed class RbmModelKind(JobSteps steps, JobStore store, JobLiveFeed feed, IDbContextFactory<DeepNetDbContext> contexts, ImageLibrary images, TimeProvider clock, ILogger<RbmModelKind> logger)
    : RbmFamilyKind(steps, store, feed, contexts, images, clock, logger)
{
    public override string Kind => RbmKinds.Rbm;

    public override bool IsDefaultForModelType => true;

    public override ModelImageKinds Images { get; } = ModelImageKinds.Fixed(
        [RbmImageKinds.Filters, RbmImageKinds.Reconstructions, RbmImageKinds.PerClass],
        RbmImageKinds.Filters,
        new Dictionary<string, string> { [RbmImageKinds.PerClass] = RbmKinds.PerClassEvaluation },
        fromTrainingData: [RbmImageKinds.Reconstructions]);
}

/// <summary>Jobs of kind "rbm-patches": a Gaussian RBM on standardized patches of one image (homework 2), reconstructing a second image.</summary>
public sealed class PatchRbmModelKind(JobSteps steps, JobStore store, JobLiveFeed feed, IDbContextFactory<DeepNetDbContext> contexts, ImageLibrary images, TimeProvider clock, ILogger<PatchRbmModelKind> logger)
    : RbmFamilyKind(steps, store, feed, contexts, images, clock, logger)
{
    public override string Kind => RbmKinds.RbmPatches;

    public override bool HasPatchReconstruction => true;

    public override bool IsDefaultForModelType => false;

    public override ModelImageKinds Images { get; } = ModelImageKinds.Fixed(
        [RbmImageKinds.Filters, RbmImageKinds.Reconstructions, RbmImageKinds.PatchReconstruction],
        RbmImageKinds.Filters,
        new Dictionary<string, string> { [RbmImageKinds.PatchReconstruction] = RbmKinds.PatchReconstructionEvaluation },
        fromTrainingData: [RbmImageKinds.Reconstructions, RbmImageKinds.PatchReconstruction]);

    /// <summary>The uploaded training and test images of the patches spec, besides any data set.</summary>
    public override TrainingSources SourcesOf(DataSpec data, string? patchesJson)
    {
        var patches = PatchModel.ReadSpecOfModelOrJob(patchesJson);
        var uploads = patches is null
            ? []
            : new[] { patches.TrainImage, patches.TestImage }
                .Select(id => ImageLibrary.TryParseId(id, out var builtIn, out var upload) && builtIn is null ? upload : (Guid?)null)
                .OfType<Guid>();
        return TrainingSources.Of(data).WithImages(uploads);
    }
}

/// <summary>
/// The RBM kinds: validation of the RBM options, data or patches and evaluations; training by contrastive divergence
/// with a checkpoint per epoch (resumed bit for bit), the evaluations the job asked for, and the model file.
/// </summary>
public abstract class RbmFamilyKind(
    JobSteps steps,
    JobStore store,
    JobLiveFeed feed,
    IDbContextFactory<DeepNetDbContext> contexts,
    ImageLibrary images,
    TimeProvider clock,
    ILogger logger) : IModelKind
{
    public abstract string Kind { get; }

    public string ModelType => ModelExchangeFormat.RbmType;

    public abstract bool IsDefaultForModelType { get; }

    public abstract ModelImageKinds Images { get; }

    public async Task<JobKindValidation> ValidateAsync(CreateJobRequest request, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var submission = JobSubmission.From(request);
        var errors = await JobRequestValidator.ValidateAsync(submission, db, images, cancellationToken);
        if (errors.Count > 0)
        {
            return JobKindValidation.Invalid(errors);
        }

        var shape = submission.Patches is null ? await TrainingDataShape.OfAsync(submission.Data, db, cancellationToken) : new TrainingDataShape(0, 0);
        return JobKindValidation.Valid(new JobDraft(
            JobRequestValidator.NameOrDefault(submission.Name),
            submission.Kind,
            JobMapper.ToJson(submission.Rbm),
            JobMapper.ToJson(submission.Data),
            submission.Patches is null ? null : JobMapper.ToJson(submission.Patches),
            submission.Evaluation is null ? null : JobMapper.ToJson(submission.Evaluation),
            RbmJobEstimate.Of(submission.Rbm, shape, submission.Patches, submission.Evaluation)));
    }

    public JobSpecs DescribeSpecs(string optionsJson) => new(Rbm: JobMapper.ReadOptions(optionsJson));

    public virtual TrainingSources SourcesOf(DataSpec data, string? patchesJson) => TrainingSources.Of(data);

    public virtual bool HasPatchReconstruction => false;

    public IReadOnlyList<IForkMode> ForkModes => field ??= [new ContinueFork(this)];

    public string DefaultName => JobRequestValidator.DefaultName;

    public void PublishLimits(PublishedLimits fields)
    {
        fields.Add("rbm", RbmOptionsValidator.Rules, new RbmOptions());
        fields.Add("data", DataSpecValidator.Rules, new DataSpec());
        fields.Add("patches", JobRequestValidator.PatchRules, new PatchesSpec());
        fields.Add("evaluation", JobRequestValidator.EvaluationRules, new EvaluationSpec());
        fields.Add("evaluation.ais", JobRequestValidator.AisRules, new AisSpec());
    }

    public ITryableModel LoadForTry(TryModelRow row, byte[] file) => TryableRbm.Load(row, file);

    public void Run(Job job, CancellationToken cancellationToken)
    {
        var options = JobMapper.ReadOptions(job.OptionsJson);
        var spec = JobMapper.ReadDataSpec(job.DataSpecJson);
        var patches = JobMapper.ReadPatches(job.PatchesJson);
        var evaluation = JobMapper.ReadEvaluation(job.EvaluationJson);
        var data = Wait(RbmJobData.LoadAsync(job.Kind, options, spec, patches, contexts, images, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();

        var trainer = CreateTrainer(job, options, data.Train, cancellationToken);
        Wait(store.SetStageAsync(job.Id, JobStages.Training));
        var versions = Wait(store.GetImagesAsync(job.Id)).ToDictionary(i => i.Kind, i => i.Version);
        var monitor = new RbmMonitor(data.Train, data.HeldOut, options.Seed);
        var observer = new RbmJobObserver(
            job.Id, store, feed, data.Train.Rows, options.BatchSize, data.Preview, data.TileWidth, data.TileHeight, monitor, versions);
        var rbm = trainer.Train(observer, cancellationToken);

        var history = trainer.CaptureState().History;
        // A job resumed after its last epoch (it was evaluating) has no fresh report from the observer.
        var finalReport = observer.LastReport ?? EpochReportDto.From(monitor.Report(history.Count, rbm));
        var evaluations = Evaluate(job, rbm, data, options, spec, patches, evaluation, cancellationToken);

        float? finalError = history.Count > 0 ? history[^1].ReconstructionError : null;
        string metricsJson = JobMapper.ToJson(new
        {
            reconstructionError = finalError,
            epochs = history.Count,
            history = history.Select(m => new { m.Epoch, m.ReconstructionError, m.SamplesPerSecond, m.Seconds }),
            report = finalReport,
        });
        steps.Complete(job, new CompletedModel(
            ModelType,
            JobMapper.ToJson(options),
            JobMapper.ToJson(spec),
            metricsJson,
            data.TileWidth,
            data.TileHeight,
            rbm.VisibleUnits,
            rbm.HiddenUnits,
            metadata => RbmModelFile.Prepare(rbm, metadata))
        {
            ReconstructionError = finalError,
            PatchesJson = patches is null || data.Standardizer is null
                ? null
                : JobMapper.ToJson(new ModelPatchesDto(patches, JsonDocument.Parse(data.Standardizer.ToJson()).RootElement.Clone())),
            EvaluationsJson = evaluations.Count == 0 ? null : JobMapper.ToJson(evaluations),
        });
    }

    /// <summary>
    /// Runs the evaluations the job asked for (and the patch reconstruction of every patch job) that are not stored yet —
    /// after a restart only the missing ones run again. The job stays Running with stage "evaluating".
    /// </summary>
    private List<EvaluationDto> Evaluate(
        Job job, Rbm rbm, RbmJobData data, RbmOptions options, DataSpec spec, PatchesSpec? patches, EvaluationSpec? evaluation, CancellationToken cancellationToken)
    {
        var plan = new List<(string Kind, Func<(object Result, byte[]? Png)> Run)>();
        if (evaluation?.Ais is { } ais)
        {
            plan.Add((RbmKinds.AisEvaluation, () =>
            {
                var test = job.Kind == RbmKinds.Rbm && spec.Dataset == DataSpecValidator.MnistDataset
                    ? DatasetLoader.Load(spec with { Split = DataSpecValidator.TestSplit, Limit = ais.TestLimit }).Features
                    : data.HeldOut.FirstRows(ais.TestLimit);
                return (RbmEvaluator.Ais(rbm, data.Train, test, ais, options.Seed, cancellationToken), null);
            }));
        }

        if (evaluation?.PerClass == true)
        {
            plan.Add((RbmKinds.PerClassEvaluation, () => RbmEvaluator.PerClass(rbm, spec, evaluation.PerClassLimit, cancellationToken)));
        }

        if (job.Kind == RbmKinds.RbmPatches && patches is not null && data.Standardizer is { } standardizer)
        {
            plan.Add((RbmKinds.PatchReconstructionEvaluation, () =>
            {
                var image = Wait(images.LoadExistingAsync(patches.TestImage, cancellationToken));
                return RbmEvaluator.PatchReconstruction(rbm, standardizer, image, patches, options.Seed, cancellationToken);
            }));
        }

        var stored = Wait(store.GetEvaluationsAsync(job.Id)).ToDictionary(e => e.Kind, StringComparer.Ordinal);
        if (plan.Any(p => !stored.ContainsKey(p.Kind)))
        {
            steps.EnterEvaluating(job.Id);
            if (Wait(store.GetAsync(job.Id)) is { } status)
            {
                feed.PublishStatus(status);
            }
        }

        var results = new List<EvaluationDto>(plan.Count);
        foreach (var (kind, run) in plan)
        {
            if (stored.TryGetValue(kind, out var existing))
            {
                results.Add(JobMapper.ToDto(existing, Images.EvaluationImage(kind)));
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
            var dto = JobMapper.ToDto(entity, Images.EvaluationImage(kind));
            feed.PublishEvaluation(job.Id, dto);
            results.Add(dto);
            logger.LogInformation("Job {JobId}: evaluation {Kind} done.", job.Id, kind);
        }

        return results;
    }

    /// <summary>
    /// The job's trainer: resumed from its checkpoint, else a new run — from the parent's weights when the job is a fork
    /// (<see cref="JobStart"/>), else from random weights.
    /// </summary>
    private RbmTrainer CreateTrainer(Job job, RbmOptions options, Matrix data, CancellationToken cancellationToken) =>
        steps.ResumeOrStart(
            job.Id,
            bytes => RbmTrainer.Resume(RbmTrainingState.FromBytes(bytes), data),
            () =>
            {
                var fresh = new RbmTrainer(options, data);
                if (JobStart.Read(job.OptionsJson) is { } start)
                {
                    var parent = RbmModelFile.Load(Wait(JobStart.LoadParentFileAsync(contexts, start, cancellationToken))).Rbm;
                    CopyWeights(parent, fresh.Model);
                    logger.LogInformation("Job {JobId} starts from the weights of model {ModelId}.", job.Id, start.ModelId);
                }

                return fresh;
            });

    /// <summary>Copies the parent RBM's W, b and c into a new trainer's model (same shape and visible unit type).</summary>
    public static void CopyWeights(Rbm parent, Rbm model)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(model);
        if (parent.VisibleUnits != model.VisibleUnits || parent.HiddenUnits != model.HiddenUnits || parent.VisibleType != model.VisibleType)
        {
            throw new InvalidDataException(
                $"The parent is a {parent.VisibleType} RBM {parent.VisibleUnits}→{parent.HiddenUnits}; this job trains a {model.VisibleType} RBM {model.VisibleUnits}→{model.HiddenUnits}.");
        }

        parent.Weights.Data.CopyTo(model.Weights.Data, 0);
        parent.VisibleBias.CopyTo(model.VisibleBias, 0);
        parent.HiddenBias.CopyTo(model.HiddenBias, 0);
    }

    // The job owns a dedicated thread; blocking it on short database calls keeps training on that thread.
    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
