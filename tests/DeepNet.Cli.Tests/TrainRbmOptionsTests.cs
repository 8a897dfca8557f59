using System.Text.Json;
using DeepNet.Cli;
using DeepNet.Models;

namespace DeepNet.Cli.Tests;

public class TrainRbmOptionsTests
{
    [Fact]
    public void TrainingFlagsReachTheStoredHyperparameters()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-cli-{Guid.NewGuid():N}.safetensors");
        try
        {
            (int code, string output, string error) = Run(
                "train", "rbm", "--hidden", "8", "--limit", "200", "--image-size", "16", "--binarize", "0.5", "--epochs", "2",
                "--persistent", "--chains", "10", "--momentum", "0.5,0.9", "--momentum-switch", "1", "--weight-decay", "0.001",
                "--sparsity-target", "0.1", "--sparsity-cost", "0.2", "--lr-decay", "0.9", "--monitor", "--out", path);

            Assert.True(code == 0, error);
            Assert.Contains("monitor: squared error", output);
            Assert.Contains("pseudo-log-likelihood", output);
            (_, IReadOnlyDictionary<string, string> metadata) = RbmModelFile.Load(File.ReadAllBytes(path));
            RbmOptions options = JsonSerializer.Deserialize<RbmOptions>(metadata["hyperparameters"])!;
            Assert.True(options.Persistent);
            Assert.Equal(10, options.PersistentChains);
            Assert.Equal((0.5f, 0.9f, 1), (options.InitialMomentum, options.FinalMomentum, options.MomentumSwitchEpoch));
            Assert.Equal(0.001f, options.WeightDecay);
            Assert.Equal(0.1f, options.SparsityTarget);
            Assert.Equal(0.2f, options.SparsityCost);
            Assert.Equal(0.9f, options.LearningRateDecay);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GaussianVisibleUnitsAndSigmaAreStoredWithTheModel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-cli-{Guid.NewGuid():N}.safetensors");
        try
        {
            (int code, _, string error) = Run(
                "train", "rbm", "--hidden", "4", "--limit", "100", "--image-size", "16", "--epochs", "1", "--lr", "0.001",
                "--visible", "gaussian", "--sigma", "0.5", "--momentum", "0.9", "--out", path);

            Assert.True(code == 0, error);
            (Rbm rbm, IReadOnlyDictionary<string, string> metadata) = RbmModelFile.Load(File.ReadAllBytes(path));
            Assert.Equal((VisibleUnitType.Gaussian, 0.5f), (rbm.VisibleType, rbm.Sigma));
            RbmOptions options = JsonSerializer.Deserialize<RbmOptions>(metadata["hyperparameters"])!;
            Assert.Equal((0.9f, 0.9f), (options.InitialMomentum, options.FinalMomentum));

            (int evalCode, _, string evalError) = Run("eval", "ais", "--model", path, "--runs", "10", "--betas", "100");
            Assert.Equal(1, evalCode);
            Assert.Contains("AIS is available for Bernoulli visible units", evalError);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("train rbm --visible poisson --out x.safetensors", "--visible must be bernoulli or gaussian")]
    [InlineData("train rbm --momentum 0.5,0.9,0.99 --out x.safetensors", "--momentum expects")]
    [InlineData("train rbm --momentum fast --out x.safetensors", "--momentum expects")]
    [InlineData("train rbm --momentum 1.5 --out x.safetensors", "rbm.")]
    [InlineData("train rbm --chains 0 --persistent --out x.safetensors", "rbm.persistentChains")]
    [InlineData("train rbm --sparsity-target 2 --out x.safetensors", "rbm.sparsityTarget")]
    [InlineData("train rbm --lr-decay 0 --out x.safetensors", "rbm.learningRateDecay")]
    public void BadTrainingFlagsFailWithAMessageNamingTheProblem(string commandLine, string expected)
    {
        (int code, _, string error) = Run(commandLine.Split(' '));

        Assert.Equal(1, code);
        Assert.Contains(expected, error);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
