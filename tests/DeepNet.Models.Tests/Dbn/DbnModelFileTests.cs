using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

public class DbnModelFileTests
{
    private static (DeepBeliefNetwork Stack, DenseSigmoidNetwork Classifier) Model(int labelUnits = 0)
    {
        var rng = new Xoshiro256StarStar(4);
        Rbm Random(int visible, int hidden, VisibleUnitType type = VisibleUnitType.Bernoulli, float sigma = 1f)
        {
            var rbm = new Rbm(visible, hidden, type, sigma);
            foreach (float[] values in new[] { rbm.Weights.Data, rbm.VisibleBias, rbm.HiddenBias })
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = rng.NextGaussian();
                }
            }

            return rbm;
        }

        var stack = new DeepBeliefNetwork([Random(12, 7, VisibleUnitType.Gaussian, 0.5f), Random(7 + labelUnits, 5)], labelUnits);
        DenseSigmoidNetwork classifier = stack.Unroll(3, 0.3f, rng);
        return (stack, classifier);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3, true)]
    [InlineData(3, false)]
    public void ARoundTripRestoresEveryTensorBitForBitWithTheMetadata(int labelUnits, bool withClassifier)
    {
        (DeepBeliefNetwork stack, DenseSigmoidNetwork classifier) = Model(labelUnits);
        byte[] file = DbnModelFile.Save(stack, withClassifier ? classifier : null, new Dictionary<string, string> { ["name"] = "digits", ["model_type"] = "dbn" });

        DbnModelFileContents loaded = DbnModelFile.Load(file);

        Assert.Equal(labelUnits, loaded.Stack.LabelUnits);
        Assert.Equal("digits", loaded.Metadata["name"]);
        Assert.Equal(VisibleUnitType.Gaussian, loaded.Stack.Layers[0].VisibleType);
        Assert.Equal(0.5f, loaded.Stack.Layers[0].Sigma);
        for (int l = 0; l < 2; l++)
        {
            Assert.Equal(stack.Layers[l].Weights.Data, loaded.Stack.Layers[l].Weights.Data);
            Assert.Equal(stack.Layers[l].VisibleBias, loaded.Stack.Layers[l].VisibleBias);
            Assert.Equal(stack.Layers[l].HiddenBias, loaded.Stack.Layers[l].HiddenBias);
        }

        if (!withClassifier)
        {
            Assert.Null(loaded.Classifier);
            return;
        }

        for (int l = 0; l < classifier.LayerCount; l++)
        {
            Assert.Equal(classifier.Weights(l).Data, loaded.Classifier!.Weights(l).Data);
            Assert.Equal(classifier.Bias(l), loaded.Classifier.Bias(l));
        }

        Assert.Equal(file, DbnModelFile.Save(loaded.Stack, loaded.Classifier, loaded.Metadata));
    }

    [Fact]
    public void TruncatedFilesAreRejected()
    {
        (DeepBeliefNetwork stack, DenseSigmoidNetwork classifier) = Model();
        byte[] file = DbnModelFile.Save(stack, classifier, new Dictionary<string, string>());
        foreach (int length in new[] { 0, 7, 100, file.Length - 1 })
        {
            Assert.Throws<InvalidDataException>(() => DbnModelFile.Load(file.AsSpan(0, length)));
        }
    }

    [Fact]
    public void NaNWeightsAreRejectedNamingTheTensor()
    {
        (DeepBeliefNetwork stack, DenseSigmoidNetwork classifier) = Model();
        classifier.Weights(2).Data[1] = float.NaN;
        byte[] file = DbnModelFile.Save(stack, classifier, new Dictionary<string, string>());
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => DbnModelFile.Load(file));
        Assert.Contains("classifier.2.weight", e.Message);

        (stack, classifier) = Model();
        stack.Layers[1].HiddenBias[0] = float.PositiveInfinity;
        e = Assert.Throws<InvalidDataException>(() => DbnModelFile.Load(DbnModelFile.Save(stack, classifier, new Dictionary<string, string>())));
        Assert.Contains("layers.1.hidden_bias", e.Message);
    }

    [Theory]
    [InlineData("dbn_layers", "3", "tensors")]
    [InlineData("dbn_layers", "x", "dbn_layers")]
    [InlineData("dbn_label_units", "2", "label")]
    [InlineData("dbn_visible_type", "Binary", "dbn_visible_type")]
    [InlineData("dbn_sigma", "-1", "dbn_sigma")]
    [InlineData("dbn_classifier_layers", "2", "tensors")]
    public void InconsistentMetadataIsRejectedWithAClearMessage(string key, string value, string mentioned)
    {
        (DeepBeliefNetwork stack, DenseSigmoidNetwork classifier) = Model();
        byte[] file = DbnModelFile.Save(stack, classifier, new Dictionary<string, string>());
        byte[] corrupt = Rewrite(file, key, value);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => DbnModelFile.Load(corrupt));
        Assert.Contains(mentioned, e.Message);
    }

    [Fact]
    public void AClassifierOfAnotherInputWidthIsRejected()
    {
        (DeepBeliefNetwork stack, _) = Model();
        DenseSigmoidNetwork other = DenseSigmoidNetwork.CreateRandom([10, 4, 3], 0.1f, new Xoshiro256StarStar(1));
        Assert.Throws<ArgumentException>(() => DbnModelFile.Save(stack, other, new Dictionary<string, string>()));
    }

    /// <summary>The file re-written with one metadata entry replaced (the tensors untouched).</summary>
    private static byte[] Rewrite(byte[] file, string key, string value)
    {
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(file);
        var changed = new Dictionary<string, string>(metadata) { [key] = value };
        List<Tensor> ordered = [.. tensors.Values.OrderBy(t => Offset(file, t.Name))];
        return SafeTensors.Write(ordered, changed);
    }

    private static int Offset(byte[] file, string name)
    {
        string header = DeepNet.Tests.SafeTensorsTestFile.Parse(file).HeaderText;
        return header.IndexOf($"\"{name}\"", StringComparison.Ordinal);
    }
}
