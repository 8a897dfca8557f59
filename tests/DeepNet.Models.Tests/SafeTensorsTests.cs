using System.Buffers.Binary;
using System.Text;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Tests;

namespace DeepNet.Models.Tests;

public class SafeTensorsTests
{
    private static Rbm SmallRbm()
    {
        var rbm = new Rbm(new Matrix(2, 3, [1, 2, 3, 4, 5, 6]), [0.5f, -0.5f, 0], [1.5f, -2]);
        return rbm;
    }

    [Fact]
    public void AnRbmFileRoundTripsWeightsBiasesAndMetadata()
    {
        byte[] file = RbmModelFile.Save(SmallRbm(), new Dictionary<string, string> { ["model_type"] = "rbm", ["name"] = "digits" });
        (Rbm rbm, IReadOnlyDictionary<string, string> metadata) = RbmModelFile.Load(file);

        Assert.Equal([1f, 2, 3, 4, 5, 6], rbm.Weights.Data);
        Assert.Equal((2, 3), (rbm.HiddenUnits, rbm.VisibleUnits));
        Assert.Equal([0.5f, -0.5f, 0], rbm.VisibleBias);
        Assert.Equal("digits", metadata["name"]);
    }

    [Fact]
    public void TheFileFollowsTheSafetensorsLayout()
    {
        byte[] file = RbmModelFile.Save(SmallRbm(), new Dictionary<string, string>());
        var parsed = SafeTensorsTestFile.Parse(file);

        Assert.Equal(0, parsed.HeaderLength % 8);
        Assert.Contains("\"weights\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", parsed.HeaderText);
        Assert.Equal(8 + parsed.HeaderLength + (6 + 3 + 2) * 4, file.Length);
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(parsed.Data));
    }

    [Fact]
    public void ATruncatedFileIsRejected()
    {
        byte[] file = RbmModelFile.Save(SmallRbm(), new Dictionary<string, string>());
        var error = Assert.Throws<InvalidDataException>(() => RbmModelFile.Load(file.AsSpan(0, file.Length - 4)));
        Assert.Contains("data section", error.Message);
        Assert.Throws<InvalidDataException>(() => RbmModelFile.Load(file.AsSpan(0, 5)));
    }

    [Fact]
    public void AHeaderLengthBeyondTheFileIsRejected()
    {
        byte[] file = RbmModelFile.Save(SmallRbm(), new Dictionary<string, string>());
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);
        var error = Assert.Throws<InvalidDataException>(() => RbmModelFile.Load(file));
        Assert.Contains("Header length", error.Message);
    }

    [Theory]
    [InlineData("{\"weights\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,4]}}", "only F32")]
    [InlineData("{\"weights\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "needs 8 bytes")]
    [InlineData("{\"weights\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,400]}}", "outside")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("{\"__metadata__\":{\"a\":1}}", "must be a string")]
    public void AnInconsistentHeaderIsRejectedWithTheReason(string header, string reason)
    {
        byte[] file = SafeTensorsTestFile.Assemble(Encoding.UTF8.GetBytes(header), new byte[4]);

        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(file));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void AnRbmFileWithNaNOrMismatchedShapesIsRejected()
    {
        Rbm rbm = SmallRbm();
        rbm.Weights[0, 1] = float.NaN;
        var nan = Assert.Throws<InvalidDataException>(() => RbmModelFile.Load(RbmModelFile.Save(rbm, new Dictionary<string, string>())));
        Assert.Contains("NaN", nan.Message);

        byte[] mismatched = SafeTensors.Write(
            [new Tensor("weights", [2, 3], new float[6]), new Tensor("visible_bias", [4], new float[4]), new Tensor("hidden_bias", [2], new float[2])],
            new Dictionary<string, string>());
        var shapes = Assert.Throws<InvalidDataException>(() => RbmModelFile.Load(mismatched));
        Assert.Contains("Inconsistent", shapes.Message);

        byte[] missing = SafeTensors.Write([new Tensor("weights", [2, 3], new float[6])], new Dictionary<string, string>());
        Assert.Contains("visible_bias", Assert.Throws<InvalidDataException>(() => RbmModelFile.Load(missing)).Message);
    }

    [Fact]
    public void AGaussianRbmFileRoundTripsItsVisibleTypeAndSigma()
    {
        var gaussian = new Rbm(new Matrix(2, 3, [1, 2, 3, 4, 5, 6]), [0.5f, -0.5f, 0], [1.5f, -2], VisibleUnitType.Gaussian, 0.37f);
        byte[] file = RbmModelFile.Save(gaussian, new Dictionary<string, string> { ["name"] = "patches" });
        (Rbm rbm, IReadOnlyDictionary<string, string> metadata) = RbmModelFile.Load(file);

        Assert.Equal(VisibleUnitType.Gaussian, rbm.VisibleType);
        Assert.Equal(0.37f, rbm.Sigma);
        Assert.Equal(("Gaussian", "0.37", "patches"), (metadata["visible_type"], metadata["sigma"], metadata["name"]));
        Assert.Equal(gaussian.Weights.Data, rbm.Weights.Data);

        (Rbm bernoulli, IReadOnlyDictionary<string, string> bernoulliMetadata) = RbmModelFile.Load(RbmModelFile.Save(SmallRbm(), new Dictionary<string, string>()));
        Assert.Equal((VisibleUnitType.Bernoulli, 1f), (bernoulli.VisibleType, bernoulli.Sigma));
        Assert.Equal("Bernoulli", bernoulliMetadata["visible_type"]);
    }

    [Fact]
    public void AnRbmFileWithoutAVisibleTypeLoadsAsBernoulliWithUnitSigma()
    {
        byte[] old = SafeTensors.Write(
            [new Tensor("weights", [2, 3], new float[6]), new Tensor("visible_bias", [3], new float[3]), new Tensor("hidden_bias", [2], new float[2])],
            new Dictionary<string, string> { ["model_type"] = "rbm" });
        (Rbm rbm, _) = RbmModelFile.Load(old);
        Assert.Equal((VisibleUnitType.Bernoulli, 1f), (rbm.VisibleType, rbm.Sigma));
    }

    [Theory]
    [InlineData("Poisson", "1", "visible_type")]
    [InlineData("1", "1", "visible_type")]
    [InlineData("Gaussian", "-2", "sigma")]
    [InlineData("Gaussian", "NaN", "sigma")]
    [InlineData("Gaussian", "wide", "sigma")]
    public void AnRbmFileWithAnInvalidVisibleTypeOrSigmaIsRejected(string visibleType, string sigma, string reason)
    {
        byte[] file = SafeTensors.Write(
            [new Tensor("weights", [2, 3], new float[6]), new Tensor("visible_bias", [3], new float[3]), new Tensor("hidden_bias", [2], new float[2])],
            new Dictionary<string, string> { ["visible_type"] = visibleType, ["sigma"] = sigma });
        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => RbmModelFile.Load(file)).Message);
    }

    [Fact]
    public void ACorruptCheckpointIsRejected()
    {
        byte[] model = RbmModelFile.Save(SmallRbm(), new Dictionary<string, string>());
        Assert.Throws<InvalidDataException>(() => RbmTrainingState.FromBytes(model));
    }
}
