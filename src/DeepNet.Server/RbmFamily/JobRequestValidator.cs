using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Library;
using DeepNet.Server.Cnn;
using DeepNet.Server.Dbn;

namespace DeepNet.Server.RbmFamily;

/// <summary>A job submission with every default applied, ready to validate and store.</summary>
public sealed record JobSubmission(string? Name, string Kind, RbmOptions Rbm, DataSpec Data, PatchesSpec? Patches, EvaluationSpec? Evaluation)
{
    /// <summary>
    /// Applies the defaults of <paramref name="request"/>'s kind. Patch models always get Gaussian visible units
    /// (their data are standardized, not in [0, 1]); without an "rbm" object they also start from a smaller learning rate.
    /// </summary>
    public static JobSubmission From(CreateJobRequest? request)
    {
        string kind = request?.Kind ?? RbmKinds.Rbm;
        var data = request?.Data ?? new DataSpec();
        if (kind == RbmKinds.RbmPatches)
        {
            var rbm = (request?.Rbm ?? new RbmOptions { LearningRate = RbmKinds.PatchLearningRate }) with { VisibleType = VisibleUnitType.Gaussian };
            return new JobSubmission(request?.Name, kind, rbm, data, request?.Patches, request?.Evaluation);
        }

        return new JobSubmission(request?.Name, kind, request?.Rbm ?? new RbmOptions(), data, request?.Patches, request?.Evaluation);
    }
}

/// <summary>
/// Validates a job submission; error keys name the JSON field ("name", "rbm.hiddenUnits", "data.classes",
/// "patches.patchSize", "evaluation.ais.runs"). References to uploaded images and data sets are checked against the database.
/// </summary>
public static class JobRequestValidator
{
    public const string DefaultName = "RBM job";

    public static readonly FieldLimit PatchSize = FieldLimit.Integers(2, 32);
    public static readonly FieldLimit PatchCount = FieldLimit.Integers(1, 200_000);

    /// <summary>At least 1; at most the patch size (checked against the request's patch size).</summary>
    public static readonly FieldLimit Stride = FieldLimit.Integers(1);

    public static readonly FieldLimit AisRuns = FieldLimit.Integers(1, 1000);
    public static readonly FieldLimit AisBetas = FieldLimit.Integers(100, 100_000);
    public static readonly FieldLimit PerClassLimit = FieldLimit.Integers(1, 1000);

    private static readonly FieldRule<PatchesSpec> StrideRule = new("stride", Stride, p => p.Stride, "(the patch size)");

    public static IReadOnlyList<FieldRule<PatchesSpec>> PatchRules { get; } =
    [
        new("patchSize", PatchSize, p => p.PatchSize),
        new("patchCount", PatchCount, p => p.PatchCount),
        StrideRule,
    ];

    public static IReadOnlyList<FieldRule<AisSpec>> AisRules { get; } =
    [
        new("runs", AisRuns, a => a.Runs),
        new("betas", AisBetas, a => a.Betas),
        new("testLimit", DataSpecValidator.TestLimit, a => a.TestLimit),
    ];

    public static IReadOnlyList<FieldRule<EvaluationSpec>> EvaluationRules { get; } =
    [
        new("perClassLimit", PerClassLimit, e => e.PerClassLimit),
    ];

    public static async Task<Dictionary<string, string[]>> ValidateAsync(JobSubmission job, DeepNetDbContext db, ImageLibrary images, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string key, string message) => errors[key] = [message];
        JobName.Check(job.Name, Add);

        // The RBM limits depend on the visible layer; when it is unknown (invalid input) they are checked against 28×28.
        int visibleUnits = 28 * 28;
        if (job.Kind == RbmKinds.Rbm)
        {
            if (job.Patches is not null)
            {
                errors["patches"] = ["is only used by jobs of kind rbm-patches"];
            }

            visibleUnits = await ValidateDataAsync(job.Data, db, errors, cancellationToken) ?? visibleUnits;
        }
        else if (job.Kind == RbmKinds.RbmPatches)
        {
            if (job.Patches is null)
            {
                errors["patches"] = ["is required when kind is rbm-patches"];
            }
            else
            {
                await ValidatePatchesAsync(job.Patches, images, db.Viewer, errors, cancellationToken);
                if (PatchSize.Contains(job.Patches.PatchSize))
                {
                    visibleUnits = job.Patches.PatchSize * job.Patches.PatchSize;
                }
            }
        }
        else
        {
            errors["kind"] = [$"must be {RbmKinds.Rbm}, {RbmKinds.RbmPatches}, {DbnJobKind.Name} or {CnnJobKind.Name}, got '{job.Kind}'"];
        }

        foreach (var (key, messages) in RbmOptionsValidator.Validate(job.Rbm, visibleUnits, "rbm"))
        {
            errors[key] = [.. messages];
        }

        if (job.Evaluation is { } evaluation)
        {
            ValidateEvaluation(job, evaluation, errors);
        }

        return errors;
    }

    public static string NameOrDefault(string? name) => name?.Trim() is { Length: > 0 } trimmed ? trimmed : DefaultName;

    /// <summary>Checks the data spec; returns the visible units of the data when the spec is usable.</summary>
    private static async Task<int?> ValidateDataAsync(DataSpec data, DeepNetDbContext db, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var dataErrors = DataSpecValidator.Validate(data, "data");
        foreach (var (key, messages) in dataErrors)
        {
            errors[key] = [.. messages];
        }

        if (data.Dataset == DataSpecValidator.UserDataset)
        {
            if (data.DatasetId is not { } datasetId)
            {
                errors.TryAdd("data.datasetId", ["is required when dataset is 'user'"]);
                return null;
            }

            int? features = await db.UserDatasets.Where(d => d.Id == datasetId).Select(d => (int?)d.Features).SingleOrDefaultAsync(cancellationToken);
            if (features is null)
            {
                errors["data.datasetId"] = [$"data set {datasetId} does not exist"];
            }

            return features;
        }

        return dataErrors.ContainsKey("data.imageSize") ? null : data.ImageSize * data.ImageSize;
    }

    private static async Task ValidatePatchesAsync(PatchesSpec patches, ImageLibrary images, RequestUser? viewer, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        void Add(string key, string message) => errors[key] = [message];
        PatchRules.Except([StrideRule]).Check(patches, "patches", Add);
        // The stride's upper bound is the request's own patch size.
        (StrideRule with { Limit = Stride with { Max = Math.Max(1, patches.PatchSize) } }).Check(patches, "patches", Add);

        if (!Enum.IsDefined(patches.Standardization))
        {
            errors["patches.standardization"] = ["must be PerPatch or PerPixel"];
        }

        foreach (var (field, reference) in new[] { ("trainImage", patches.TrainImage), ("testImage", patches.TestImage) })
        {
            if (reference is null || await images.FindAsync(reference, viewer, cancellationToken) is not { } size)
            {
                errors[$"patches.{field}"] = [$"image '{reference}' does not exist; use 'builtin:<name>' ({string.Join(", ", BuiltInImages.All.Select(i => i.Name))}) or the id of an uploaded image"];
            }
            else if (size.Width < patches.PatchSize || size.Height < patches.PatchSize)
            {
                errors[$"patches.{field}"] = [$"image '{reference}' is {size.Width}×{size.Height}, smaller than a {patches.PatchSize}×{patches.PatchSize} patch"];
            }
        }
    }

    private static void ValidateEvaluation(JobSubmission job, EvaluationSpec evaluation, Dictionary<string, string[]> errors)
    {
        void Add(string key, string message) => errors[key] = [message];
        if (evaluation.Ais is { } ais)
        {
            AisRules.Check(ais, "evaluation.ais", Add);

            if (job.Rbm.VisibleType != VisibleUnitType.Bernoulli)
            {
                errors["evaluation.ais"] = ["AIS is available for Bernoulli visible units only"];
            }
        }

        EvaluationRules.Check(evaluation, "evaluation", Add);

        if (evaluation.PerClass && (job.Kind != RbmKinds.Rbm || job.Data.Dataset != DataSpecValidator.MnistDataset))
        {
            errors["evaluation.perClass"] = ["needs a job of kind rbm on MNIST (it reconstructs MNIST test digits of every class)"];
        }
    }
}
