using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Cnn;
using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Cli;

/// <summary>One timed workload run.</summary>
public sealed record BenchResult(string Workload, int Samples, TimeSpan Elapsed, string MetricName, double Metric)
{
    public double SamplesPerSecond => Samples / Elapsed.TotalSeconds;
}

/// <summary>Benchmarks (not tests): the same workloads as ../shared/bench/torch_baselines.py.</summary>
public static class BenchCommand
{
    /// <summary>One CD-1 epoch on MNIST train, 784→500, batch 100, ε = 0.1, binarized at 0.5 — the baseline's "rbm" workload.</summary>
    public static int RunRbm(CommandLine args, TextWriter output)
    {
        SelectBackend(args);
        Write(output, Rbm(args.OptionalInt("limit"), args.Int("epochs", 1), warmUp: true));
        return 0;
    }

    /// <summary>The "rbm" workload: one CD-1 run over <paramref name="limit"/> training images (all when null).</summary>
    public static BenchResult Rbm(int? limit, int epochs, bool warmUp)
    {
        var spec = new DataSpec { Split = "train", Limit = limit, BinarizeThreshold = 0.5f };
        Dataset data = DatasetLoader.Load(spec);
        var options = new RbmOptions { HiddenUnits = 500, K = 1, LearningRate = 0.1f, BatchSize = 100, Epochs = epochs, Seed = 1 };

        if (warmUp)
        {
            // A short warm-up so JIT tiering and thread-pool start-up are not timed.
            var warmData = new Matrix(Math.Min(1000, data.Count), data.Features.Cols, data.Features.Data[..(Math.Min(1000, data.Count) * data.Features.Cols)]);
            new RbmTrainer(options with { Epochs = 1 }, warmData).Train(new SilentObserver(), CancellationToken.None);
        }

        var trainer = new RbmTrainer(options, data.Features);
        var clock = Stopwatch.StartNew();
        trainer.Train(new SilentObserver(), CancellationToken.None);
        clock.Stop();
        return new BenchResult("rbm", data.Count * options.Epochs, clock.Elapsed, "reconstruction_error", trainer.History[^1].ReconstructionError);
    }

    /// <summary>LeNet-5 (ReLU, max-pool), SGD lr 0.05 momentum 0.9, batch 64, one epoch on MNIST train — the baseline's "lenet" workload.</summary>
    public static int RunLeNet(CommandLine args, TextWriter output)
    {
        SelectBackend(args);
        Write(output, LeNet(args.OptionalInt("limit"), args.Int("epochs", 1), warmUp: true));
        return 0;
    }

    /// <summary>The "lenet" workload over <paramref name="limit"/> labelled training images (all when null).</summary>
    public static BenchResult LeNet(int? limit, int epochs, bool warmUp)
    {
        (Dataset data, int[] labels) = LoadLabelled(limit);
        var options = new CnnOptions(Epochs: epochs, BatchSize: 64, Optimizer: CnnOptimizerKind.Sgd, LearningRate: 0.05f, Momentum: 0.9f, Seed: 1);
        options.Validate();

        if (warmUp)
        {
            // A short warm-up so JIT tiering and thread-pool start-up are not timed.
            (Matrix warmData, int[] warmLabels) = WarmUpSlice(data, labels);
            new CnnTrainer(CnnPresets.MnistInput, CnnPresets.LeNet5(), options with { Epochs = 1 }, warmData, warmLabels)
                .Train(new SilentCnnObserver(), CancellationToken.None);
        }

        var trainer = new CnnTrainer(CnnPresets.MnistInput, CnnPresets.LeNet5(), options, data.Features, labels);
        var clock = Stopwatch.StartNew();
        trainer.Train(new SilentCnnObserver(), CancellationToken.None);
        clock.Stop();
        return new BenchResult("lenet", data.Count * options.Epochs, clock.Elapsed, "loss", trainer.History[^1].Loss);
    }

    /// <summary>784-500-500-2000-10 sigmoid net, backprop SGD lr 0.1 momentum 0.9, batch 100, one epoch on MNIST train — the baseline's "mlp" workload.</summary>
    public static int RunMlp(CommandLine args, TextWriter output)
    {
        SelectBackend(args);
        Write(output, Mlp(args.OptionalInt("limit"), args.Int("epochs", 1), warmUp: true));
        return 0;
    }

    /// <summary>The "mlp" workload over <paramref name="limit"/> labelled training images (all when null).</summary>
    public static BenchResult Mlp(int? limit, int epochs, bool warmUp)
    {
        (Dataset data, int[] labels) = LoadLabelled(limit);
        var options = new BackpropOptions { LearningRate = 0.1f, Momentum = 0.9f, BatchSize = 100, Epochs = epochs, Seed = 1 };
        if (options.Epochs < 1)
        {
            throw new ArgumentException("--epochs must be at least 1.");
        }

        int[] sizes = [data.FeatureCount, 500, 500, 2000, 10];

        if (warmUp)
        {
            (Matrix warmData, int[] warmLabels) = WarmUpSlice(data, labels);
            new BackpropTrainer(options with { Epochs = 1 }, CreateMlp(sizes), warmData, warmLabels).Train(NullBackpropObserver.Instance, CancellationToken.None);
        }

        var trainer = new BackpropTrainer(options, CreateMlp(sizes), data.Features, labels);
        var clock = Stopwatch.StartNew();
        trainer.Train(NullBackpropObserver.Instance, CancellationToken.None);
        clock.Stop();
        return new BenchResult("mlp", data.Count * options.Epochs, clock.Elapsed, "train_error", trainer.History[^1].TrainingError);
    }

    /// <summary>W ~ N(0, 1/(3·fanIn)) per layer — the variance of PyTorch's default nn.Linear initialization — biases 0.</summary>
    private static DenseSigmoidNetwork CreateMlp(int[] sizes)
    {
        var rng = new Xoshiro256StarStar(1);
        var weights = new Matrix[sizes.Length - 1];
        var biases = new float[sizes.Length - 1][];
        for (int l = 0; l < weights.Length; l++)
        {
            float std = (float)(1.0 / Math.Sqrt(3.0 * sizes[l]));
            weights[l] = new Matrix(sizes[l + 1], sizes[l]);
            Span<float> w = weights[l].AsSpan();
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = std * rng.NextGaussian();
            }

            biases[l] = new float[sizes[l + 1]];
        }

        return new DenseSigmoidNetwork(weights, biases);
    }

    /// <summary>MNIST train at 28×28, grey levels /255, with labels.</summary>
    private static (Dataset Data, int[] Labels) LoadLabelled(int? limit)
    {
        Dataset data = DatasetLoader.Load(new DataSpec { Split = "train", Limit = limit });
        return (data, [.. data.Labels.Select(l => (int)l)]);
    }

    private static (Matrix Data, int[] Labels) WarmUpSlice(Dataset data, int[] labels)
    {
        int n = Math.Min(1000, data.Count);
        int cols = data.Features.Cols;
        return (new Matrix(n, cols, data.Features.Data[..(n * cols)]), labels[..n]);
    }

    private static void Write(TextWriter output, BenchResult result)
    {
        var line = new Dictionary<string, object>
        {
            ["workload"] = result.Workload,
            ["samples_per_s"] = Math.Round(result.SamplesPerSecond),
            ["seconds"] = Math.Round(result.Elapsed.TotalSeconds, 3),
            ["gemm"] = Gemm.Backend.ToString(),
            ["threads"] = Environment.ProcessorCount,
            [result.MetricName] = Math.Round(result.Metric, 4),
        };
        output.WriteLine(JsonSerializer.Serialize(line));
    }

    /// <summary>GFLOP/s of the three GEMMs of a 784→500 RBM step with batch 100, on the selected backend.</summary>
    public static int RunGemm(CommandLine args, TextWriter output)
    {
        SelectBackend(args);
        var shapes = new GemmShapes();
        foreach (GemmShape shape in GemmShapes.Rbm)
        {
            (double wall, double cpu) = shapes.MeasureWallAndCpu(shape, blocks: 5);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Gemm.Backend,-8} {shape.Name}: {wall:F1} GFLOP/s ({cpu:F1} per CPU-second)"));
        }

        return 0;
    }

    internal static void SelectBackend(CommandLine args)
    {
        switch (args.String("gemm"))
        {
            case null or "auto":
                break;
            case "openblas":
                Gemm.Use(GemmBackend.OpenBlas);
                break;
            case "managed":
                Gemm.Use(GemmBackend.Managed);
                break;
            case string other:
                throw new ArgumentException($"--gemm must be auto, openblas or managed, not '{other}'.");
        }
    }

    private sealed class SilentCnnObserver : ICnnTrainingObserver
    {
        public void OnBatchCompleted(CnnBatchProgress progress, Network model)
        {
        }

        public void OnEpochCompleted(CnnEpochMetrics metrics, Network model, CnnTrainingState checkpoint)
        {
        }
    }

    private sealed class SilentObserver : IRbmTrainingObserver
    {
        public void OnBatchCompleted(TrainingProgress progress, Rbm model)
        {
        }

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
        }
    }
}
