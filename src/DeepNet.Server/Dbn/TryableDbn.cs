using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Dbn;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;

namespace DeepNet.Server.Dbn;

/// <summary>
/// A DBN tried on an image: its class probabilities when it has a classifier, and — when its layers are generative — its
/// reconstruction through the stack.
/// </summary>
public sealed class TryableDbn(DeepBeliefNetwork stack, DenseSigmoidNetwork? classifier, bool generative) : ITryableModel
{
    public static TryableDbn Load(TryModelRow row, byte[] file)
    {
        var contents = DbnModelFile.Load(file);
        return new TryableDbn(contents.Stack, contents.Classifier, IsGenerative(row.OptionsJson, contents.Metadata));
    }

    public (TryResultDto? Result, TryError? Error) Try(TryModelRow row, GrayImage image)
    {
        if ((long)row.ImageWidth * row.ImageHeight != stack.Inputs)
        {
            return (null, TryError.NotAnImage(row.ImageWidth, row.ImageHeight, stack.Inputs));
        }

        float[] input = image.Resize(row.ImageWidth, row.ImageHeight).Pixels;
        float[]? probabilities = null;
        if (classifier is not null)
        {
            var workspace = NetworkWorkspace.ForwardOnly(classifier, 1);
            classifier.Forward(input, 1, workspace);
            probabilities = workspace.Activations(classifier.LayerCount - 1, 1).ToArray();
        }

        float[]? reconstruction = generative ? UpDown(input) : null;
        return (TryResultDto.Of(row.ImageWidth, row.ImageHeight, input, reconstruction, probabilities), null);
    }

    /// <summary>
    /// Mean-field up pass Q(h|below) through every layer (label units of a label-joined top RBM at 0), then the down pass
    /// of visible means through every layer's generative weights back to pixels.
    /// </summary>
    private float[] UpDown(float[] input)
    {
        var current = new Matrix(1, input.Length, input);
        IReadOnlyList<Rbm> layers = stack.Layers;
        for (int l = 0; l < layers.Count; l++)
        {
            var visible = l == layers.Count - 1 && stack.LabelUnits > 0 ? DeepBeliefNetwork.AppendLabels(current, null, stack.LabelUnits) : current;
            current = DeepBeliefNetwork.Propagate(layers[l], visible, HiddenFeatures.Probabilities, null);
        }

        float[] below = current.Data;
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var means = new float[layers[l].VisibleUnits];
            layers[l].VisibleProbabilities(below, 1, means);
            // A label-joined top RBM's last visible units are the labels; the layer below sees the features only.
            below = l == layers.Count - 1 && stack.LabelUnits > 0 ? means[..(means.Length - stack.LabelUnits)] : means;
        }

        return below;
    }

    /// <summary>
    /// A DBN's stack can reconstruct when its layers were pre-trained generatively: as RBMs (the lecture's DBN) or as
    /// tied-weight auto-associators (decoder Wᵀ and bias b). Supervised layers have no visible bias and random layers no
    /// training; their stacks give no reconstruction. The spec is the model's hyperparameters (its column, else the file's).
    /// </summary>
    private static bool IsGenerative(string optionsJson, IReadOnlyDictionary<string, string> metadata)
    {
        string? pretraining = Pretraining(optionsJson) ?? (metadata.TryGetValue("hyperparameters", out var hyperparameters) ? Pretraining(hyperparameters) : null);
        return pretraining is DbnSpecNames.Rbm or DbnSpecNames.AutoEncoder;
    }

    private static string? Pretraining(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("pretraining", out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
