using DeepNet.Models.Dbn;
using DeepNet.Models.ModelExchange;

namespace DeepNet.Models.Tests.ModelExchange;

public class ModelExchangeRoundTripTests
{
    [Fact]
    public void AnExportedRbmReadsBackWithTheSameWeightsAndEveryMetadataKey()
    {
        Rbm original = ModelExchangeFiles.SmallRbm();
        byte[] file = ModelExchangeFiles.RbmFile(original);

        ModelExchangeContents contents = ModelExchangeFile.Read(file);

        Assert.Equal("rbm", contents.ModelType);
        Assert.NotNull(contents.Rbm);
        Assert.Equal(original.Weights.Data, contents.Rbm.Weights.Data);
        Assert.Equal(original.VisibleBias, contents.Rbm.VisibleBias);
        Assert.Equal(original.HiddenBias, contents.Rbm.HiddenBias);
        Assert.Equal((6, 2, 3, 2), (contents.VisibleUnits, contents.HiddenUnits, contents.ImageWidth, contents.ImageHeight));
        IReadOnlyDictionary<string, string> m = contents.Metadata;
        Assert.Equal("1", m["format_version"]);
        Assert.Equal("rbm", m["model_type"]);
        Assert.Equal("ada@example.org", m["author"]);
        Assert.Equal("2026-11-27T10:30:00.0000000Z", m["created_at"]);
        Assert.Equal(ModelExchangeFiles.Parent.ToString("D"), m["parent"]);
        Assert.Equal("{\"weights\":[2,6],\"visible_bias\":[6],\"hidden_bias\":[2]}", m["tensor_shapes"]);
        Assert.Equal(contents.Checksum, m["checksum"]);
        Assert.Matches("^sha256:[0-9a-f]{64}$", m["checksum"]);
        foreach (string key in ModelExchangeFiles.TrainedMetadata(3, 2).Keys)
        {
            Assert.True(m.ContainsKey(key), $"metadata '{key}' was dropped");
        }

        Assert.Equal("digits", m["name"]);
        Assert.Equal("Bernoulli", m["visible_type"]);
    }

    [Fact]
    public void ExportKeepsTheDataSectionByteForByteAndTheChecksumCoversIt()
    {
        byte[] stored = RbmModelFile.Save(ModelExchangeFiles.SmallRbm(), ModelExchangeFiles.TrainedMetadata(3, 2));
        byte[] exported = ModelExchangeFile.Export(stored, ModelExchangeFiles.Stamp("rbm"));

        var storedLayout = SafeTensorsLayout.Parse(stored);
        var exportedLayout = SafeTensorsLayout.Parse(exported);
        Assert.Equal(storedLayout.Data(stored).ToArray(), exportedLayout.Data(exported).ToArray());
        Assert.Equal(0, exportedLayout.HeaderLength % 8);
        Assert.Equal(ModelExchangeFormat.Checksum(storedLayout.Data(stored)), exportedLayout.Metadata["checksum"]);
    }

    [Fact]
    public void ExportingAnExportedFileAgainGivesAValidFileWithTheNewStamp()
    {
        byte[] once = ModelExchangeFiles.RbmFile();
        byte[] twice = ModelExchangeFile.Export(once, new ModelExchangeStamp("rbm", "bob@example.org", ModelExchangeFiles.CreatedAt, null));

        ModelExchangeContents contents = ModelExchangeFile.Read(twice);
        Assert.Equal("bob@example.org", contents.Metadata["author"]);
        Assert.Equal("", contents.Metadata["parent"]);
    }

    [Fact]
    public void ExtraEntriesAreWrittenButCannotOverrideTheFormatsOwnKeys()
    {
        byte[] stored = RbmModelFile.Save(ModelExchangeFiles.SmallRbm(), ModelExchangeFiles.TrainedMetadata(3, 2));
        var stamp = ModelExchangeFiles.Stamp("rbm") with
        {
            Extra = new Dictionary<string, string> { ["name"] = "renamed", ["checksum"] = "sha256:forged", ["format_version"] = "9" },
        };

        ModelExchangeContents contents = ModelExchangeFile.Read(ModelExchangeFile.Export(stored, stamp));

        Assert.Equal("renamed", contents.Metadata["name"]);
        Assert.Equal("1", contents.Metadata["format_version"]);
    }

    [Fact]
    public void AGaussianPatchRbmKeepsItsVisibleTypeAndSigma()
    {
        byte[] file = ModelExchangeFiles.RbmFile(ModelExchangeFiles.SmallRbm(VisibleUnitType.Gaussian, 0.5f));

        ModelExchangeContents contents = ModelExchangeFile.Read(file);

        Assert.Equal(VisibleUnitType.Gaussian, contents.Rbm!.VisibleType);
        Assert.Equal(0.5f, contents.Rbm.Sigma);
    }

    [Fact]
    public void ADbnWithAClassifierRoundTrips()
    {
        (DeepBeliefNetwork stack, DenseSigmoidNetwork classifier, byte[] file) = ModelExchangeFiles.DbnFile();

        ModelExchangeContents contents = ModelExchangeFile.Read(file);

        Assert.Equal("dbn", contents.ModelType);
        Assert.Equal((6, 3), (contents.VisibleUnits, contents.HiddenUnits));
        Assert.Equal("6-4-3-2", contents.Architecture);
        DbnModelFileContents dbn = contents.Dbn!;
        Assert.Equal(stack.Layers[1].Weights.Data, dbn.Stack.Layers[1].Weights.Data);
        Assert.Equal(classifier.Weights(2).Data, dbn.Classifier!.Weights(2).Data);
        Assert.Equal(classifier.Bias(0), dbn.Classifier.Bias(0));
    }

    [Fact]
    public void ACnnRoundTripsAndPredictsTheSame()
    {
        (DeepNet.Models.Cnn.Network network, byte[] file) = ModelExchangeFiles.CnnFile();

        ModelExchangeContents contents = ModelExchangeFile.Read(file);

        Assert.Equal("cnn", contents.ModelType);
        Assert.Equal((64, 3, 8, 8), (contents.VisibleUnits, contents.HiddenUnits, contents.ImageWidth, contents.ImageHeight));
        float[] input = ModelExchangeFiles.Values(64, 0.03f);
        Assert.Equal(network.Forward(input, 1).ToArray(), contents.Cnn!.Forward(input, 1).ToArray());
    }

    [Fact]
    public void TheChecksumIsSha256OfTheDataSection()
    {
        // SHA-256 of the empty input, a published test vector.
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ModelExchangeFormat.Checksum([]));
    }

    [Fact]
    public void AnRbmReconstructsTheSameAfterTheRoundTrip()
    {
        Rbm original = ModelExchangeFiles.SmallRbm();
        Rbm loaded = ModelExchangeFile.Read(ModelExchangeFiles.RbmFile(original)).Rbm!;
        float[] visible = [1, 0, 1, 0, 1, 1];
        var a = new float[6];
        var b = new float[6];
        var hidden = new float[2];
        original.HiddenProbabilities(visible, 1, hidden);
        original.VisibleProbabilities(hidden, 1, a);
        loaded.HiddenProbabilities(visible, 1, hidden);
        loaded.VisibleProbabilities(hidden, 1, b);
        Assert.Equal(a, b);
    }
}
