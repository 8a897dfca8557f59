using System.Diagnostics;
using System.Globalization;
using DeepNet.Data;
using DeepNet.Models.Cnn;
using DeepNet.Numerics;

namespace DeepNet.Cli;

/// <summary>
/// <c>deepnet train cnn</c>: trains LeNet-5 (or the small net) on the full MNIST training set and reports the test error
/// on the 10,000 test digits after every epoch — the figure the README quotes for the issue-5 accuracy target.
/// </summary>
public static class TrainCnnCommand
{
    private const int EvaluationBatch = 500;

    public static int Run(CommandLine args, TextWriter output)
    {
        string preset = args.String("preset") ?? "lenet5";
        IReadOnlyList<LayerSpec> layers = preset switch
        {
            "lenet5" => CnnPresets.LeNet5(),
            "small" => CnnPresets.SmallFast(),
            _ => throw new ArgumentException($"--preset must be lenet5 or small, got '{preset}'."),
        };
        string optimizer = args.String("optimizer") ?? "sgd";
        var options = new CnnOptions(
            Epochs: args.Int("epochs", 8),
            BatchSize: args.Int("batch", 64),
            Optimizer: optimizer switch
            {
                "sgd" => CnnOptimizerKind.Sgd,
                "adam" => CnnOptimizerKind.Adam,
                _ => throw new ArgumentException($"--optimizer must be sgd or adam, got '{optimizer}'."),
            },
            LearningRate: args.Float("lr", optimizer == "adam" ? 1e-3f : 0.05f),
            Momentum: args.Float("momentum", 0.9f),
            WeightDecay: args.Float("weight-decay", 0f),
            Seed: (ulong)args.Int("seed", 1),
            LearningRateDecay: args.Float("lr-decay", 0.8f),
            Augmentation: Augmentation(args));
        options.Validate();

        Dataset train = DatasetLoader.Load(new DataSpec { Split = "train", Limit = args.OptionalInt("limit") });
        Dataset test = DatasetLoader.Load(new DataSpec { Split = "test" });
        int[] trainLabels = [.. train.Labels.Select(l => (int)l)];
        int[] testLabels = [.. test.Labels.Select(l => (int)l)];

        output.WriteLine(FormattableString.Invariant(
            $"train cnn: preset {preset}, {train.Count} training digits, {test.Count} test digits, GEMM {Gemm.Backend}, {options}"));
        var trainer = new CnnTrainer(CnnPresets.MnistInput, layers, options, train.Features, trainLabels);
        var clock = Stopwatch.StartNew();
        var observer = new ReportingObserver(output, test, testLabels, clock);
        Network network = trainer.Train(observer, CancellationToken.None);
        clock.Stop();

        double testError = TestError(network, test, testLabels);
        output.WriteLine(FormattableString.Invariant($"final test_error {testError:0.00}% after {clock.Elapsed.TotalSeconds:0} s"));
        if (args.String("out") is { } path)
        {
            File.WriteAllBytes(path, CnnCheckpointFile.ToBytes(trainer.CaptureState()));
            output.WriteLine($"saved {path}");
        }

        return 0;
    }

    /// <summary>--augment (defaults) or --augment degrees,scale,shift: random affine distortions of every training minibatch.</summary>
    private static CnnAugmentation? Augmentation(CommandLine args)
    {
        if (args.String("augment") is not { } value)
        {
            return null;
        }

        if (value == "true")
        {
            return new CnnAugmentation();
        }

        float[] parts = [.. value.Split(',').Select(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out float f)
            ? f
            : throw new FormatException($"--augment expects degrees,scale,shift like 10,0.1,2; got '{value}'."))];
        return parts.Length == 3
            ? new CnnAugmentation(parts[0], parts[1], parts[2])
            : throw new FormatException($"--augment expects degrees,scale,shift like 10,0.1,2; got '{value}'.");
    }

    /// <summary>Test error in percent, evaluated in batches the network's buffers hold.</summary>
    public static double TestError(Network network, Dataset test, int[] labels)
    {
        int batch = Math.Min(EvaluationBatch, network.MaxBatch);
        int cols = test.Features.Cols;
        int correct = 0;
        for (int start = 0; start < test.Count; start += batch)
        {
            int n = Math.Min(batch, test.Count - start);
            correct += network.Evaluate(test.Features.Data.AsSpan(start * cols, n * cols), labels.AsSpan(start, n)).Correct;
        }

        return 100.0 * (test.Count - correct) / test.Count;
    }

    private sealed class ReportingObserver(TextWriter output, Dataset test, int[] testLabels, Stopwatch clock) : ICnnTrainingObserver
    {
        public void OnBatchCompleted(CnnBatchProgress progress, Network model)
        {
        }

        public void OnEpochCompleted(CnnEpochMetrics metrics, Network model, CnnTrainingState checkpoint)
        {
            double testError = TestError(model, test, testLabels);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {metrics.Epoch}: loss {metrics.Loss:0.0000}, train_error {100 * (1 - metrics.Accuracy):0.00}%, test_error {testError:0.00}%, {metrics.SamplesPerSecond:0} samples/s, elapsed {clock.Elapsed.TotalSeconds:0} s"));
        }
    }
}
