using DeepNet.Models.Cnn;
using DeepNet.Models.Dbn;
using DeepNet.Models.ModelExchange;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.ModelExchange;

/// <summary>Valid exchange files of every model type (damage them with <see cref="DeepNet.Tests.SafeTensorsTestFile"/>).</summary>
internal static class ModelExchangeFiles
{
    public static readonly DateTime CreatedAt = new(2026, 11, 27, 10, 30, 0, DateTimeKind.Utc);

    public static readonly Guid Parent = Guid.Parse("6f1c2a8e-1d2b-4c3d-9e8f-0a1b2c3d4e5f");

    /// <summary>An RBM of 6 visible units (a 3×2 image) and 2 hidden units.</summary>
    public static Rbm SmallRbm(VisibleUnitType type = VisibleUnitType.Bernoulli, float sigma = 1f) =>
        new(new Matrix(2, 6, [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6.5f]), [0.5f, -0.5f, 0, 0.25f, 0, 1], [1.5f, -2], type, sigma);

    public static Dictionary<string, string> TrainedMetadata(int width, int height) => new()
    {
        ["format_version"] = "1",
        ["model_type"] = "rbm",
        ["job_kind"] = "rbm",
        ["hyperparameters"] = "{\"hiddenUnits\":2}",
        ["data_spec"] = "{\"dataset\":\"mnist\"}",
        ["metrics"] = "{\"reconstructionError\":0.5}",
        ["created_at"] = "2026-11-27T10:30:00.0000000Z",
        ["job_id"] = "0b7c0b2e-0000-4000-8000-000000000001",
        ["model_id"] = "0b7c0b2e-0000-4000-8000-000000000002",
        ["name"] = "digits",
        ["image_width"] = width.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["image_height"] = height.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static ModelExchangeStamp Stamp(string type) => new(type, "ada@example.org", CreatedAt, Parent);

    public static byte[] RbmFile(Rbm? rbm = null) =>
        ModelExchangeFile.Export(RbmModelFile.Save(rbm ?? SmallRbm(), TrainedMetadata(3, 2)), Stamp("rbm"));

    /// <summary>A DBN 6-4-3 (3×2 images) with a 6-4-3-2 classifier.</summary>
    public static (DeepBeliefNetwork Stack, DenseSigmoidNetwork Classifier, byte[] File) DbnFile()
    {
        var rng = new Xoshiro256StarStar(5);
        var first = new Rbm(new Matrix(4, 6, Values(24, 0.1f)), Values(6, 0.01f), Values(4, -0.02f));
        var second = new Rbm(new Matrix(3, 4, Values(12, -0.05f)), Values(4, 0.03f), Values(3, 0.04f));
        var stack = new DeepBeliefNetwork([first, second]);
        var classifier = DenseSigmoidNetwork.CreateRandom([6, 4, 3, 2], 0.1f, rng);
        var metadata = TrainedMetadata(3, 2);
        metadata["model_type"] = "dbn";
        metadata["job_kind"] = "dbn";
        metadata["architecture"] = "6-4-3-2";
        byte[] file = ModelExchangeFile.Export(DbnModelFile.Save(stack, classifier, metadata), Stamp("dbn"));
        return (stack, classifier, file);
    }

    /// <summary>A CNN on 8×8 images: conv 2@3×3, relu, max-pool 2, dense 3.</summary>
    public static (Network Network, byte[] File) CnnFile()
    {
        var network = new Network(new TensorShape(1, 8, 8),
            [new ConvolutionSpec(2, 3), new ActivationSpec(ActivationKind.Relu), new MaxPoolSpec(2, 2), new DenseSpec(3)], 1, seed: 3);
        var metadata = TrainedMetadata(8, 8);
        metadata["model_type"] = "cnn";
        metadata["job_kind"] = "cnn";
        metadata["architecture"] = "tiny";
        return (network, ModelExchangeFile.Export(CnnModelFile.Save(network, metadata), Stamp("cnn")));
    }

    public static float[] Values(int count, float step) => [.. Enumerable.Range(0, count).Select(i => (i - count / 2) * step)];
}
