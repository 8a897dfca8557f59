using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Everything that differs by model kind ("rbm", "rbm-patches", "dbn", "cnn"): validating a request into a stored draft,
/// training a stored job on the worker's thread, the images it renders, and what its model file is. The job engine
/// (queue, worker, store, live feed) reaches a kind only through this seam and the <see cref="ModelKindRegistry"/>;
/// the sharing parts (try-it, fork, export/import, cards) ask the registry too.
/// </summary>
public interface IModelKind
{
    /// <summary>The value of <see cref="CreateJobRequest.Kind"/> (and of Job.Kind, TrainedModel.Kind) this kind handles.</summary>
    string Kind { get; }

    /// <summary>
    /// The model file's "model_type" in exported files ("rbm", "dbn", "cnn"); several kinds may share one (a patch RBM is
    /// an RBM). An imported file whose metadata names no job kind becomes the kind that is <see cref="IsDefaultForModelType"/>.
    /// </summary>
    string ModelType { get; }

    /// <summary>Whether an imported file of <see cref="ModelType"/> without a "job_kind" becomes this kind.</summary>
    bool IsDefaultForModelType { get; }

    /// <summary>The images of this kind's jobs (served by GET /api/jobs/{id}/images/{kind}, rendered while training or by an evaluation).</summary>
    ModelImageKinds Images { get; }

    /// <summary>
    /// Validates <paramref name="request"/> and applies the kind's defaults. Errors are keyed by the JSON field they name
    /// ("dbn.layers[1].hiddenUnits", "cnn.layers[2]"); without errors the draft is what gets stored.
    /// </summary>
    Task<JobKindValidation> ValidateAsync(CreateJobRequest request, DeepNetDbContext db, CancellationToken cancellationToken);

    /// <summary>
    /// Trains <paramref name="job"/> (status Running) to its end on the calling thread — resuming from its checkpoint if
    /// it has one — and stores the model with <see cref="JobSteps.Complete"/>. Throws OperationCanceledException when
    /// <paramref name="cancellationToken"/> fires; any other exception fails the job with its message.
    /// </summary>
    void Run(Job job, CancellationToken cancellationToken);

    /// <summary>The name a job of this kind gets when the request names none ("RBM job").</summary>
    string DefaultName { get; }

    /// <summary>Publishes the range and default of every numeric field this kind's requests use (GET /api/limits).</summary>
    void PublishLimits(PublishedLimits fields);

    /// <summary>The ways to start a job of this kind from a stored model (fork modes); none by default.</summary>
    IReadOnlyList<IForkMode> ForkModes => [];

    /// <summary>Whether this kind's models reconstruct whole images patch by patch (homework 2's try-image).</summary>
    bool HasPatchReconstruction => false;

    /// <summary>A stored model of this kind, loaded for "try it".</summary>
    /// <exception cref="InvalidDataException">The file is not a model of this kind.</exception>
    /// <exception cref="System.Text.Json.JsonException">The row's JSON columns cannot be read.</exception>
    ITryableModel LoadForTry(TryModelRow row, byte[] file);

    /// <summary>The kind's spec in a stored job's or model's options JSON, as the API shows it.</summary>
    JobSpecs DescribeSpecs(string optionsJson);

    /// <summary>
    /// The uploaded data sets and images a job or model of this kind trains or is evaluated on (<see cref="TrainingDataAccess"/>
    /// shows what is made from them only to whoever may read them); by default the data set its data spec names.
    /// </summary>
    /// <param name="patchesJson">The job's or model's patches column, for kinds that train on image patches.</param>
    TrainingSources SourcesOf(DeepNet.Data.DataSpec data, string? patchesJson) => TrainingSources.Of(data);

    /// <summary>Top-level properties of this kind's metrics (a model's, a stage epoch's) that list training rows with their labels.</summary>
    IReadOnlyList<string> MetricsFromTrainingData => [];
}

/// <summary>The outcome of <see cref="IModelKind.ValidateAsync"/>: errors by field, or the draft to store.</summary>
public sealed record JobKindValidation(IReadOnlyDictionary<string, string[]> Errors, JobDraft? Draft)
{
    public static JobKindValidation Invalid(IReadOnlyDictionary<string, string[]> errors) => new(errors, null);

    public static JobKindValidation Valid(JobDraft draft) => new(new Dictionary<string, string[]>(), draft);
}

/// <summary>The registered <see cref="IModelKind"/>s by name, in registration order.</summary>
/// <remarks>
/// The kinds are resolved on first use: they use the engine (<see cref="JobStore"/>, <see cref="JobSteps"/>) and the
/// engine describes jobs through them, so neither can take the other in its constructor.
/// </remarks>
public sealed class ModelKindRegistry(IServiceProvider services)
{
    private readonly Lazy<IReadOnlyList<IModelKind>> _kinds = new(() => [.. services.GetServices<IModelKind>()]);
    private readonly Lazy<Dictionary<string, IModelKind>> _byKind = new(() => services.GetServices<IModelKind>().ToDictionary(k => k.Kind, StringComparer.Ordinal));

    private IReadOnlyList<IModelKind> All => _kinds.Value;

    /// <summary>Every kind name, in registration order (the default kind first).</summary>
    public IReadOnlyList<string> Names => [.. All.Select(k => k.Kind)];

    /// <summary>The kind a request without "kind" gets: the first registered.</summary>
    public IModelKind Default => All[0];

    public IModelKind? Find(string? kind) => kind is not null && _byKind.Value.TryGetValue(kind, out var found) ? found : null;

    /// <summary>The API view of a stored job's or model's spec (<see cref="JobSpecs.None"/> for an unregistered kind).</summary>
    public JobSpecs SpecsOf(string kind, string optionsJson) => Find(kind)?.DescribeSpecs(optionsJson) ?? JobSpecs.None;

    /// <summary>The kind of a request's "kind": <see cref="Default"/> when it names none, null when it names an unknown one.</summary>
    public IModelKind? Resolve(string? kind) => kind is null ? Default : Find(kind);

    /// <summary>The kind an imported file becomes: its "job_kind" when that kind has the file's model type, else the model type's default kind.</summary>
    public IModelKind? ForImport(string modelType, string? jobKind) =>
        jobKind is null
            ? All.FirstOrDefault(k => k.ModelType == modelType && k.IsDefaultForModelType)
            : Find(jobKind) is { } kind && kind.ModelType == modelType ? kind : null;

    /// <summary>Every kind's fork modes, in registration order.</summary>
    public IReadOnlyList<IForkMode> ForkModes => [.. All.SelectMany(k => k.ForkModes)];

    /// <summary>The image kinds that are some kind's model thumbnail.</summary>
    public IReadOnlyList<string> ThumbnailImageKinds => [.. All.Select(k => k.Images.Thumbnail).Distinct(StringComparer.Ordinal)];

    /// <summary>Whether any kind renders an image of this name.</summary>
    public bool IsImageKind(string imageKind) => All.Any(k => k.Images.Has(imageKind));

    /// <summary>Every image kind of every model kind, for error messages.</summary>
    public IEnumerable<string> DescribedImageKinds => All.SelectMany(k => k.Images.Described).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Whether image <paramref name="imageKind"/> of a job of <paramref name="modelKind"/> is drawn from training rows;
    /// an unregistered kind's images count as drawn from them.
    /// </summary>
    public bool IsFromTrainingData(string modelKind, string imageKind) => Find(modelKind)?.Images.IsFromTrainingData(imageKind) ?? true;

    /// <summary>The image an evaluation renders, for any kind; null when it renders none.</summary>
    public string? ImageOfEvaluation(string evaluationKind) =>
        All.Select(k => k.Images.EvaluationImage(evaluationKind)).FirstOrDefault(i => i is not null);

    /// <summary>The evaluation whose image <paramref name="imageKind"/> is, for any kind; null for training images.</summary>
    public string? EvaluationOfImage(string imageKind) =>
        All.Select(k => k.Images.EvaluationOf(imageKind)).FirstOrDefault(e => e is not null);
}

/// <summary>
/// The images one model kind renders. <see cref="Described"/> lists them for error messages (patterns such as
/// "filters-1", "…", "filters-20" included); <see cref="Has"/> decides; <see cref="EvaluationOf"/> maps an image to the
/// evaluation that renders it after training (null for images rendered while training); <see cref="FromTrainingData"/>
/// names the images drawn from rows of the training data (or an uploaded evaluation image), which
/// <see cref="TrainingDataAccess"/> shows only to whoever may read that data.
/// </summary>
public sealed record ModelImageKinds(
    IReadOnlyList<string> Described,
    Func<string, bool> Has,
    string Thumbnail,
    IReadOnlyDictionary<string, string>? Evaluations = null,
    IReadOnlyList<string>? FromTrainingData = null)
{
    /// <summary>Whether <paramref name="imageKind"/> is drawn from training rows (reconstructions, misclassified digits, a row's feature maps).</summary>
    public bool IsFromTrainingData(string imageKind) => FromTrainingData?.Contains(imageKind, StringComparer.Ordinal) == true;

    public string? EvaluationOf(string imageKind) => Evaluations is not null && Evaluations.TryGetValue(imageKind, out var evaluation) ? evaluation : null;

    /// <summary>The image <paramref name="evaluationKind"/> renders, or null.</summary>
    public string? EvaluationImage(string evaluationKind) => Evaluations?.FirstOrDefault(e => e.Value == evaluationKind).Key;

    /// <summary>An image list whose names are exactly <paramref name="kinds"/>.</summary>
    public static ModelImageKinds Fixed(
        IReadOnlyList<string> kinds, string thumbnail, IReadOnlyDictionary<string, string>? evaluations = null, IReadOnlyList<string>? fromTrainingData = null) =>
        new(kinds, k => kinds.Contains(k, StringComparer.Ordinal), thumbnail, evaluations, fromTrainingData);
}
