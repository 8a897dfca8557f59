using System.Globalization;
using DeepNet.Numerics;

namespace DeepNet.Models.Dbn;

/// <summary>What a DBN model file holds.</summary>
/// <param name="Stack">The pre-trained stack (its <see cref="DeepBeliefNetwork.LabelUnits"/> restored).</param>
/// <param name="Classifier">The fine-tuned network, or null when the file has none (features only).</param>
/// <param name="Metadata">Every header metadata entry, the caller's and the format's own.</param>
public sealed record DbnModelFileContents(DeepBeliefNetwork Stack, DenseSigmoidNetwork? Classifier, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// A DBN (stack + optional classifier) as one safetensors file. RBM l: <c>layers.{l}.weight</c> [H, V],
/// <c>layers.{l}.visible_bias</c> [V], <c>layers.{l}.hidden_bias</c> [H]; classifier layer l: <c>classifier.{l}.weight</c>
/// [Out, In], <c>classifier.{l}.bias</c> [Out]. The header metadata carries the caller's entries plus
/// <c>dbn_layers</c>, <c>dbn_label_units</c>, <c>dbn_visible_type</c> ("Bernoulli" | "Gaussian", of RBM 0),
/// <c>dbn_sigma</c> and <c>dbn_classifier_layers</c> (0 without a classifier), which always come from the model.
/// </summary>
public static class DbnModelFile
{
    public const string LayersKey = "dbn_layers";
    public const string LabelUnitsKey = "dbn_label_units";
    public const string VisibleTypeKey = "dbn_visible_type";
    public const string SigmaKey = "dbn_sigma";
    public const string ClassifierLayersKey = "dbn_classifier_layers";

    private const int MaxLayers = 64;

    public static byte[] Save(DeepBeliefNetwork stack, DenseSigmoidNetwork? classifier, IReadOnlyDictionary<string, string> metadata) =>
        Prepare(stack, classifier, metadata).ToArray();

    /// <summary>The file <see cref="Save"/> writes, ready to be written to a stream (the parameters referenced, not copied).</summary>
    public static SafeTensorsFile Prepare(DeepBeliefNetwork stack, DenseSigmoidNetwork? classifier, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(metadata);
        if (classifier is not null && classifier.Inputs != stack.Inputs)
        {
            throw new ArgumentException($"The classifier takes {classifier.Inputs} inputs but the stack {stack.Inputs}.", nameof(classifier));
        }

        Rbm bottom = stack.Layers[0];
        var contents = new SafeTensorsContents();
        contents.SetMetadata(metadata);
        contents[LayersKey] = stack.Layers.Count.ToString(CultureInfo.InvariantCulture);
        contents[LabelUnitsKey] = stack.LabelUnits.ToString(CultureInfo.InvariantCulture);
        contents[VisibleTypeKey] = bottom.VisibleType.ToString();
        contents[SigmaKey] = bottom.Sigma.ToString("R", CultureInfo.InvariantCulture);
        contents[ClassifierLayersKey] = (classifier?.LayerCount ?? 0).ToString(CultureInfo.InvariantCulture);
        for (int l = 0; l < stack.Layers.Count; l++)
        {
            Rbm rbm = stack.Layers[l];
            contents.Add($"layers.{l}.weight", [rbm.HiddenUnits, rbm.VisibleUnits], rbm.Weights.Data);
            contents.Add($"layers.{l}.visible_bias", [rbm.VisibleUnits], rbm.VisibleBias);
            contents.Add($"layers.{l}.hidden_bias", [rbm.HiddenUnits], rbm.HiddenBias);
        }

        for (int l = 0; l < (classifier?.LayerCount ?? 0); l++)
        {
            Matrix w = classifier!.Weights(l);
            contents.Add($"classifier.{l}.weight", [w.Rows, w.Cols], w.Data);
            contents.Add($"classifier.{l}.bias", [w.Rows], classifier.Bias(l));
        }

        return contents.ToFile();
    }

    /// <summary>
    /// Loads a file written by <see cref="Save"/>. Strict: every expected tensor present with a consistent shape, no
    /// other tensors, every value finite; anything else throws <see cref="InvalidDataException"/> naming the problem.
    /// </summary>
    public static DbnModelFileContents Load(ReadOnlySpan<byte> file)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(file);
        int layers = ReadCount(metadata, LayersKey, 1, MaxLayers);
        int labelUnits = ReadCount(metadata, LabelUnitsKey, 0, int.MaxValue);
        int classifierLayers = ReadCount(metadata, ClassifierLayersKey, 0, MaxLayers);
        VisibleUnitType visibleType = metadata.GetValueOrDefault(VisibleTypeKey) switch
        {
            nameof(VisibleUnitType.Bernoulli) => VisibleUnitType.Bernoulli,
            nameof(VisibleUnitType.Gaussian) => VisibleUnitType.Gaussian,
            var other => throw new InvalidDataException($"{VisibleTypeKey} must be Bernoulli or Gaussian, got '{other ?? "(missing)"}'."),
        };
        if (!metadata.TryGetValue(SigmaKey, out string? sigmaText)
            || !float.TryParse(sigmaText, NumberStyles.Float, CultureInfo.InvariantCulture, out float sigma) || !float.IsFinite(sigma) || sigma <= 0)
        {
            throw new InvalidDataException($"{SigmaKey} must be a positive finite number, got '{sigmaText ?? "(missing)"}'.");
        }

        int expectedTensors = 3 * layers + 2 * classifierLayers;
        if (tensors.Count != expectedTensors)
        {
            throw new InvalidDataException(
                $"The file holds {tensors.Count} tensors; {layers} RBM layers and {classifierLayers} classifier layers need {expectedTensors}.");
        }

        var rbms = new Rbm[layers];
        for (int l = 0; l < layers; l++)
        {
            Tensor w = Require(tensors, $"layers.{l}.weight", 2);
            Tensor b = Require(tensors, $"layers.{l}.visible_bias", 1);
            Tensor c = Require(tensors, $"layers.{l}.hidden_bias", 1);
            if (w.Shape[0] < 1 || w.Shape[1] < 1 || b.Shape[0] != w.Shape[1] || c.Shape[0] != w.Shape[0])
            {
                throw new InvalidDataException(
                    $"Layer {l}: weight [{w.Shape[0]},{w.Shape[1]}] does not fit visible_bias [{b.Shape[0]}] and hidden_bias [{c.Shape[0]}].");
            }

            rbms[l] = new Rbm(new Matrix(w.Shape[0], w.Shape[1], w.Data), b.Data, c.Data,
                l == 0 ? visibleType : VisibleUnitType.Bernoulli, l == 0 ? sigma : 1f);
        }

        DeepBeliefNetwork stack;
        try
        {
            stack = new DeepBeliefNetwork(rbms, labelUnits);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Inconsistent DBN layers: {e.Message}", e);
        }

        DenseSigmoidNetwork? classifier = null;
        if (classifierLayers > 0)
        {
            var weights = new Matrix[classifierLayers];
            var biases = new float[classifierLayers][];
            for (int l = 0; l < classifierLayers; l++)
            {
                Tensor w = Require(tensors, $"classifier.{l}.weight", 2);
                Tensor b = Require(tensors, $"classifier.{l}.bias", 1);
                weights[l] = new Matrix(w.Shape[0], w.Shape[1], w.Data);
                biases[l] = b.Data;
            }

            try
            {
                classifier = new DenseSigmoidNetwork(weights, biases);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Inconsistent classifier layers: {e.Message}", e);
            }

            if (classifier.Inputs != stack.Inputs)
            {
                throw new InvalidDataException($"The classifier takes {classifier.Inputs} inputs but the stack {stack.Inputs}.");
            }
        }

        return new DbnModelFileContents(stack, classifier, metadata);
    }

    private static int ReadCount(IReadOnlyDictionary<string, string> metadata, string key, int min, int max)
    {
        if (!metadata.TryGetValue(key, out string? text)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new InvalidDataException($"{key} must be an integer in [{min}, {max}], got '{text ?? "(missing)"}'.");
        }

        return value;
    }

    private static Tensor Require(IReadOnlyDictionary<string, Tensor> tensors, string name, int rank)
    {
        Tensor tensor = RbmModelFile.Require(tensors, name, rank);
        foreach (float value in tensor.Data)
        {
            if (!float.IsFinite(value))
            {
                throw new InvalidDataException($"Tensor '{name}' contains NaN or infinity.");
            }
        }

        return tensor;
    }
}
