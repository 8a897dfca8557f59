using System.Text.Json;
using DeepNet.Cli;
using DeepNet.Models;

namespace DeepNet.Cli.Tests;

public class CliAppTests
{
    [Fact]
    public void TrainRbmWritesAModelFileThatLoadsWithItsMetadata()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-cli-{Guid.NewGuid():N}.safetensors");
        try
        {
            (int code, string output, string error) = Run(
                "train", "rbm", "--hidden", "16", "--classes", "1-5", "--limit", "300", "--image-size", "16",
                "--binarize", "0.5", "--epochs", "2", "--batch", "20", "--out", path);

            Assert.True(code == 0, error);
            Assert.Contains("epoch 2:", output);
            (Rbm rbm, IReadOnlyDictionary<string, string> metadata) = RbmModelFile.Load(File.ReadAllBytes(path));
            Assert.Equal((256, 16), (rbm.VisibleUnits, rbm.HiddenUnits));
            Assert.Equal("rbm", metadata["model_type"]);
            Assert.Contains("\"Classes\":[1,2,3,4,5]", metadata["data_spec"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BenchRbmPrintsSamplesPerSecondAndTheGemmBackend()
    {
        (int code, string output, string error) = Run("bench", "rbm", "--limit", "500");

        Assert.True(code == 0, error);
        using JsonDocument line = JsonDocument.Parse(output.Trim());
        Assert.Equal("rbm", line.RootElement.GetProperty("workload").GetString());
        Assert.True(line.RootElement.GetProperty("samples_per_s").GetDouble() > 0);
        Assert.Contains(line.RootElement.GetProperty("gemm").GetString(), new[] { "OpenBlas", "Managed" });
    }

    [Theory]
    [InlineData("lenet", "loss")]
    [InlineData("mlp", "train_error")]
    public void BenchLeNetAndMlpPrintOneJsonLineWithThroughputAndAMetric(string workload, string metric)
    {
        (int code, string output, string error) = Run("bench", workload, "--limit", "300");

        Assert.True(code == 0, error);
        using JsonDocument line = JsonDocument.Parse(output.Trim());
        JsonElement root = line.RootElement;
        Assert.Equal(workload, root.GetProperty("workload").GetString());
        Assert.True(root.GetProperty("samples_per_s").GetDouble() > 0);
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.Contains(root.GetProperty("gemm").GetString(), new[] { "OpenBlas", "Managed" });
        Assert.True(root.GetProperty("threads").GetInt32() >= 1);
        Assert.True(double.IsFinite(root.GetProperty(metric).GetDouble()));
    }

    [Theory]
    [InlineData("train rbm --hidden 0 --out x.safetensors", "rbm.hiddenUnits")]
    [InlineData("train rbm --classes 3-12 --out x.safetensors", "data.classes")]
    [InlineData("train rbm --epochs many --out x.safetensors", "--epochs expects an integer")]
    [InlineData("train rbm --hidden 10", "--out")]
    [InlineData("bench rbm --gemm gpu", "--gemm must be")]
    [InlineData("bench lenet --gemm gpu", "--gemm must be")]
    [InlineData("bench mlp --gemm gpu", "--gemm must be")]
    [InlineData("bench lenet --limit lots", "--limit expects an integer")]
    [InlineData("bench mlp --epochs x", "--epochs expects an integer")]
    [InlineData("bench lenet --epochs 0", "epochs")]
    [InlineData("bench mlp --epochs 0", "--epochs must be at least 1")]
    [InlineData("bench mlp --limit 0", "limit")]
    public void BadArgumentsFailWithAMessageNamingTheProblem(string commandLine, string expected)
    {
        (int code, _, string error) = Run(commandLine.Split(' '));

        Assert.Equal(1, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void AnUnknownCommandPrintsTheUsage()
    {
        (int code, _, string error) = Run("fly");

        Assert.Equal(2, code);
        Assert.Contains("deepnet bench rbm", error);
        Assert.Contains("deepnet bench lenet", error);
        Assert.Contains("deepnet bench mlp", error);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
