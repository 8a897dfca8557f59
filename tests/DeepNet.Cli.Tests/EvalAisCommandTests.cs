using System.Globalization;
using System.Text.Json;
using DeepNet.Cli;
using DeepNet.Models;

namespace DeepNet.Cli.Tests;

public class EvalAisCommandTests
{
    [Fact]
    public void EvalAisPrintsLogZWithItsErrorBarAndTheAverageTestLogProbability()
    {
        string path = TrainTinyModel();
        try
        {
            (int code, string output, string error) = Run(
                "eval", "ais", "--model", path, "--limit", "200", "--runs", "20", "--betas", "300", "--seed", "3", "--exact");

            Assert.True(code == 0, error);
            using JsonDocument line = JsonDocument.Parse(output.Trim());
            JsonElement root = line.RootElement;
            double logZ = root.GetProperty("logZ").GetDouble();
            double average = root.GetProperty("avgLogProbability").GetDouble();
            Assert.True(root.GetProperty("logZHigh").GetDouble() >= logZ);
            Assert.True(root.GetProperty("logZLow").ValueKind == JsonValueKind.Null || root.GetProperty("logZLow").GetDouble() <= logZ);
            Assert.InRange(average, -256.0, 0.0);
            Assert.Equal(200, root.GetProperty("testCount").GetInt32());
            Assert.Equal(20, root.GetProperty("runs").GetInt32());
            Assert.Equal(300, root.GetProperty("betas").GetInt32());
            Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
            Assert.InRange(root.GetProperty("exactLogZ").GetDouble(), logZ - 0.5, logZ + 0.5);
            Assert.Equal(
                root.GetProperty("exactAvgLogProbability").GetDouble() - average,
                logZ - root.GetProperty("exactLogZ").GetDouble(), 6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EvalAisTakesTheImageSizeFromTheModelAndMatchesTheLibraryEstimate()
    {
        string path = TrainTinyModel();
        try
        {
            (int code, string output, string error) = Run("eval", "ais", "--model", path, "--limit", "100", "--runs", "10", "--betas", "100");
            Assert.True(code == 0, error);

            (Rbm rbm, _) = RbmModelFile.Load(File.ReadAllBytes(path));
            var train = Data.DatasetLoader.Load(new Data.DataSpec { Classes = [1, 2, 3, 4, 5], Limit = 300, ImageSize = 16, BinarizeThreshold = 0.5f });
            AisResult expected = AnnealedImportanceSampling.EstimateLogPartition(
                rbm, new AisOptions(10, 100, 1), AnnealedImportanceSampling.BaseRateBiases(train.Features), CancellationToken.None);
            using JsonDocument line = JsonDocument.Parse(output.Trim());
            Assert.Equal(expected.LogZ, line.RootElement.GetProperty("logZ").GetDouble(), 9);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EvalAisRefusesADataSpecThatDoesNotMatchTheModelsVisibleUnits()
    {
        string path = TrainTinyModel();
        try
        {
            (int code, _, string error) = Run("eval", "ais", "--model", path, "--image-size", "28", "--runs", "10", "--betas", "100");

            Assert.Equal(1, code);
            Assert.Contains("256 visible units", error);
            Assert.Contains("--image-size 16", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("eval ais", "--model")]
    [InlineData("eval ais --model /nonexistent/model.safetensors", "error:")]
    public void EvalAisWithoutAUsableModelFailsWithAMessage(string commandLine, string expected)
    {
        (int code, _, string error) = Run(commandLine.Split(' '));

        Assert.Equal(1, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void EvalAisRefusesTooFewRuns()
    {
        string path = TrainTinyModel();
        try
        {
            (int code, _, string error) = Run("eval", "ais", "--model", path, "--runs", "1", "--betas", "100");

            Assert.Equal(1, code);
            Assert.Contains("runs", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string TrainTinyModel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-ais-{Guid.NewGuid():N}.safetensors");
        (int code, _, string error) = Run(
            "train", "rbm", "--hidden", "8", "--classes", "1-5", "--limit", "300", "--image-size", "16",
            "--binarize", "0.5", "--epochs", "2", "--batch", "20", "--lr", string.Create(CultureInfo.InvariantCulture, $"{0.05}"), "--out", path);
        Assert.True(code == 0, error);
        return path;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
