using System.Diagnostics;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Cli;

/// <summary><c>deepnet eval ais</c>: the average test log-probability of a saved Bernoulli RBM, with log Z estimated by AIS.</summary>
public static class EvalCommand
{
    private static readonly JsonSerializerOptions MetadataJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>
    /// Loads the model, builds the test data spec from the model's "data_spec" metadata (flags override; the split defaults to
    /// "test" and the limit to all), takes the base rates of the base model from the training data the metadata names (or the
    /// test data when there is none), runs AIS and prints one JSON line.
    /// </summary>
    public static int RunAis(CommandLine args, TextWriter output, TextWriter error)
    {
        string modelPath = args.String("model") ?? throw new ArgumentException("--model <file.safetensors> is required.");
        (Rbm rbm, IReadOnlyDictionary<string, string> metadata) = RbmModelFile.Load(File.ReadAllBytes(modelPath));
        if (rbm.VisibleType != VisibleUnitType.Bernoulli)
        {
            throw new ArgumentException("AIS is available for Bernoulli visible units; this model has Gaussian visible units.");
        }

        DataSpec? trainedOn = metadata.TryGetValue("data_spec", out string? json) ? JsonSerializer.Deserialize<DataSpec>(json, MetadataJson) : null;
        int side = (int)Math.Round(Math.Sqrt(rbm.VisibleUnits));
        DataSpec presentation = (trainedOn ?? new DataSpec { ImageSize = side * side == rbm.VisibleUnits ? side : 28 }) with
        {
            Dataset = DataSpecValidator.MnistDataset,
            DatasetId = null,
        };
        presentation = presentation with
        {
            ImageSize = args.Int("image-size", presentation.ImageSize),
            BinarizeThreshold = args.OptionalFloat("binarize") ?? presentation.BinarizeThreshold,
            Classes = args.Classes("classes") ?? presentation.Classes,
        };
        if (presentation.ImageSize * presentation.ImageSize != rbm.VisibleUnits)
        {
            throw new ArgumentException(
                $"The model has {rbm.VisibleUnits} visible units but the data spec gives {presentation.ImageSize}×{presentation.ImageSize} = "
                + $"{presentation.ImageSize * presentation.ImageSize} features; pass --image-size {side}.");
        }

        DataSpec testSpec = presentation with { Split = args.String("split") ?? DataSpecValidator.TestSplit, Limit = args.OptionalInt("limit") };
        Dataset test = DatasetLoader.Load(testSpec);
        if (test.Count == 0)
        {
            throw new ArgumentException("The test data spec selects no images.");
        }

        if (test.Features.Data.Any(v => v is not (0f or 1f)))
        {
            error.WriteLine("warning: the test data is not binary (pass --binarize 0.5); avgLogProbability is −F(x) − log Z at grey levels, not a log-probability.");
        }

        Matrix baseData = test.Features;
        if (trainedOn is { Dataset: DataSpecValidator.MnistDataset })
        {
            baseData = DatasetLoader.Load(presentation with { Split = trainedOn.Split, Limit = trainedOn.Limit }).Features;
        }
        else
        {
            error.WriteLine("note: the model names no built-in training data; the base model uses the test data's base rates.");
        }

        var options = new AisOptions(args.Int("runs", 100), args.Int("betas", 10_000), (ulong)args.Int("seed", 1));
        var clock = Stopwatch.StartNew();
        AisResult result = AnnealedImportanceSampling.EstimateLogPartition(
            rbm, options, AnnealedImportanceSampling.BaseRateBiases(baseData), CancellationToken.None);
        double average = RbmLikelihood.AverageLogProbability(rbm, test.Features, result.LogZ);
        clock.Stop();

        // logZLow is null when mean(w) − 3·std(w)/√runs is not positive (its log is −∞).
        var line = new Dictionary<string, object?>
        {
            ["logZ"] = result.LogZ,
            ["logZLow"] = double.IsFinite(result.LogZLow) ? result.LogZLow : null,
            ["logZHigh"] = result.LogZHigh,
            ["avgLogProbability"] = average,
            ["testCount"] = test.Count,
            ["runs"] = result.Runs,
            ["betas"] = result.Intermediate,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
        };
        if (args.Flag("exact"))
        {
            double exact = ExactPartition.LogZ(rbm);
            line["exactLogZ"] = exact;
            line["exactAvgLogProbability"] = RbmLikelihood.AverageLogProbability(rbm, test.Features, exact);
        }

        output.WriteLine(JsonSerializer.Serialize(line));
        return 0;
    }
}
