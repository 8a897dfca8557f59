using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Dbn;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Dbn;

/// <summary>
/// Checks a "dbn" job request; errors are keyed by the JSON field they name ("dbn.layers[1].hiddenUnits",
/// "dbn.backprop.epochs", "data.limit"). Layer indices are 0-based like JSON arrays.
/// </summary>
public static class DbnSpecValidator
{
    public const int MaxLayers = 8;

    /// <summary>Hidden layers in <see cref="DbnJobSpec.Layers"/>.</summary>
    public static readonly FieldLimit Layers = FieldLimit.Integers(1, MaxLayers);

    /// <summary>Epochs (of 0..backprop.epochs) that train only the softmax layer; the upper bound is the request's epochs.</summary>
    public static readonly FieldLimit TopLayerOnlyEpochs = FieldLimit.Integers(0);

    public static readonly FieldLimit Dropout = FieldLimit.Reals(0, BackpropTrainer.MaxDropout, maxExclusive: true);

    /// <summary>Training rows held out; the upper bound is the rows the data spec selects.</summary>
    public static readonly FieldLimit Validation = FieldLimit.Integers(0);

    /// <summary>Digits of each class 0..9 in MNIST's 60,000 training images.</summary>
    public static IReadOnlyList<int> MnistTrainCounts { get; } = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];

    /// <summary>A layer's own fields, checked always; the RBM's limits under the layer's prefix.</summary>
    public static IReadOnlyList<FieldRule<DbnLayerSpec>> LayerRules { get; } =
    [
        new("hiddenUnits", RbmOptionsValidator.HiddenUnits, l => l.HiddenUnits),
        new("initStd", RbmOptionsValidator.InitialWeightStdDev, l => l.InitStd),
    ];

    /// <summary>
    /// The schedule of a layer's pre-training (checked unless pretraining is "none") and of the backprop (checked when
    /// fine-tuning or supervised pre-training uses it): the RBM's limits under "dbn.layers[i]" and "dbn.backprop".
    /// </summary>
    public static IReadOnlyList<FieldRule<IDbnMinibatchSpec>> MinibatchRules { get; } =
    [
        new("epochs", RbmOptionsValidator.Epochs, s => s.Epochs),
        new("learningRate", RbmOptionsValidator.LearningRate, s => s.LearningRate),
        new("batchSize", RbmOptionsValidator.BatchSize, s => s.BatchSize),
        new("momentum", RbmOptionsValidator.Momentum, s => s.Momentum),
        new("weightDecay", RbmOptionsValidator.WeightDecay, s => s.WeightDecay),
    ];

    /// <summary>A layer's other pre-training field.</summary>
    public static IReadOnlyList<FieldRule<DbnLayerSpec>> PretrainingRules { get; } = [new("k", RbmOptionsValidator.K, l => l.K)];

    private static readonly FieldRule<DbnBackpropSpec> TopLayerOnlyEpochsRule =
        new("topLayerOnlyEpochs", TopLayerOnlyEpochs, b => b.TopLayerOnlyEpochs, "(the epochs)");

    /// <summary>The backprop's fields besides <see cref="MinibatchRules"/>.</summary>
    public static IReadOnlyList<FieldRule<DbnBackpropSpec>> BackpropRules { get; } =
    [
        TopLayerOnlyEpochsRule,
        new("dropout", Dropout, b => b.Dropout),
        new("inputDropout", Dropout, b => b.InputDropout),
    ];

    public static IReadOnlyList<FieldRule<DbnJobSpec>> SpecRules { get; } =
    [
        new("validation", Validation, s => s.Validation, "(0 holds out none)"),
        new("testLimit", DataSpecValidator.TestLimit, s => s.TestLimit, "(or omitted for the whole test set)"),
        new("seed", RbmOptionsValidator.Seed, s => s.Seed),
    ];

    /// <summary>The spec with its defaults applied (no layers → two layers of 100 units).</summary>
    public static DbnJobSpec WithDefaults(DbnJobSpec? spec)
    {
        spec ??= new DbnJobSpec();
        return spec with
        {
            Layers = spec.Layers is null ? [new DbnLayerSpec(), new DbnLayerSpec()] : spec.Layers,
            Backprop = spec.Backprop ?? new DbnBackpropSpec(),
            Propagation = spec.Propagation ?? DbnSpecNames.Samples,
            Pretraining = spec.Pretraining ?? DbnSpecNames.Rbm,
            FineTuning = spec.FineTuning ?? DbnSpecNames.Global,
        };
    }

    public static async Task<Dictionary<string, string[]>> ValidateAsync(
        CreateJobRequest request, DbnJobSpec spec, DataSpec data, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string key, string message) => errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];

        JobName.Check(request.Name, Add);

        foreach (var (field, present) in new[] { ("rbm", request.Rbm is not null), ("patches", request.Patches is not null), ("evaluation", request.Evaluation is not null), ("cnn", request.Cnn is not null) })
        {
            if (present)
            {
                Add(field, "is not used by jobs of kind dbn; put the network in \"dbn\"");
            }
        }

        // Data: the spec itself, then what it resolves to (inputs, rows, labels).
        foreach (var (key, messages) in DataSpecValidator.Validate(data, "data"))
        {
            errors[key] = [.. messages];
        }

        if (data.Split != DataSpecValidator.TrainSplit && !errors.ContainsKey("data.split"))
        {
            Add("data.split", "must be \"train\" for a DBN job: the test error is measured on MNIST's test split");
        }

        int? inputs = null;
        int? rows = null;
        bool labelled = true;
        if (data.Dataset == DataSpecValidator.UserDataset && data.DatasetId is { } datasetId)
        {
            var dataset = await db.UserDatasets.AsNoTracking().Where(d => d.Id == datasetId)
                .Select(d => new { d.Features, d.Count, d.HasLabels }).SingleOrDefaultAsync(cancellationToken);
            if (dataset is null)
            {
                Add("data.datasetId", $"data set {datasetId} does not exist");
            }
            else
            {
                inputs = dataset.Features;
                labelled = dataset.HasLabels;
                // The last tenth (at most 1000 rows) of the selected rows is the test set of a user data set.
                int selected = Math.Min(dataset.Count, data.Limit ?? int.MaxValue);
                rows = selected - DbnData.UserTestCount(selected);
            }
        }
        else if (data.Dataset == DataSpecValidator.MnistDataset && !errors.Keys.Any(k => k.StartsWith("data.", StringComparison.Ordinal)))
        {
            inputs = data.ImageSize * data.ImageSize;
            int matching = data.Classes is { } classes ? classes.Distinct().Sum(c => MnistTrainCounts[c]) : MnistTrainCounts.Sum();
            rows = Math.Min(matching, data.Limit ?? int.MaxValue);
        }

        // Mode names.
        if (!DbnSpecNames.Propagations.Contains(spec.Propagation))
        {
            Add("dbn.propagation", $"must be one of {string.Join(", ", DbnSpecNames.Propagations)}; got '{spec.Propagation}'");
        }

        if (!DbnSpecNames.Pretrainings.Contains(spec.Pretraining))
        {
            Add("dbn.pretraining", $"must be one of {string.Join(", ", DbnSpecNames.Pretrainings)}; got '{spec.Pretraining}'");
        }

        if (!DbnSpecNames.FineTunings.Contains(spec.FineTuning))
        {
            Add("dbn.fineTuning", $"must be one of {string.Join(", ", DbnSpecNames.FineTunings)}; got '{spec.FineTuning}'");
        }

        bool fineTunes = spec.FineTuning != DbnSpecNames.None;
        bool supervised = fineTunes || spec.Pretraining == DbnSpecNames.Supervised || spec.JoinLabels;
        if (supervised && !labelled)
        {
            Add("data.datasetId", "the data set has no labels; fine-tuning, supervised pre-training and joinLabels need a labelled data set (or use fineTuning \"none\" with RBM pre-training)");
        }

        if (spec.FineTuning == DbnSpecNames.None && spec.Pretraining is DbnSpecNames.None or DbnSpecNames.Supervised && !errors.ContainsKey("dbn.pretraining"))
        {
            Add("dbn.fineTuning", $"\"none\" leaves nothing to train with pretraining \"{spec.Pretraining}\"; use \"global\" or \"classifierOnTop\"");
        }

        if (spec.FineTuning == DbnSpecNames.ClassifierOnTop && spec.Pretraining == DbnSpecNames.None)
        {
            Add("dbn.fineTuning", "\"classifierOnTop\" on random, untrained layers is not a DBN; use \"global\" for no pre-training");
        }

        // Layers.
        var layers = spec.Layers ?? [];
        if (!Layers.Contains(layers.Count))
        {
            Add("dbn.layers", $"must list {Layers.Describe()} hidden layers, got {layers.Count}");
        }

        bool pretrains = spec.Pretraining != DbnSpecNames.None;
        int below = inputs ?? 28 * 28;
        for (int l = 0; l < Math.Min(layers.Count, MaxLayers); l++)
        {
            string p = $"dbn.layers[{l}]";
            var layer = layers[l];
            if (layer is null)
            {
                Add(p, "must be an object with hiddenUnits");
                continue;
            }

            // The RBM's checks and messages, under the layer's prefix.
            LayerRules.Check(layer, p, Add);
            if (RbmOptionsValidator.HiddenUnits.Contains(layer.HiddenUnits))
            {
                int visible = below + (spec.JoinLabels && l == layers.Count - 1 ? DbnData.LabelUnits : 0);
                if (RbmOptionsValidator.WeightsError(visible, layer.HiddenUnits) is { } tooMany)
                {
                    Add($"{p}.hiddenUnits", tooMany);
                }
            }

            if (pretrains)
            {
                MinibatchRules.Check(layer, p, Add);
                PretrainingRules.Check(layer, p, Add);
            }

            if (!Enum.IsDefined(layer.VisibleType))
            {
                Add($"{p}.visibleType", "must be Bernoulli or Gaussian");
            }
            else if (l > 0 && layer.VisibleType != VisibleUnitType.Bernoulli)
            {
                Add($"{p}.visibleType", "only the first layer may have Gaussian visible units; higher layers see binary hidden units");
            }

            if (RbmOptionsValidator.HiddenUnits.Contains(layer.HiddenUnits))
            {
                below = layer.HiddenUnits;
            }
        }

        // Backprop (fine-tuning, and supervised layer-wise pre-training).
        var backprop = spec.Backprop ?? new DbnBackpropSpec();
        if (fineTunes || spec.Pretraining == DbnSpecNames.Supervised)
        {
            MinibatchRules.Check(backprop, "dbn.backprop", Add);
            BackpropRules.Except([TopLayerOnlyEpochsRule]).Check(backprop, "dbn.backprop", Add);
            if (!errors.ContainsKey("dbn.backprop.epochs"))
            {
                (TopLayerOnlyEpochsRule with { Limit = TopLayerOnlyEpochs with { Max = backprop.Epochs } }).Check(backprop, "dbn.backprop", Add);
            }
        }

        SpecRules.Check(spec, "dbn", Add);
        if (!errors.ContainsKey("dbn.validation") && rows is { } n && spec.Validation >= n)
        {
            Add("dbn.validation", $"must be less than the {n} training rows the data spec selects, got {spec.Validation}");
        }

        if (spec.JoinLabels && spec.Pretraining != DbnSpecNames.Rbm && !errors.ContainsKey("dbn.pretraining"))
        {
            Add("dbn.joinLabels", $"label units belong to the top RBM; joinLabels needs pretraining \"rbm\", not \"{spec.Pretraining}\"");
        }

        return errors;
    }
}
