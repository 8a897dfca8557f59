using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models.Cnn;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Library;
using DeepNet.Models.ModelExchange;

namespace DeepNet.Server.Cnn;

/// <summary>The samples of a CNN job: training rows, the held-out validation rows and the test split (MNIST only).</summary>
/// <param name="Input">C×H×W of one sample.</param>
/// <param name="Classes">Output classes: 10 for MNIST, the largest label + 1 for a user data set.</param>
public sealed record CnnJobData(TensorShape Input, int Classes, Matrix Train, int[] TrainLabels, CnnLabelledSet? Validation, CnnLabelledSet? Test)
{
    public const int MnistClasses = 10;

    /// <summary>Test images evaluated after every epoch but the last when there is no validation set.</summary>
    public const int MonitorTestRows = 1000;

    /// <param name="testLimit">The first N test digits, or null for the whole test split.</param>
    public static async Task<CnnJobData> LoadAsync(DataSpec spec, int validation, int? testLimit, IDbContextFactory<DeepNetDbContext> contexts, CancellationToken cancellationToken)
    {
        Dataset train;
        Dataset? test = null;
        int classes;
        if (spec.Dataset == DataSpecValidator.UserDataset)
        {
            Dataset all = await UserDatasets.LoadAsync(spec, contexts, cancellationToken);
            if (!all.HasLabels)
            {
                throw new InvalidOperationException("The data set has no labels; a CNN needs labelled data.");
            }

            classes = all.Labels.Max() + 1;
            train = DatasetLoader.Select(all, spec);
        }
        else
        {
            classes = MnistClasses;
            train = DatasetLoader.Load(spec with { Split = DataSpecValidator.TrainSplit });
            test = DatasetLoader.Load(spec with { Split = DataSpecValidator.TestSplit, Limit = testLimit });
        }

        TensorShape input = InputShape(train.Width, train.Height, train.FeatureCount);
        if (validation >= train.Count)
        {
            throw new InvalidOperationException($"cnn.validation ({validation}) must be smaller than the {train.Count} training rows the data spec selects.");
        }

        int trainRows = train.Count - validation;
        int[] labels = [.. train.Labels.Select(l => (int)l)];
        Matrix trainData = validation == 0 ? train.Features : train.Features.CopyRows(0, trainRows);
        CnnLabelledSet? valid = validation == 0
            ? null
            : new CnnLabelledSet("validation", train.Features.CopyRows(trainRows, validation), labels[trainRows..]);
        CnnLabelledSet? testSet = test is null ? null : new CnnLabelledSet("test", test.Features, [.. test.Labels.Select(l => (int)l)]);
        return new CnnJobData(input, classes, trainData, labels[..trainRows], valid, testSet);
    }

    /// <summary>1×H×W for images, 1×1×F for other rows.</summary>
    public static TensorShape InputShape(int width, int height, int features) =>
        width > 0 && height > 0 && width * height == features ? new TensorShape(1, height, width) : new TensorShape(1, 1, features);
}

/// <summary>
/// Jobs of kind "cnn": validates the network against the data's shape before queueing, trains on the worker with a
/// checkpoint per epoch (resumed bit for bit after a restart), measures the test error and stores the model.
/// </summary>
public sealed class CnnJobKind(
    JobSteps steps,
    JobStore store,
    JobLiveFeed feed,
    IDbContextFactory<DeepNetDbContext> contexts,
    TimeProvider clock,
    ILogger<CnnJobKind> logger) : IModelKind
{
    public const string Name = "cnn";

    public const string DefaultName = "CNN job";

    /// <summary>Misclassified test samples listed in the model's metrics.</summary>
    public const int MisclassifiedStored = 100;

    public string Kind => Name;

    public string ModelType => ModelExchangeFormat.CnnType;

    public bool IsDefaultForModelType => true;

    public ModelImageKinds Images { get; } = new(
        [CnnImageKinds.Filters(1), "…", CnnImageKinds.Filters(CnnImageKinds.MaxConvolutionLayers), CnnImageKinds.FeatureMaps, CnnImageKinds.Confusion, CnnImageKinds.Misclassified],
        CnnImageKinds.IsKnown,
        CnnImageKinds.Filters(1),
        FromTrainingData: [CnnImageKinds.FeatureMaps, CnnImageKinds.Misclassified]);

    /// <summary>The misclassified rows (of the model and of every epoch), each with its index, prediction and label.</summary>
    public IReadOnlyList<string> MetricsFromTrainingData { get; } = ["misclassified"];

    public async Task<JobKindValidation> ValidateAsync(CreateJobRequest request, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JobName.Check(request.Name, (key, message) => errors[key] = [message]);

        foreach ((string field, object? value) in new (string, object?)[] { ("rbm", request.Rbm), ("patches", request.Patches), ("evaluation", request.Evaluation), ("dbn", request.Dbn) })
        {
            if (value is not null)
            {
                errors[field] = ["is not used by jobs of kind cnn"];
            }
        }

        var data = request.Data ?? new DataSpec();
        foreach (var (key, messages) in DataSpecValidator.Validate(data, "data"))
        {
            errors[key] = [.. messages];
        }

        if (data.Split != DataSpecValidator.TrainSplit && !errors.ContainsKey("data.split"))
        {
            errors["data.split"] = ["must be \"train\" for a CNN job: the test split measures its test error"];
        }

        (TensorShape Input, int Classes, int Rows)? shape = null;
        if (data.Dataset == DataSpecValidator.UserDataset)
        {
            if (data.DatasetId is { } datasetId)
            {
                var dataset = await db.UserDatasets.AsNoTracking()
                    .Where(d => d.Id == datasetId)
                    .Select(d => new { d.Width, d.Height, d.Features, d.HasLabels, d.ClassesJson, d.Count })
                    .SingleOrDefaultAsync(cancellationToken);
                if (dataset is null)
                {
                    errors["data.datasetId"] = [$"data set {datasetId} does not exist"];
                }
                else if (!dataset.HasLabels || dataset.ClassesJson is null)
                {
                    errors["data.datasetId"] = [$"data set {datasetId} has no labels; a CNN needs labelled data"];
                }
                else
                {
                    int[] classes = JsonSerializer.Deserialize<int[]>(dataset.ClassesJson) ?? [];
                    int count = classes.Length == 0 ? 0 : classes.Max() + 1;
                    if (count < 2)
                    {
                        errors["data.datasetId"] = [$"data set {datasetId} has fewer than 2 classes"];
                    }
                    else
                    {
                        shape = (CnnJobData.InputShape(dataset.Width, dataset.Height, dataset.Features), count, Math.Min(dataset.Count, data.Limit ?? int.MaxValue));
                    }
                }
            }
        }
        else if (!errors.ContainsKey("data.imageSize"))
        {
            shape = (new TensorShape(1, data.ImageSize, data.ImageSize), CnnJobData.MnistClasses, data.Limit ?? DataSpecValidator.MaxLimit);
        }

        var spec = request.Cnn ?? new CnnJobSpec();
        CnnResolvedSpec? resolved = null;
        if (shape is { } s)
        {
            resolved = CnnSpecValidator.Validate(spec, s.Input, s.Classes, errors);
            if (spec.Validation > 0 && spec.Validation >= s.Rows && !errors.ContainsKey("cnn.validation"))
            {
                errors["cnn.validation"] = [$"must be smaller than the {s.Rows} training rows the data spec selects, got {spec.Validation}"];
            }
        }

        if (errors.Count > 0 || resolved is null)
        {
            return JobKindValidation.Invalid(errors);
        }

        string name = request.Name?.Trim() is { Length: > 0 } trimmed ? trimmed : DefaultName;
        return JobKindValidation.Valid(new JobDraft(
            name, Kind, JobMapper.ToJson(resolved.Spec), JobMapper.ToJson(data), Estimate: CnnJobEstimate.Of(resolved, shape!.Value.Rows)));
    }

    public ITryableModel LoadForTry(TryModelRow row, byte[] file) => TryableCnn.Load(file);

    string IModelKind.DefaultName => DefaultName;

    public void PublishLimits(PublishedLimits fields)
    {
        fields.Add("data", DataSpecValidator.Rules, new DataSpec());
        fields.Add("cnn.layers", CnnSpecValidator.Layers, null);
        fields.Add("cnn", CnnSpecValidator.Rules, new CnnJobSpec());
        fields.Add("cnn.augment", CnnSpecValidator.AugmentRules, new CnnAugmentDto());
        fields.Add("cnn.layers[]", CnnSpecValidator.LayerRules, new CnnLayerDto());
    }

    public JobSpecs DescribeSpecs(string optionsJson) => new(Cnn: JobMapper.Read<CnnJobSpec>(optionsJson));

    public void Run(Job job, CancellationToken cancellationToken)
    {
        var spec = JobMapper.Read<CnnJobSpec>(job.OptionsJson) ?? throw new InvalidOperationException("The job has no CNN spec.");
        var dataSpec = JobMapper.ReadDataSpec(job.DataSpecJson);
        var data = Wait(CnnJobData.LoadAsync(dataSpec, spec.Validation, spec.TestLimit, contexts, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var resolved = CnnSpecValidator.Validate(spec, data.Input, data.Classes, errors)
            ?? throw new InvalidOperationException("The CNN spec does not fit the data: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));

        var trainer = CreateTrainer(job.Id, resolved, data);
        Wait(store.SetStageAsync(job.Id, JobStages.Training));
        var versions = Wait(store.GetImagesAsync(job.Id)).ToDictionary(i => i.Kind, i => i.Version, StringComparer.Ordinal);
        CnnLabelledSet? monitor = data.Validation ?? data.Test?.Head(CnnJobData.MonitorTestRows);
        float[]? featureSample = (data.Test ?? data.Validation) is { Count: > 0 } sampleSet ? sampleSet.Data.Row(0).ToArray() : null;
        var probe = new Network(resolved.Input, resolved.Layers, 1, seed: 1);
        var observer = new CnnJobObserver(
            job.Id, store, feed, clock, data.Train.Rows, resolved.Options.BatchSize, data.Validation, monitor, data.Test, featureSample, probe, versions, cancellationToken);
        Network network = trainer.Train(observer, cancellationToken);

        // Evaluation: the test split (MNIST), else the validation rows.
        steps.EnterEvaluating(job.Id);

        CnnEvaluationResult? test = data.Test is null ? null : observer.FinalEvaluation ?? CnnEvaluation.Evaluate(network, data.Test.Data, data.Test.Labels, cancellationToken);
        CnnEvaluationResult? valid = data.Validation is null ? null : CnnEvaluation.Evaluate(network, data.Validation.Data, data.Validation.Labels, cancellationToken);
        CnnEvaluationResult? shown = test ?? valid;
        CnnLabelledSet? shownSet = data.Test ?? data.Validation;
        var history = Wait(store.GetStageEpochsAsync(job.Id)).Where(e => e.Stage == CnnJobObserver.Stage).OrderBy(e => e.Epoch).ToList();
        var trainHistory = trainer.History;
        double? trainError = trainHistory.Count > 0 ? 100.0 * (1.0 - trainHistory[^1].Accuracy) : null;
        var metrics = new
        {
            errors = new { train = trainError, valid = valid?.ErrorPercent, test = test?.ErrorPercent },
            loss = new { train = trainHistory.Count > 0 ? Finite(trainHistory[^1].Loss) : null, valid = valid is null ? null : Finite(valid.Loss), test = test is null ? null : Finite(test.Loss) },
            evaluatedOn = shownSet?.Name,
            evaluatedCount = shownSet?.Count,
            confusion = shown is null ? null : CnnJobObserver.Rows(shown.Confusion, shown.Classes),
            misclassified = shown is null || shownSet is null
                ? null
                : shown.Misclassified(shownSet.Labels, MisclassifiedStored).Select(i => new { index = i, predicted = shown.Predictions[i], label = shownSet.Labels[i] }).ToList(),
            misclassifiedCount = shown?.Errors,
            history = history.Select(e => new { epoch = e.Epoch, metrics = e.Metrics }).ToList(),
            seconds = trainHistory.Sum(h => h.Seconds),
            classes = data.Classes,
            trainRows = data.Train.Rows,
            architecture = resolved.Architecture,
            shapes = resolved.Shapes.Select(x => x.ToString()).ToList(),
        };

        steps.Complete(job, new CompletedModel(
            ModelType,
            JobMapper.ToJson(resolved.Spec),
            JobMapper.ToJson(dataSpec),
            JobMapper.ToJson(metrics),
            data.Input.Width,
            data.Input.Height,
            data.Input.Size,
            data.Classes,
            metadata => CnnModelFile.Prepare(network, metadata))
        {
            TestError = test is null ? null : (float)test.ErrorPercent,
            Architecture = resolved.Architecture,
        });
        logger.LogInformation("CNN job {JobId}: test error {TestError}%.", job.Id, test?.ErrorPercent);
    }

    private CnnTrainer CreateTrainer(Guid jobId, CnnResolvedSpec resolved, CnnJobData data) =>
        steps.ResumeOrStart(
            jobId,
            bytes =>
            {
                var state = CnnCheckpointFile.FromBytes(bytes);
                if (!state.Layers.SequenceEqual(resolved.Layers) || state.InputShape != resolved.Input)
                {
                    throw new InvalidDataException("The checkpoint is of another architecture.");
                }

                return CnnTrainer.Resume(state, data.Train, data.TrainLabels);
            },
            () => new CnnTrainer(resolved.Input, resolved.Layers, resolved.Options, data.Train, data.TrainLabels));

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    // The job owns a dedicated thread; blocking it on short database calls keeps training on that thread.
    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
