using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Cnn;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;

namespace DeepNet.Server.Cnn;

/// <summary>A <see cref="CnnJobSpec"/> turned into what the trainer needs, with every default applied.</summary>
/// <param name="Spec">The spec as stored: layers resolved (preset expanded, output layer added).</param>
/// <param name="Layers">The architecture as data.</param>
/// <param name="Shapes">Input shape, then the output shape of every layer.</param>
/// <param name="Architecture">"LeNet-5", "small CNN" or the layer list.</param>
public sealed record CnnResolvedSpec(
    CnnJobSpec Spec,
    IReadOnlyList<LayerSpec> Layers,
    IReadOnlyList<TensorShape> Shapes,
    CnnOptions Options,
    string Architecture)
{
    public TensorShape Input => Shapes[0];

    public int Classes => Shapes[^1].Size;
}

/// <summary>
/// Checks a <see cref="CnnJobSpec"/> against the input shape and classes of its data: ranges of every field (keys
/// "cnn.batchSize"), each layer's own fields and then the shapes through the whole network (<see cref="Network.InferShapes"/>),
/// with errors keyed by the layer ("cnn.layers[3]") and messages naming the layer and its input shape.
/// </summary>
public static class CnnSpecValidator
{
    public const string LeNet5Preset = "lenet5";
    public const string SmallPreset = "small";
    public const int MaxLayers = 20;

    /// <summary>Layers listed in <see cref="CnnJobSpec.Layers"/> (the implied output layer not counted).</summary>
    public static readonly FieldLimit Layers = FieldLimit.Integers(1, MaxLayers);

    public static readonly FieldLimit Epochs = FieldLimit.Integers(1, 200);
    public static readonly FieldLimit BatchSize = FieldLimit.Integers(1, 1024);
    public static readonly FieldLimit Validation = FieldLimit.Integers(0, 20_000);
    public static readonly FieldLimit Rotation = FieldLimit.Reals(0, 45);
    public static readonly FieldLimit Scale = FieldLimit.Reals(0, 0.5);
    public static readonly FieldLimit Shift = FieldLimit.Reals(0, 8);
    public static readonly FieldLimit Filters = FieldLimit.Integers(1, 256);
    public static readonly FieldLimit Kernel = FieldLimit.Integers(1, 15);
    public static readonly FieldLimit Padding = FieldLimit.Integers(0, 7);

    /// <summary>A pooling window's side; a stride (convolution or pooling) has the same range.</summary>
    public static readonly FieldLimit Window = FieldLimit.Integers(1, 8);

    public static readonly FieldLimit Units = FieldLimit.Integers(1, 4096);
    public static readonly FieldLimit DropoutRate = FieldLimit.Reals(0, 0.9);

    /// <summary>
    /// The numeric fields of the spec; the learning rate, momentum, weight decay and decay schedule share the RBM's ranges.
    /// Defaults are <see cref="CnnJobSpec"/>'s.
    /// </summary>
    public static IReadOnlyList<FieldRule<CnnJobSpec>> Rules { get; } =
    [
        new("learningRate", RbmOptionsValidator.LearningRate, s => s.LearningRate),
        new("momentum", RbmOptionsValidator.Momentum, s => s.Momentum),
        new("weightDecay", RbmOptionsValidator.WeightDecay, s => s.WeightDecay),
        new("learningRateDecay", RbmOptionsValidator.LearningRateDecay, s => s.LearningRateDecay),
        new("batchSize", BatchSize, s => s.BatchSize),
        new("epochs", Epochs, s => s.Epochs),
        new("validation", Validation, s => s.Validation, "(the last N training rows are held out)"),
        new("testLimit", DataSpecValidator.TestLimit, s => s.TestLimit, "(or null for the whole test split)"),
        new("seed", RbmOptionsValidator.Seed, s => s.Seed),
    ];

    /// <summary>Ranges of the distortions; defaults are <see cref="CnnAugmentDto"/>'s (used when "augment" is given).</summary>
    public static IReadOnlyList<FieldRule<CnnAugmentDto>> AugmentRules { get; } =
    [
        new("rotation", Rotation, a => a.Rotation, "degrees"),
        new("scale", Scale, a => a.Scale),
        new("shift", Shift, a => a.Shift, "pixels"),
    ];

    private static readonly FieldRule<CnnLayerDto> FiltersRule = new("filters", Filters, l => l.Filters);
    private static readonly FieldRule<CnnLayerDto> KernelRule = new("kernel", Kernel, l => l.Kernel);
    private static readonly FieldRule<CnnLayerDto> StrideRule = new("stride", Window, l => l.Stride);
    private static readonly FieldRule<CnnLayerDto> PaddingRule = new("padding", Padding, l => l.Padding, Default: 0);
    private static readonly FieldRule<CnnLayerDto> WindowRule = new("window", Window, l => l.Window);
    private static readonly FieldRule<CnnLayerDto> UnitsRule = new("units", Units, l => l.Units);
    private static readonly FieldRule<CnnLayerDto> RateRule = new("rate", DropoutRate, l => l.Rate, Default: 0.5);

    /// <summary>
    /// The numeric fields of a layer, by the layer types that use them. A convolution's stride defaults to 1, a pooling
    /// layer's to its window, so the stride publishes no default.
    /// </summary>
    public static IReadOnlyList<FieldRule<CnnLayerDto>> LayerRules { get; } = [FiltersRule, KernelRule, StrideRule, PaddingRule, WindowRule, UnitsRule, RateRule];

    /// <summary>Values of all layer outputs for one batch, summed; keeps a job's buffers under about 1 GB.</summary>
    public const long MaxActivationsPerBatch = 128L * 1024 * 1024;

    public const long MaxParameters = 20_000_000;

    /// <summary>Layer types in the JSON.</summary>
    public static readonly IReadOnlyList<string> LayerTypes = ["conv", "maxPool", "avgPool", "relu", "tanh", "sigmoid", "dense", "dropout"];

    /// <summary>The layers of a preset, or null when the name is unknown.</summary>
    public static IReadOnlyList<LayerSpec>? Preset(string? name, int classes) => name switch
    {
        LeNet5Preset => CnnPresets.LeNet5(classes),
        SmallPreset => CnnPresets.SmallFast(classes),
        _ => null,
    };

    /// <summary>
    /// Validates <paramref name="spec"/> for <paramref name="input"/>-shaped samples of <paramref name="classes"/> classes;
    /// adds errors keyed "cnn.…" and returns the resolved spec, or null when anything is wrong.
    /// </summary>
    public static CnnResolvedSpec? Validate(CnnJobSpec spec, TensorShape input, int classes, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(errors);
        int before = errors.Count;
        void Add(string key, string message) =>
            errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];

        CnnOptimizerKind optimizer = CnnOptimizerKind.Adam;
        switch (spec.Optimizer?.ToLowerInvariant())
        {
            case "adam": break;
            case "sgd": optimizer = CnnOptimizerKind.Sgd; break;
            default: Add("cnn.optimizer", $"must be \"adam\" or \"sgd\", got \"{spec.Optimizer}\""); break;
        }

        CnnInitialization initialization = CnnInitialization.Auto;
        switch (spec.Init?.ToLowerInvariant())
        {
            case null or "" or "auto": break;
            case "he": initialization = CnnInitialization.He; break;
            case "glorot": initialization = CnnInitialization.Glorot; break;
            default: Add("cnn.init", $"must be \"he\", \"glorot\" or null (He before ReLU, Glorot otherwise), got \"{spec.Init}\""); break;
        }

        Rules.Check(spec, "cnn", Add);
        CnnAugmentation? augmentation = null;
        if (spec.Augment is { } augment)
        {
            AugmentRules.Check(augment, "cnn.augment", Add);
            augmentation = new CnnAugmentation(augment.Rotation, augment.Scale, augment.Shift);
        }

        List<LayerSpec>? layers = ResolveLayers(spec, classes, Add);
        IReadOnlyList<TensorShape>? shapes = null;
        if (layers is not null)
        {
            try
            {
                shapes = Network.InferShapes(input, layers);
            }
            catch (ArgumentException e)
            {
                int index = e.Data[Network.LayerIndexKey] is int i ? i : layers.Count - 1;
                string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
                bool implied = spec.Layers is not null && index >= spec.Layers.Count;
                Add(implied ? "cnn.layers" : $"cnn.layers[{index}]", implied ? $"the implied output layer ({message})" : message);
            }
        }

        if (shapes is not null && errors.Count == before)
        {
            long activations = shapes.Skip(1).Sum(s => (long)s.Size) * spec.BatchSize;
            if (activations > MaxActivationsPerBatch)
            {
                Add("cnn.layers", $"the layer outputs of one batch of {spec.BatchSize} hold {activations:N0} values, more than {MaxActivationsPerBatch:N0}; use fewer filters, more pooling or a smaller batch");
            }

            long parameters = CountParameters(layers!, shapes);
            if (parameters > MaxParameters)
            {
                Add("cnn.layers", $"the network has {parameters:N0} parameters, more than {MaxParameters:N0}");
            }
        }

        if (errors.Count > before || layers is null || shapes is null)
        {
            return null;
        }

        var options = new CnnOptions(
            spec.Epochs, spec.BatchSize, optimizer, spec.LearningRate, spec.Momentum, spec.WeightDecay, spec.Seed,
            spec.LearningRateDecay, initialization, augmentation);
        var resolved = spec with
        {
            Layers = [.. layers.Select(ToDto)],
            Optimizer = optimizer == CnnOptimizerKind.Sgd ? "sgd" : "adam",
            Init = spec.Init?.ToLowerInvariant() is "he" or "glorot" ? spec.Init.ToLowerInvariant() : null,
        };
        return new CnnResolvedSpec(resolved, layers, shapes, options, Describe(layers, classes));
    }

    /// <summary>"LeNet-5", "small CNN", or the layers joined by " → ".</summary>
    public static string Describe(IReadOnlyList<LayerSpec> layers, int classes)
    {
        if (layers.SequenceEqual(CnnPresets.LeNet5(classes)))
        {
            return "LeNet-5";
        }

        return layers.SequenceEqual(CnnPresets.SmallFast(classes)) ? "small CNN" : string.Join(" → ", layers.Select(l => l.Describe()));
    }

    public static CnnLayerDto ToDto(LayerSpec layer) => layer switch
    {
        ConvolutionSpec c => new CnnLayerDto { Type = "conv", Filters = c.Filters, Kernel = c.Kernel, Stride = c.Stride, Padding = c.Padding },
        MaxPoolSpec m => new CnnLayerDto { Type = "maxPool", Window = m.Window, Stride = m.Stride },
        AveragePoolSpec a => new CnnLayerDto { Type = "avgPool", Window = a.Window, Stride = a.Stride },
        ActivationSpec a => new CnnLayerDto { Type = a.Kind.ToString().ToLowerInvariant() },
        DenseSpec d => new CnnLayerDto { Type = "dense", Units = d.Units },
        DropoutSpec d => new CnnLayerDto { Type = "dropout", Rate = d.Rate },
        _ => throw new ArgumentException($"Unknown layer {layer.GetType().Name}.", nameof(layer)),
    };

    private static List<LayerSpec>? ResolveLayers(CnnJobSpec spec, int classes, Action<string, string> add)
    {
        if (spec.Layers is null)
        {
            string preset = spec.Preset ?? SmallPreset;
            if (Preset(preset, classes) is { } layers)
            {
                return [.. layers];
            }

            add("cnn.preset", $"must be \"{LeNet5Preset}\" or \"{SmallPreset}\" (or give layers), got \"{spec.Preset}\"");
            return null;
        }

        if (spec.Preset is not null && Preset(spec.Preset, classes) is null)
        {
            add("cnn.preset", $"must be \"{LeNet5Preset}\", \"{SmallPreset}\" or null, got \"{spec.Preset}\"");
        }

        if (!Layers.Contains(spec.Layers.Count))
        {
            add("cnn.layers", $"must list {Layers.Describe()} layers, got {spec.Layers.Count}");
            return null;
        }

        var result = new List<LayerSpec>(spec.Layers.Count + 1);
        bool ok = true;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            string? error = null;
            LayerSpec? layer = spec.Layers[i] is { } dto ? ToSpec(dto, out error) : null;
            if (layer is null)
            {
                add($"cnn.layers[{i}]", $"layer {i + 1}: {error ?? "is missing"}");
                ok = false;
                continue;
            }

            result.Add(layer);
        }

        if (!ok)
        {
            return null;
        }

        if (result[^1] is DenseSpec last)
        {
            if (last.Units != classes)
            {
                add($"cnn.layers[{result.Count - 1}]", $"layer {result.Count} ({last.Describe()}) is the output layer: it needs one unit per class, {classes}");
                return null;
            }
        }
        else
        {
            // The softmax output is implied: one dense unit per class after the listed layers.
            result.Add(new DenseSpec(classes));
        }

        return result;
    }

    private static LayerSpec? ToSpec(CnnLayerDto dto, out string? error)
    {
        error = null;
        string? Range(FieldRule<CnnLayerDto> rule, bool required, int fallback, out int result)
        {
            double? value = rule.Value(dto);
            result = value is { } given ? (int)given : fallback;
            if (value is not { } v)
            {
                return required ? $"{rule.Field} is required" : null;
            }

            return rule.Limit.Contains(v) ? null : $"{rule.Field} {rule.Message(v)}";
        }

        switch (dto.Type)
        {
            case "conv":
                string? filtersError = Range(FiltersRule, true, 0, out int filters);
                string? kernelError = Range(KernelRule, true, 0, out int kernel);
                string? strideError = Range(StrideRule, false, 1, out int stride);
                string? paddingError = Range(PaddingRule, false, (int)PaddingRule.Default!.Value, out int padding);
                error = filtersError ?? kernelError ?? strideError ?? paddingError;
                return error is null ? new ConvolutionSpec(filters, kernel, stride, padding) : null;
            case "maxPool" or "avgPool":
                error = Range(WindowRule, true, 0, out int window);
                if (error is not null)
                {
                    return null;
                }

                error = Range(StrideRule, false, window, out int poolStride);
                return error is not null ? null : dto.Type == "maxPool" ? new MaxPoolSpec(window, poolStride) : new AveragePoolSpec(window, poolStride);
            case "relu": return new ActivationSpec(ActivationKind.Relu);
            case "tanh": return new ActivationSpec(ActivationKind.Tanh);
            case "sigmoid": return new ActivationSpec(ActivationKind.Sigmoid);
            case "dense":
                error = Range(UnitsRule, true, 0, out int units);
                return error is null ? new DenseSpec(units) : null;
            case "dropout":
                float rate = dto.Rate ?? (float)RateRule.Default!.Value;
                if (!RateRule.Limit.Contains(rate))
                {
                    error = $"rate {RateRule.Message(rate)}";
                    return null;
                }

                return new DropoutSpec(rate);
            default:
                error = $"type must be one of {string.Join(", ", LayerTypes)}, got \"{dto.Type}\"";
                return null;
        }
    }

    private static long CountParameters(IReadOnlyList<LayerSpec> layers, IReadOnlyList<TensorShape> shapes)
    {
        long total = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            total += layers[i] switch
            {
                ConvolutionSpec c => ((long)shapes[i].Channels * c.Kernel * c.Kernel + 1) * c.Filters,
                DenseSpec d => ((long)shapes[i].Size + 1) * d.Units,
                _ => 0,
            };
        }

        return total;
    }
}
