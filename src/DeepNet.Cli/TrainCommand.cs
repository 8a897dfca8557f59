using System.Globalization;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;

namespace DeepNet.Cli;

/// <summary><c>deepnet train rbm</c>: trains on built-in MNIST and writes a safetensors model file.</summary>
public static class TrainCommand
{
    public static int Run(CommandLine args, TextWriter output)
    {
        string outPath = args.String("out") ?? throw new ArgumentException("--out <file.safetensors> is required.");
        var spec = new DataSpec
        {
            Split = args.String("split") ?? "train",
            Classes = args.Classes("classes"),
            Limit = args.OptionalInt("limit"),
            ImageSize = args.Int("image-size", 28),
            BinarizeThreshold = args.OptionalFloat("binarize"),
        };
        var options = new RbmOptions
        {
            HiddenUnits = args.Int("hidden", 49),
            K = args.Int("k", 1),
            LearningRate = args.Float("lr", 0.1f),
            BatchSize = args.Int("batch", 20),
            Epochs = args.Int("epochs", 5),
            Seed = (ulong)args.Int("seed", 1),
            SampleReconstruction = !args.Flag("mean-field"),
        };
        var errors = DataSpecValidator.Validate(spec).Concat(RbmOptionsValidator.Validate(options, spec.ImageSize * spec.ImageSize)).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }

        Dataset data = DatasetLoader.Load(spec);
        output.WriteLine($"Training a {data.Features.Cols}→{options.HiddenUnits} RBM on {data.Count} images (GEMM: {Numerics.Gemm.Backend}).");
        var trainer = new RbmTrainer(options, data.Features);
        Rbm rbm = trainer.Train(new ConsoleObserver(output), CancellationToken.None);
        var metadata = new Dictionary<string, string>
        {
            ["format_version"] = "1",
            ["model_type"] = "rbm",
            ["hyperparameters"] = JsonSerializer.Serialize(options),
            ["data_spec"] = JsonSerializer.Serialize(spec),
            ["metrics"] = JsonSerializer.Serialize(trainer.History),
            ["created_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        File.WriteAllBytes(outPath, RbmModelFile.Save(rbm, metadata));
        output.WriteLine($"Wrote {outPath}");
        return 0;
    }

    private sealed class ConsoleObserver(TextWriter output) : IRbmTrainingObserver
    {
        public void OnBatchCompleted(TrainingProgress progress, Rbm model)
        {
        }

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint) =>
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {metrics.Epoch}: reconstruction error {metrics.ReconstructionError:F3}, {metrics.SamplesPerSecond:F0} samples/s"));
    }
}
