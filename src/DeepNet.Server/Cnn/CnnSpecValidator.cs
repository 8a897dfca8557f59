using System.Globalization;
using DeepNet.Models.Cnn;
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
    public const int MaxEpochs = 200;
    public const int MaxBatchSize = 1024;
    public const int MaxValidation = 20_000;

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

        if (!(spec.LearningRate > 0f && spec.LearningRate <= 10f))
        {
            Add("cnn.learningRate", $"must be in (0, 10], got {Format(spec.LearningRate)}");
        }

        if (!(spec.Momentum >= 0f && spec.Momentum < 1f))
        {
            Add("cnn.momentum", $"must be in [0, 1), got {Format(spec.Momentum)}");
        }

        if (!(spec.WeightDecay >= 0f && spec.WeightDecay <= 1f))
        {
            Add("cnn.weightDecay", $"must be in [0, 1], got {Format(spec.WeightDecay)}");
        }

        if (!(spec.LearningRateDecay > 0f && spec.LearningRateDecay <= 1f))
        {
            Add("cnn.learningRateDecay", $"must be in (0, 1], got {Format(spec.LearningRateDecay)}");
        }

        if (spec.BatchSize is < 1 or > MaxBatchSize)
        {
            Add("cnn.batchSize", $"must be between 1 and {MaxBatchSize}, got {spec.BatchSize}");
        }

        if (spec.Epochs is < 1 or > MaxEpochs)
        {
            Add("cnn.epochs", $"must be between 1 and {MaxEpochs}, got {spec.Epochs}");
        }

        if (spec.Validation is < 0 or > MaxValidation)
        {
            Add("cnn.validation", $"must be between 0 and {MaxValidation} (the last N training rows are held out), got {spec.Validation}");
        }

        if (spec.TestLimit is < 1 or > 10_000)
        {
            Add("cnn.testLimit", $"must be between 1 and 10000 (or null for the whole test split), got {spec.TestLimit}");
        }

        CnnAugmentation? augmentation = null;
        if (spec.Augment is { } augment)
        {
            if (!(augment.Rotation >= 0f && augment.Rotation <= 45f))
            {
                Add("cnn.augment.rotation", $"must be between 0 and 45 degrees, got {Format(augment.Rotation)}");
            }

            if (!(augment.Scale >= 0f && augment.Scale <= 0.5f))
            {
                Add("cnn.augment.scale", $"must be between 0 and 0.5, got {Format(augment.Scale)}");
            }

            if (!(augment.Shift >= 0f && augment.Shift <= 8f))
            {
                Add("cnn.augment.shift", $"must be between 0 and 8 pixels, got {Format(augment.Shift)}");
            }

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

        if (spec.Layers.Count is 0 or > MaxLayers)
        {
            add("cnn.layers", $"must list 1 to {MaxLayers} layers, got {spec.Layers.Count}");
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
        string? Range(string field, int? value, int min, int max, bool required, int fallback, out int result)
        {
            result = value ?? fallback;
            if (value is null)
            {
                return required ? $"{field} is required" : null;
            }

            return value < min || value > max ? $"{field} must be between {min} and {max}, got {value}" : null;
        }

        switch (dto.Type)
        {
            case "conv":
                string? filtersError = Range("filters", dto.Filters, 1, 256, true, 0, out int filters);
                string? kernelError = Range("kernel", dto.Kernel, 1, 15, true, 0, out int kernel);
                string? strideError = Range("stride", dto.Stride, 1, 8, false, 1, out int stride);
                string? paddingError = Range("padding", dto.Padding, 0, 7, false, 0, out int padding);
                error = filtersError ?? kernelError ?? strideError ?? paddingError;
                return error is null ? new ConvolutionSpec(filters, kernel, stride, padding) : null;
            case "maxPool" or "avgPool":
                error = Range("window", dto.Window, 1, 8, true, 0, out int window);
                if (error is not null)
                {
                    return null;
                }

                error = Range("stride", dto.Stride, 1, 8, false, window, out int poolStride);
                return error is not null ? null : dto.Type == "maxPool" ? new MaxPoolSpec(window, poolStride) : new AveragePoolSpec(window, poolStride);
            case "relu": return new ActivationSpec(ActivationKind.Relu);
            case "tanh": return new ActivationSpec(ActivationKind.Tanh);
            case "sigmoid": return new ActivationSpec(ActivationKind.Sigmoid);
            case "dense":
                error = Range("units", dto.Units, 1, 4096, true, 0, out int units);
                return error is null ? new DenseSpec(units) : null;
            case "dropout":
                float rate = dto.Rate ?? 0.5f;
                if (!(rate >= 0f && rate <= 0.9f))
                {
                    error = $"rate must be between 0 and 0.9, got {Format(rate)}";
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

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
