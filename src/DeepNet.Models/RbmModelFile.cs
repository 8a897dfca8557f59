namespace DeepNet.Models;

/// <summary>
/// An RBM as one safetensors file: "weights" [hidden, visible], "visible_bias" [visible],
/// "hidden_bias" [hidden], and string metadata in the header.
/// </summary>
public static class RbmModelFile
{
    public const string WeightsName = "weights";
    public const string VisibleBiasName = "visible_bias";
    public const string HiddenBiasName = "hidden_bias";

    public static byte[] Save(Rbm rbm, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        return SafeTensors.Write(ToTensors(rbm), metadata);
    }

    /// <summary>Loads an RBM file; throws <see cref="InvalidDataException"/> when it is not a consistent, finite RBM.</summary>
    public static (Rbm Rbm, IReadOnlyDictionary<string, string> Metadata) Load(ReadOnlySpan<byte> file)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(file);
        return (FromTensors(tensors), metadata);
    }

    internal static IReadOnlyList<Tensor> ToTensors(Rbm rbm) =>
    [
        new(WeightsName, [rbm.HiddenUnits, rbm.VisibleUnits], rbm.Weights.Data),
        new(VisibleBiasName, [rbm.VisibleUnits], rbm.VisibleBias),
        new(HiddenBiasName, [rbm.HiddenUnits], rbm.HiddenBias),
    ];

    internal static Rbm FromTensors(IReadOnlyDictionary<string, Tensor> tensors)
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

        return new Rbm(new Numerics.Matrix(hidden, visible, weights.Data), visibleBias.Data, hiddenBias.Data);
    }

    private static Tensor Require(IReadOnlyDictionary<string, Tensor> tensors, string name, int rank)
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
