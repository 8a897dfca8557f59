using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Dbn;
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
    public const int MaxUnits = RbmOptionsValidator.MaxHiddenUnits;
    public const int MaxEpochs = 1000;
    public const int MaxBatchSize = 10_000;
    public const float MaxLearningRate = 10f;
    public const int MaxK = 100;
    public const int MaxTestLimit = 10_000;

    /// <summary>Digits of each class 0..9 in MNIST's 60,000 training images.</summary>
    public static IReadOnlyList<int> MnistTrainCounts { get; } = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];

    /// <summary>Largest weight matrix of one layer (inputs × units), as for RBM jobs.</summary>
    public const long MaxWeights = RbmOptionsValidator.MaxWeights;

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

        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name))
        {
            Add("name", "must not be blank");
        }
        else if (request.Name is { Length: > DeepNetDbContext.NameMaxLength })
        {
            Add("name", $"must be at most {DeepNetDbContext.NameMaxLength} characters");
        }

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
        if (layers.Count is < 1 or > MaxLayers)
        {
            Add("dbn.layers", $"must list between 1 and {MaxLayers} hidden layers; got {layers.Count}");
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

            if (layer.HiddenUnits is < 1 or > MaxUnits)
            {
                Add($"{p}.hiddenUnits", $"must be between 1 and {MaxUnits}; got {layer.HiddenUnits}");
            }
            else
            {
                int visible = below + (spec.JoinLabels && l == layers.Count - 1 ? DbnData.LabelUnits : 0);
                if ((long)visible * layer.HiddenUnits > MaxWeights)
                {
                    Add($"{p}.hiddenUnits", $"{visible} inputs × {layer.HiddenUnits} units exceeds the limit of {MaxWeights} weights");
                }
            }

            if (pretrains)
            {
                if (layer.Epochs is < 1 or > MaxEpochs)
                {
                    Add($"{p}.epochs", $"must be between 1 and {MaxEpochs}; got {layer.Epochs}");
                }

                if (!(float.IsFinite(layer.LearningRate) && layer.LearningRate > 0 && layer.LearningRate <= MaxLearningRate))
                {
                    Add($"{p}.learningRate", $"must be greater than 0 and at most {MaxLearningRate}; got {layer.LearningRate}");
                }

                if (layer.K is < 1 or > MaxK)
                {
                    Add($"{p}.k", $"must be between 1 and {MaxK}; got {layer.K}");
                }

                if (layer.BatchSize is < 1 or > MaxBatchSize)
                {
                    Add($"{p}.batchSize", $"must be between 1 and {MaxBatchSize}; got {layer.BatchSize}");
                }

                if (!(float.IsFinite(layer.Momentum) && layer.Momentum is >= 0 and < 1))
                {
                    Add($"{p}.momentum", $"must be at least 0 and less than 1; got {layer.Momentum}");
                }

                if (!(float.IsFinite(layer.WeightDecay) && layer.WeightDecay is >= 0 and <= 1))
                {
                    Add($"{p}.weightDecay", $"must be between 0 and 1; got {layer.WeightDecay}");
                }
            }

            if (layer.InitStd is { } initStd && !(float.IsFinite(initStd) && initStd is > 0 and <= 1))
            {
                Add($"{p}.initStd", $"must be greater than 0 and at most 1; got {initStd}");
            }

            if (!Enum.IsDefined(layer.VisibleType))
            {
                Add($"{p}.visibleType", "must be Bernoulli or Gaussian");
            }
            else if (l > 0 && layer.VisibleType != VisibleUnitType.Bernoulli)
            {
                Add($"{p}.visibleType", "only the first layer may have Gaussian visible units; higher layers see binary hidden units");
            }

            if (layer.HiddenUnits is >= 1 and <= MaxUnits)
            {
                below = layer.HiddenUnits;
            }
        }

        // Backprop (fine-tuning, and supervised layer-wise pre-training).
        var backprop = spec.Backprop ?? new DbnBackpropSpec();
        if (fineTunes || spec.Pretraining == DbnSpecNames.Supervised)
        {
            if (!(float.IsFinite(backprop.LearningRate) && backprop.LearningRate > 0 && backprop.LearningRate <= MaxLearningRate))
            {
                Add("dbn.backprop.learningRate", $"must be greater than 0 and at most {MaxLearningRate}; got {backprop.LearningRate}");
            }

            if (!(float.IsFinite(backprop.Momentum) && backprop.Momentum is >= 0 and < 1))
            {
                Add("dbn.backprop.momentum", $"must be at least 0 and less than 1; got {backprop.Momentum}");
            }

            if (!(float.IsFinite(backprop.WeightDecay) && backprop.WeightDecay is >= 0 and <= 1))
            {
                Add("dbn.backprop.weightDecay", $"must be between 0 and 1; got {backprop.WeightDecay}");
            }

            if (backprop.BatchSize is < 1 or > MaxBatchSize)
            {
                Add("dbn.backprop.batchSize", $"must be between 1 and {MaxBatchSize}; got {backprop.BatchSize}");
            }

            if (backprop.Epochs is < 1 or > MaxEpochs)
            {
                Add("dbn.backprop.epochs", $"must be between 1 and {MaxEpochs}; got {backprop.Epochs}");
            }
            else if (backprop.TopLayerOnlyEpochs < 0 || backprop.TopLayerOnlyEpochs > backprop.Epochs)
            {
                Add("dbn.backprop.topLayerOnlyEpochs", $"must be between 0 and epochs ({backprop.Epochs}); got {backprop.TopLayerOnlyEpochs}");
            }

            if (!(float.IsFinite(backprop.Dropout) && backprop.Dropout >= 0 && backprop.Dropout < BackpropTrainer.MaxDropout))
            {
                Add("dbn.backprop.dropout", $"must be at least 0 and less than 0.9; got {backprop.Dropout}");
            }

            if (!(float.IsFinite(backprop.InputDropout) && backprop.InputDropout >= 0 && backprop.InputDropout < BackpropTrainer.MaxDropout))
            {
                Add("dbn.backprop.inputDropout", $"must be at least 0 and less than 0.9; got {backprop.InputDropout}");
            }
        }

        if (spec.Validation < 0)
        {
            Add("dbn.validation", $"must be 0 (none) or a positive number of training rows to hold out; got {spec.Validation}");
        }
        else if (rows is { } n && spec.Validation >= n)
        {
            Add("dbn.validation", $"must be less than the {n} training rows the data spec selects; got {spec.Validation}");
        }

        if (spec.TestLimit is { } testLimit && (testLimit < 1 || testLimit > MaxTestLimit))
        {
            Add("dbn.testLimit", $"must be between 1 and {MaxTestLimit} (or omitted for the whole test set); got {testLimit}");
        }

        if (spec.JoinLabels && spec.Pretraining != DbnSpecNames.Rbm && !errors.ContainsKey("dbn.pretraining"))
        {
            Add("dbn.joinLabels", $"label units belong to the top RBM; joinLabels needs pretraining \"rbm\", not \"{spec.Pretraining}\"");
        }

        return errors;
    }
}
