using System.Globalization;
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

    [Fact]
    public void BenchAllPrintsOneTableWithEveryWorkloadAndTheGemmShapes()
    {
        (int code, string output, string error) = Run("bench", "all", "--limit", "300", "--rounds", "1", "--no-torch");

        Assert.True(code == 0, error);
        Assert.Contains("GEMM peak: ", output);
        Assert.Contains("not run (--no-torch)", output);
        foreach (string workload in new[] { "rbm", "lenet", "mlp" })
        {
            // | workload | samples/s | GFLOP/s | of GEMM peak | PyTorch | ratio |, PyTorch's cells empty without it.
            string row = Assert.Single(output.Split('\n'), l => l.StartsWith($"| {workload} |", StringComparison.Ordinal));
            string[] cells = row.Split('|', StringSplitOptions.TrimEntries)[1..^1];
            Assert.Equal(6, cells.Length);
            Assert.True(double.Parse(cells[1].Replace(",", ""), CultureInfo.InvariantCulture) > 0, row);
            Assert.EndsWith("%", cells[3]);
            Assert.Equal(["–", "–"], cells[4..]);
        }

        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("| v·Wᵀ", StringComparison.Ordinal) || l.StartsWith("| h·W", StringComparison.Ordinal) || l.StartsWith("| hᵀ·v", StringComparison.Ordinal)));
    }

    [Fact]
    public void BenchAllSaysWhyPyTorchCannotRun()
    {
        Assert.Null(TorchBaseline.Find("/nonexistent/torch_baselines.py", out string reason));
        Assert.Equal("/nonexistent/torch_baselines.py does not exist", reason);
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
    [InlineData("bench all --rounds 0", "--rounds must be at least 1")]
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
