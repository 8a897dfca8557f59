using System.Security.Claims;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Demos;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Library;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Fork: a new job of the caller that starts from a model they may read — continue an RBM, put an RBM under a DBN, or
/// fine-tune a DBN further. The job is an ordinary job of its kind (validated by the kind's own validator) whose
/// options carry a <see cref="JobStartFrom"/> (<see cref="JobStart"/>); its model's ParentModelId is the parent.
/// </summary>
public static class ModelForkApi
{
    public const int MaxEpochs = 1000;

    /// <summary>Hidden units of the layer a dbnFirstLayer fork puts on the RBM when the request gives no layers.</summary>
    public const int DefaultUpperLayerUnits = 100;

    public static IEndpointRouteBuilder MapModelForkApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/models").WithTags("Models")
            .MapPost("/{id:guid}/fork", ForkModel)
            .WithName("ForkModel")
            .WithSummary("Start a new job of yours from a model's weights")
            .WithDescription(
                "mode 'continue' (RBMs): the same hyperparameters and data, 'epochs' more epochs (default the parent's) from the parent's weights. " +
                "'dbnFirstLayer' (RBMs on images or a data set): a DBN job whose first layer is the RBM, not trained again; optional 'dbn' " +
                "(layers[0] stands for the RBM and takes its hidden units) and 'data' (default the RBM's; same input size); 'epochs' sets the fine-tuning epochs. " +
                "'fineTune' (DBNs with a classifier): the DBN's network fine-tuned globally for 'epochs' epochs (default the parent's), optional 'data'. " +
                "The job and its model belong to the caller; the model's parentModelId is the parent. A model the caller cannot read is a 404; " +
                "a mode that does not fit the model is a 400 naming 'mode'. Returns 202 with the job and its Location.")
            .Accepts<ForkRequest>("application/json")
            .Produces<JobDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Queues a job of the caller that starts from the model's weights.</summary>
    /// <param name="id">The parent model.</param>
    /// <param name="request">mode, and optionally name, epochs, dbn, data.</param>
    public static async Task<Results<Accepted<JobDto>, ValidationProblem, ProblemHttpResult>> ForkModel(
        Guid id,
        ForkRequest? request,
        ClaimsPrincipal user,
        DeepNetDbContext db,
        ImageLibrary images,
        ModelKindRegistry kinds,
        JobQueue queue,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var parent = await db.TrainedModels.AsNoTracking()
            .Where(m => m.Id == id)
            .Select(m => new ParentRow(m.Id, m.Name, m.Kind, m.VisibleUnits, m.HiddenUnits, m.OptionsJson, m.DataSpecJson, m.PatchesJson))
            .SingleOrDefaultAsync(cancellationToken);
        if (parent is null)
        {
            return SharingProblems.ModelNotFound(id);
        }

        var errors = ValidateCommon(request, parent, out string name);
        if (errors.Count > 0)
        {
            return SharingProblems.Invalid(errors, "Invalid fork");
        }

        var start = new JobStartFrom(parent.Id, request!.Mode!);
        var dbnKind = kinds.Find(DbnJobKind.Name) ?? throw new InvalidOperationException("The DBN job kind is not registered.");
        var owner = new JobOwner(user.UserId(), clock.GetUtcNow().UtcDateTime);
        var (job, jobErrors) = request.Mode switch
        {
            ForkModes.Continue => await ContinueAsync(parent, request, name, start, owner, db, kinds, cancellationToken),
            ForkModes.DbnFirstLayer => await DbnFirstLayerAsync(parent, request, name, start, owner, db, dbnKind, cancellationToken),
            _ => await FineTuneAsync(parent, request, name, start, owner, db, dbnKind, cancellationToken),
        };
        if (job is null)
        {
            return SharingProblems.Invalid(jobErrors!, "Invalid fork");
        }

        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        queue.Notify(job.Id);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", JobMapper.ToDto(job, kinds.Find(job.Kind), []));
    }

    /// <summary>Who forks, and when.</summary>
    private sealed record JobOwner(string UserId, DateTime Now);

    /// <summary>The columns of the parent a fork needs (never the file).</summary>
    private sealed record ParentRow(
        Guid Id, string Name, string Kind, int VisibleUnits, int HiddenUnits, string OptionsJson, string DataSpecJson, string? PatchesJson);

    /// <summary>mode (known, and fitting the model), name and epochs; the name defaults to "&lt;parent&gt; (fork)".</summary>
    private static Dictionary<string, string[]> ValidateCommon(ForkRequest? request, ParentRow parent, out string name)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string fallback = $"{parent.Name} (fork)";
        name = fallback.Length <= DeepNetDbContext.NameMaxLength ? fallback : fallback[..DeepNetDbContext.NameMaxLength];
        if (request?.Mode is not { } mode)
        {
            errors["mode"] = [$"is required: one of {string.Join(", ", ForkModes.All)}."];
        }
        else if (!ForkModes.All.Contains(mode, StringComparer.Ordinal))
        {
            errors["mode"] = [$"must be one of {string.Join(", ", ForkModes.All)}; got '{mode}'."];
        }
        else if (ModeMismatch(mode, parent) is { } mismatch)
        {
            errors["mode"] = [mismatch];
        }

        if (request?.Name is { } requested)
        {
            if (string.IsNullOrWhiteSpace(requested))
            {
                errors["name"] = ["must not be blank."];
            }
            else if (requested.Trim().Length > DeepNetDbContext.NameMaxLength)
            {
                errors["name"] = [$"must be at most {DeepNetDbContext.NameMaxLength} characters."];
            }
            else
            {
                name = requested.Trim();
            }
        }

        if (request?.Epochs is { } epochs && epochs is < 1 or > MaxEpochs)
        {
            errors["epochs"] = [$"must be between 1 and {MaxEpochs}; got {epochs}."];
        }

        if (request is not null && request.Dbn is not null && request.Mode != ForkModes.DbnFirstLayer)
        {
            errors["dbn"] = [$"is only used by mode '{ForkModes.DbnFirstLayer}'."];
        }

        if (request is not null && request.Data is not null && request.Mode == ForkModes.Continue)
        {
            errors["data"] = [$"cannot change in mode '{ForkModes.Continue}': the RBM continues on its own data."];
        }

        return errors;
    }

    /// <summary>Why <paramref name="mode"/> does not fit the parent, or null when it does.</summary>
    private static string? ModeMismatch(string mode, ParentRow parent)
    {
        switch (mode)
        {
            case ForkModes.Continue when parent.Kind is not (RbmKinds.Rbm or RbmKinds.RbmPatches):
                return $"'{ForkModes.Continue}' continues training an RBM; model {parent.Id} is a {parent.Kind} model"
                    + (parent.Kind == DbnJobKind.Name ? $" (use '{ForkModes.FineTune}')." : ".");
            case ForkModes.DbnFirstLayer when parent.Kind != RbmKinds.Rbm:
                return $"'{ForkModes.DbnFirstLayer}' puts an RBM trained on images or a data set under a DBN; model {parent.Id} is a {parent.Kind} model.";
            case ForkModes.FineTune when parent.Kind != DbnJobKind.Name:
                return $"'{ForkModes.FineTune}' fine-tunes a DBN's classifier; model {parent.Id} is a {parent.Kind} model"
                    + (parent.Kind is RbmKinds.Rbm or RbmKinds.RbmPatches ? $" (use '{ForkModes.Continue}' or '{ForkModes.DbnFirstLayer}')." : ".");
            case ForkModes.FineTune when JobMapper.Read<DbnJobSpec>(parent.OptionsJson)?.FineTuning == DbnSpecNames.None:
                return $"'{ForkModes.FineTune}' fine-tunes a DBN's classifier; model {parent.Id} was trained without one (fineTuning \"none\").";
            default:
                return null;
        }
    }

    /// <summary>The RBM job again: the parent's options (epochs replaced), data spec and patches, from its weights.</summary>
    private static async Task<(Job?, Dictionary<string, string[]>?)> ContinueAsync(
        ParentRow parent, ForkRequest request, string name, JobStartFrom start, JobOwner owner, DeepNetDbContext db, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        var options = JobMapper.ReadOptions(parent.OptionsJson);
        options = options with { Epochs = request.Epochs ?? options.Epochs };
        var data = JobMapper.ReadDataSpec(parent.DataSpecJson);
        PatchesSpec? patches = parent.PatchesJson is null ? null : JsonSerializer.Deserialize<ModelPatchesDto>(parent.PatchesJson, JsonDefaults.Options)?.Spec;
        var kind = kinds.Find(parent.Kind) ?? throw new InvalidOperationException($"Job kind '{parent.Kind}' is not registered.");
        var validation = await kind.ValidateAsync(new CreateJobRequest { Kind = parent.Kind, Name = name, Rbm = options, Data = data, Patches = patches }, db, cancellationToken);
        var errors = new Dictionary<string, string[]>(validation.Errors, StringComparer.Ordinal);
        await RequireReadableImagesAsync(patches, db, errors, cancellationToken);
        if (errors.Count > 0 || validation.Draft is not { } draft)
        {
            return (null, errors);
        }

        return (JobStore.NewJob(draft with { OptionsJson = JobStart.Attach(draft.OptionsJson, start) }, owner.UserId, owner.Now), null);
    }

    /// <summary>A DBN job on the RBM: layers[0] takes the RBM's hidden units and visible type; the rest is validated as any DBN job.</summary>
    private static async Task<(Job?, Dictionary<string, string[]>?)> DbnFirstLayerAsync(
        ParentRow parent, ForkRequest request, string name, JobStartFrom start, JobOwner owner, DeepNetDbContext db, IModelKind dbnKind, CancellationToken cancellationToken)
    {
        var rbm = JobMapper.ReadOptions(parent.OptionsJson);
        var spec = request.Dbn ?? new DbnJobSpec();
        var layers = spec.Layers is { Count: > 0 } given ? given.ToList() : [new DbnLayerSpec(), new DbnLayerSpec { HiddenUnits = DefaultUpperLayerUnits }];
        layers[0] = layers[0] with { HiddenUnits = parent.HiddenUnits, VisibleType = rbm.VisibleType };
        spec = spec with
        {
            Layers = layers,
            Backprop = request.Epochs is { } epochs ? spec.Backprop with { Epochs = epochs, TopLayerOnlyEpochs = Math.Min(spec.Backprop.TopLayerOnlyEpochs, epochs) } : spec.Backprop,
        };
        var data = request.Data ?? JobMapper.ReadDataSpec(parent.DataSpecJson);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (spec.JoinLabels && layers.Count == 1)
        {
            errors["dbn.joinLabels"] = ["needs a layer above the RBM: the label units join the top layer, which is trained here."];
        }

        if (spec.Pretraining == DbnSpecNames.None && layers.Count > 1)
        {
            errors["dbn.pretraining"] = ["\"none\" would leave the layers above the RBM untrained before fine-tuning; use \"rbm\", \"autoEncoder\" or \"supervised\"."];
        }

        return await DbnJobAsync(parent, name, start, owner, spec, data, errors, db, dbnKind, cancellationToken);
    }

    /// <summary>The parent DBN's job spec with global fine-tuning for the requested epochs, on its data (or the request's).</summary>
    private static async Task<(Job?, Dictionary<string, string[]>?)> FineTuneAsync(
        ParentRow parent, ForkRequest request, string name, JobStartFrom start, JobOwner owner, DeepNetDbContext db, IModelKind dbnKind, CancellationToken cancellationToken)
    {
        var spec = DbnSpecValidator.WithDefaults(JobMapper.Read<DbnJobSpec>(parent.OptionsJson));
        spec = spec with
        {
            FineTuning = DbnSpecNames.Global,
            Backprop = spec.Backprop with { Epochs = request.Epochs ?? spec.Backprop.Epochs, TopLayerOnlyEpochs = 0 },
        };
        var data = request.Data ?? JobMapper.ReadDataSpec(parent.DataSpecJson);
        return await DbnJobAsync(parent, name, start, owner, spec, data, [], db, dbnKind, cancellationToken);
    }

    private static async Task<(Job?, Dictionary<string, string[]>?)> DbnJobAsync(
        ParentRow parent, string name, JobStartFrom start, JobOwner owner, DbnJobSpec spec, DataSpec data, Dictionary<string, string[]> errors,
        DeepNetDbContext db, IModelKind dbnKind, CancellationToken cancellationToken)
    {
        var validation = await dbnKind.ValidateAsync(new CreateJobRequest { Kind = DbnJobKind.Name, Name = name, Dbn = spec, Data = data }, db, cancellationToken);
        foreach (var (field, messages) in validation.Errors ?? new Dictionary<string, string[]>())
        {
            errors[field] = messages;
        }

        if (validation.Draft is { } && await InputsAsync(data, db, cancellationToken) is { } inputs && inputs != parent.VisibleUnits)
        {
            errors[data.Dataset == DataSpecValidator.UserDataset ? "data.datasetId" : "data.imageSize"] =
                [$"gives {inputs} inputs; model {parent.Id} takes {parent.VisibleUnits}."];
        }

        if (errors.Count > 0 || validation.Draft is not { } draft)
        {
            return (null, errors);
        }

        return (JobStore.NewJob(draft with { OptionsJson = JobStart.Attach(draft.OptionsJson, start) }, owner.UserId, owner.Now), null);
    }

    /// <summary>The features per row of a (valid) data spec: the data set's, or imageSize² for MNIST.</summary>
    private static async Task<int?> InputsAsync(DataSpec data, DeepNetDbContext db, CancellationToken cancellationToken) =>
        data.Dataset == DataSpecValidator.UserDataset
            ? await db.UserDatasets.AsNoTracking().Where(d => d.Id == data.DatasetId).Select(d => (int?)d.Features).SingleOrDefaultAsync(cancellationToken)
            : data.ImageSize * data.ImageSize;

    /// <summary>A patch model trained on someone's uploaded image continues only for a caller who may read that image.</summary>
    private static async Task RequireReadableImagesAsync(PatchesSpec? patches, DeepNetDbContext db, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (patches is null)
        {
            return;
        }

        foreach (var (field, id) in new[] { ("patches.trainImage", patches.TrainImage), ("patches.testImage", patches.TestImage) })
        {
            if (ImageLibrary.TryParseId(id, out var builtIn, out var upload) && builtIn is null
                && !await db.UserImages.AsNoTracking().AnyAsync(i => i.Id == upload, cancellationToken))
            {
                errors[field] = [$"image {id} does not exist: the model was trained on an image only its owner can use."];
            }
        }
    }
}
