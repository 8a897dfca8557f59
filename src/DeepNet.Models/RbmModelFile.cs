using System.Globalization;

namespace DeepNet.Models;

/// <summary>
/// An RBM as one safetensors file: "weights" [hidden, visible], "visible_bias" [visible],
/// "hidden_bias" [hidden], and string metadata in the header, including "visible_type" ("Bernoulli" | "Gaussian")
/// and "sigma" (σ of Gaussian visible units, invariant-culture float).
/// </summary>
public static class RbmModelFile
{
    public const string WeightsName = "weights";
    public const string VisibleBiasName = "visible_bias";
    public const string HiddenBiasName = "hidden_bias";
    public const string VisibleTypeKey = "visible_type";
    public const string SigmaKey = "sigma";

    /// <summary>Writes the model with <paramref name="metadata"/>; "visible_type" and "sigma" always come from <paramref name="rbm"/>.</summary>
    public static byte[] Save(Rbm rbm, IReadOnlyDictionary<string, string> metadata) => Prepare(rbm, metadata).ToArray();

    /// <summary>The file <see cref="Save"/> writes, ready to be written to a stream (the parameters referenced, not copied).</summary>
    public static SafeTensorsFile Prepare(Rbm rbm, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(metadata);
        var contents = new SafeTensorsContents();
        contents.SetMetadata(metadata);
        contents[VisibleTypeKey] = rbm.VisibleType.ToString();
        contents[SigmaKey] = rbm.Sigma.ToString("R", CultureInfo.InvariantCulture);
        AddTensors(rbm, contents);
        return contents.ToFile();
    }

    /// <summary>
    /// Loads an RBM file; throws <see cref="InvalidDataException"/> when it is not a consistent, finite RBM.
    /// Files without "visible_type" / "sigma" (written before Gaussian units existed) load as Bernoulli with σ = 1.
    /// </summary>
    public static (Rbm Rbm, IReadOnlyDictionary<string, string> Metadata) Load(ReadOnlySpan<byte> file)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(file);
        VisibleUnitType visibleType = metadata.GetValueOrDefault(VisibleTypeKey) switch
        {
            null or nameof(VisibleUnitType.Bernoulli) => VisibleUnitType.Bernoulli,
            nameof(VisibleUnitType.Gaussian) => VisibleUnitType.Gaussian,
            string other => throw new InvalidDataException($"Unknown visible_type '{other}': expected Bernoulli or Gaussian."),
        };
        float sigma = 1f;
        if (metadata.TryGetValue(SigmaKey, out string? text)
            && (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out sigma) || !float.IsFinite(sigma) || sigma <= 0))
        {
            throw new InvalidDataException($"sigma must be a positive finite number, got '{text}'.");
        }

        return (FromTensors(tensors, visibleType, sigma), metadata);
    }

    /// <summary>Adds the parameters (not copied): "weights" [H, V], "visible_bias" [V], "hidden_bias" [H].</summary>
    internal static void AddTensors(Rbm rbm, SafeTensorsContents contents)
    {
        contents.Add(WeightsName, [rbm.HiddenUnits, rbm.VisibleUnits], rbm.Weights.Data);
        contents.Add(VisibleBiasName, [rbm.VisibleUnits], rbm.VisibleBias);
        contents.Add(HiddenBiasName, [rbm.HiddenUnits], rbm.HiddenBias);
    }

    internal static Rbm FromTensors(
        IReadOnlyDictionary<string, Tensor> tensors, VisibleUnitType visibleType = VisibleUnitType.Bernoulli, float sigma = 1f)
    {
        Tensor weights = Require(tensors, WeightsName, 2);
        Tensor visibleBias = Require(tensors, VisibleBiasName, 1);
        Tensor hiddenBias = Require(tensors, HiddenBiasName, 1);
        int hidden = weights.Shape[0];
        int visible = weights.Shape[1];
        if (hidden < 1 || visible < 1 || visibleBias.Shape[0] != visible || hiddenBias.Shape[0] != hidden)
        {
            throw new InvalidDataException(
                $"Inconsistent RBM shapes: weights [{hidden},{visible}], visible_bias [{visibleBias.Shape[0]}], hidden_bias [{hiddenBias.Shape[0]}].");
        }

        foreach (Tensor t in new[] { weights, visibleBias, hiddenBias })
        {
            if (!t.Data.All(float.IsFinite))
            {
                throw new InvalidDataException($"Tensor '{t.Name}' contains NaN or infinity.");
            }
        }

        return new Rbm(new Numerics.Matrix(hidden, visible, weights.Data), visibleBias.Data, hiddenBias.Data, visibleType, sigma);
    }

    internal static Tensor Require(IReadOnlyDictionary<string, Tensor> tensors, string name, int rank)
    {
        if (!tensors.TryGetValue(name, out Tensor? tensor))
        {
            throw new InvalidDataException($"The file has no '{name}' tensor.");
        }

        if (tensor.Shape.Length != rank)
        {
            throw new InvalidDataException($"Tensor '{name}' must have {rank} dimension(s), has {tensor.Shape.Length}.");
        }

        return tensor;
    }
}
