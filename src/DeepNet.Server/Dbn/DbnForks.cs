using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Dbn;

/// <summary>
/// Fork mode "dbnFirstLayer": a DBN job whose first layer is the parent RBM (not trained again): layers[0] takes the
/// RBM's hidden units and visible type; the rest is validated as any DBN job.
/// </summary>
public sealed class DbnFirstLayerFork(DbnJobKind kind) : IForkMode
{
    /// <summary>Hidden units of the layer put on the RBM when the request gives no layers.</summary>
    public const int DefaultUpperLayerUnits = 100;

    /// <summary>The parent kind this mode builds on: an RBM of images or a data set (not of patches).</summary>
    public const string ParentKind = "rbm";

    public string Mode => ForkModes.DbnFirstLayer;

    public string Purpose => "puts an RBM trained on images or a data set under a DBN";

    public string? Refuses(ForkParent parent) => parent.Kind == ParentKind ? null : $"a {parent.Kind} model";

    public bool TakesDbnSpec => true;

    public bool TakesData => true;

    public Task<JobKindValidation> DraftAsync(ForkParent parent, ForkRequest request, string name, DeepNetDbContext db, CancellationToken cancellationToken)
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
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (spec.JoinLabels && layers.Count == 1)
        {
            errors["dbn.joinLabels"] = ["needs a layer above the RBM: the label units join the top layer, which is trained here."];
        }

        if (spec.Pretraining == DbnSpecNames.None && layers.Count > 1)
        {
            errors["dbn.pretraining"] = ["\"none\" would leave the layers above the RBM untrained before fine-tuning; use \"rbm\", \"autoEncoder\" or \"supervised\"."];
        }

        return DbnForks.DraftAsync(kind, parent, name, spec, request.Data ?? JobMapper.ReadDataSpec(parent.DataSpecJson), errors, db, cancellationToken);
    }
}

/// <summary>Fork mode "fineTune": the parent DBN's job spec with global fine-tuning for the requested epochs, on its data (or the request's).</summary>
public sealed class DbnFineTuneFork(DbnJobKind kind) : IForkMode
{
    public string Mode => ForkModes.FineTune;

    public string Purpose => "fine-tunes a DBN's classifier";

    public string? Refuses(ForkParent parent) =>
        parent.Kind != kind.Kind ? $"a {parent.Kind} model"
        : JobMapper.Read<DbnJobSpec>(parent.OptionsJson)?.FineTuning == DbnSpecNames.None ? "trained without one (fineTuning \"none\")"
        : null;

    public bool TakesDbnSpec => false;

    public bool TakesData => true;

    public Task<JobKindValidation> DraftAsync(ForkParent parent, ForkRequest request, string name, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var spec = DbnSpecValidator.WithDefaults(JobMapper.Read<DbnJobSpec>(parent.OptionsJson));
        spec = spec with
        {
            FineTuning = DbnSpecNames.Global,
            Backprop = spec.Backprop with { Epochs = request.Epochs ?? spec.Backprop.Epochs, TopLayerOnlyEpochs = 0 },
        };
        return DbnForks.DraftAsync(kind, parent, name, spec, request.Data ?? JobMapper.ReadDataSpec(parent.DataSpecJson), [], db, cancellationToken);
    }
}

/// <summary>What the DBN fork modes share: the DBN job validated as any, on data with the parent's input size.</summary>
internal static class DbnForks
{
    public static async Task<JobKindValidation> DraftAsync(
        DbnJobKind kind, ForkParent parent, string name, DbnJobSpec spec, DataSpec data, Dictionary<string, string[]> errors, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var validation = await kind.ValidateAsync(new CreateJobRequest { Kind = kind.Kind, Name = name, Dbn = spec, Data = data }, db, cancellationToken);
        foreach (var (field, messages) in validation.Errors)
        {
            errors[field] = messages;
        }

        if (validation.Draft is { } && await InputsAsync(data, db, cancellationToken) is { } inputs && inputs != parent.VisibleUnits)
        {
            errors[data.Dataset == DataSpecValidator.UserDataset ? "data.datasetId" : "data.imageSize"] =
                [$"gives {inputs} inputs; model {parent.Id} takes {parent.VisibleUnits}."];
        }

        return errors.Count > 0 || validation.Draft is not { } draft ? JobKindValidation.Invalid(errors) : JobKindValidation.Valid(draft);
    }

    /// <summary>The features per row of a (valid) data spec: the data set's, or imageSize² for MNIST.</summary>
    private static async Task<int?> InputsAsync(DataSpec data, DeepNetDbContext db, CancellationToken cancellationToken) =>
        data.Dataset == DataSpecValidator.UserDataset
            ? await db.UserDatasets.AsNoTracking().Where(d => d.Id == data.DatasetId).Select(d => (int?)d.Features).SingleOrDefaultAsync(cancellationToken)
            : data.ImageSize * data.ImageSize;
}
