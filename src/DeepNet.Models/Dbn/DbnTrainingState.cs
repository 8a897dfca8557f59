using System.Globalization;
using System.Text.Json;

namespace DeepNet.Models.Dbn;

/// <summary>
/// The full state of a <see cref="DbnTrainer"/> run: options, stage, the finished RBMs, the state of the layer in
/// pre-training (mid-layer) and of the fine-tuning. The bytes are one safetensors file: finished layer l's tensors
/// carry the prefix <c>rbm{l}.</c>, the layer trainer's state <c>layer_state.</c> (RBM), <c>autoencoder_state.</c> or
/// <c>supervised_state.</c>, and the fine-tuning state <c>backprop_state.</c> (their metadata keys carry the same prefixes).
/// </summary>
public sealed class DbnTrainingState : ISafeTensorsState
{
    private const string Format = "deepnet.dbn-state";
    private const string Version = "1";
    private const string LayerPrefix = "layer_state.";
    private const string BackpropPrefix = "backprop_state.";
    private const string AutoEncoderPrefix = "autoencoder_state.";
    private const string SupervisedPrefix = "supervised_state.";

    internal DbnTrainingState(
        DbnOptions options, int classes, int sampleCount, DbnStage stage, Rbm[] completedLayers,
        RbmTrainingState? layerState, BackpropTrainingState? backpropState,
        AutoEncoderTrainingState? autoEncoderState = null, BackpropTrainingState? supervisedLayerState = null)
    {
        AutoEncoderState = autoEncoderState;
        SupervisedLayerState = supervisedLayerState;
        Options = options;
        Classes = classes;
        SampleCount = sampleCount;
        Stage = stage;
        CompletedLayers = completedLayers;
        LayerState = layerState;
        BackpropState = backpropState;
    }

    public DbnOptions Options { get; }

    public int Classes { get; }

    public int SampleCount { get; }

    public DbnStage Stage { get; }

    /// <summary>The RBMs whose pre-training has finished, bottom first; a captured state shares them with its trainer, which never changes them again.</summary>
    public IReadOnlyList<Rbm> CompletedLayers { get; }

    /// <summary>The state of the RBM in pre-training (layer <c>CompletedLayers.Count</c>); null between layers and after pre-training.</summary>
    public RbmTrainingState? LayerState { get; }

    /// <summary>The fine-tuning's state; null before fine-tuning and for <see cref="DbnFineTuning.None"/>.</summary>
    public BackpropTrainingState? BackpropState { get; }

    /// <summary>The state of the auto-associator in pre-training (<see cref="DbnPretraining.AutoEncoder"/>); null otherwise.</summary>
    public AutoEncoderTrainingState? AutoEncoderState { get; }

    /// <summary>
    /// The state of the supervised layer in pre-training (<see cref="DbnPretraining.Supervised"/>): its one-hidden-layer
    /// network with the temporary softmax; null otherwise.
    /// </summary>
    public BackpropTrainingState? SupervisedLayerState { get; }

    /// <summary>The state as one safetensors file, written once from the live arrays (nested states under their prefixes).</summary>
    public byte[] ToBytes() => SafeTensorsState.Write(this);

    public void AppendTo(SafeTensorsContents contents)
    {
        contents.SetFormat(Format, Version);
        contents["options"] = JsonSerializer.Serialize(Options);
        contents["classes"] = Classes.ToString(CultureInfo.InvariantCulture);
        contents["sample_count"] = SampleCount.ToString(CultureInfo.InvariantCulture);
        contents["stage"] = Stage.ToString();
        contents["completed_layers"] = CompletedLayers.Count.ToString(CultureInfo.InvariantCulture);
        for (int l = 0; l < CompletedLayers.Count; l++)
        {
            RbmModelFile.AddTensors(CompletedLayers[l], contents.Under($"rbm{l}."));
        }

        LayerState?.AppendTo(contents.Under(LayerPrefix));
        BackpropState?.AppendTo(contents.Under(BackpropPrefix));
        AutoEncoderState?.AppendTo(contents.Under(AutoEncoderPrefix));
        SupervisedLayerState?.AppendTo(contents.Under(SupervisedPrefix));
    }

    /// <summary>Restores a state written by <see cref="ToBytes"/>; throws <see cref="InvalidDataException"/> on anything inconsistent.</summary>
    public static DbnTrainingState FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(bytes);
        if (metadata.GetValueOrDefault("format") != Format || metadata.GetValueOrDefault("version") != Version)
        {
            throw new InvalidDataException($"Not a {Format} file of version {Version}.");
        }

        try
        {
            DbnOptions options = JsonSerializer.Deserialize<DbnOptions>(metadata["options"])
                ?? throw new InvalidDataException("Checkpoint options are missing.");
            int completed = int.Parse(metadata["completed_layers"], CultureInfo.InvariantCulture);
            if (completed < 0 || completed > options.Layers.Count)
            {
                throw new InvalidDataException($"{completed} finished layers do not fit a stack of {options.Layers.Count}.");
            }

            var layers = new Rbm[completed];
            for (int l = 0; l < completed; l++)
            {
                string prefix = $"rbm{l}.";
                var own = tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
                    .ToDictionary(t => t.Key[prefix.Length..], t => t.Value with { Name = t.Key[prefix.Length..] });
                layers[l] = RbmModelFile.FromTensors(own, options.Layers[l].VisibleType, options.Layers[l].Sigma);
            }

            byte[]? layerBytes = Extract(LayerPrefix, tensors, metadata);
            byte[]? backpropBytes = Extract(BackpropPrefix, tensors, metadata);
            byte[]? autoEncoderBytes = Extract(AutoEncoderPrefix, tensors, metadata);
            byte[]? supervisedBytes = Extract(SupervisedPrefix, tensors, metadata);
            return new DbnTrainingState(
                options,
                int.Parse(metadata["classes"], CultureInfo.InvariantCulture),
                int.Parse(metadata["sample_count"], CultureInfo.InvariantCulture),
                Enum.Parse<DbnStage>(metadata["stage"]),
                layers,
                layerBytes is null ? null : RbmTrainingState.FromBytes(layerBytes),
                backpropBytes is null ? null : BackpropTrainingState.FromBytes(backpropBytes),
                autoEncoderBytes is null ? null : AutoEncoderTrainingState.FromBytes(autoEncoderBytes),
                supervisedBytes is null ? null : BackpropTrainingState.FromBytes(supervisedBytes));
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"Corrupt {Format} file: {e.Message}", e);
        }
    }

    private static byte[]? Extract(string prefix, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var innerMetadata = metadata.Where(m => m.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(m => m.Key[prefix.Length..], m => m.Value);
        if (innerMetadata.Count == 0)
        {
            return null;
        }

        var inner = tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => t.Value with { Name = t.Key[prefix.Length..] }).ToList();
        return SafeTensors.Write(inner, innerMetadata);
    }
}
