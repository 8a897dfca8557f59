using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;

namespace DeepNet.Cli;

/// <summary>Benchmarks (not tests): the same workloads as ../shared/bench/torch_baselines.py.</summary>
public static class BenchCommand
{
    /// <summary>One CD-1 epoch on MNIST train, 784→500, batch 100, ε = 0.1, binarized at 0.5 — the baseline's "rbm" workload.</summary>
    public static int RunRbm(CommandLine args, TextWriter output)
    {
        SelectBackend(args);
        var spec = new DataSpec { Split = "train", Limit = args.OptionalInt("limit"), BinarizeThreshold = 0.5f };
        Dataset data = DatasetLoader.Load(spec);
        var options = new RbmOptions { HiddenUnits = 500, K = 1, LearningRate = 0.1f, BatchSize = 100, Epochs = args.Int("epochs", 1), Seed = 1 };

        // A short warm-up so JIT tiering and thread-pool start-up are not timed.
        var warmData = new Matrix(Math.Min(1000, data.Count), data.Features.Cols, data.Features.Data[..(Math.Min(1000, data.Count) * data.Features.Cols)]);
        new RbmTrainer(options with { Epochs = 1 }, warmData).Train(new SilentObserver(), CancellationToken.None);

        var trainer = new RbmTrainer(options, data.Features);
        var clock = Stopwatch.StartNew();
        trainer.Train(new SilentObserver(), CancellationToken.None);
        clock.Stop();
        double samplesPerSecond = (double)data.Count * options.Epochs / clock.Elapsed.TotalSeconds;
        output.WriteLine(JsonSerializer.Serialize(new
        {
            workload = "rbm",
            samples_per_s = Math.Round(samplesPerSecond),
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            gemm = Gemm.Backend.ToString(),
            threads = Environment.ProcessorCount,
            reconstruction_error = Math.Round(trainer.History[^1].ReconstructionError, 3),
        }));
        return 0;
    }

    /// <summary>GFLOP/s of the three GEMMs of a 784→500 RBM step with batch 100.</summary>
    public static int RunGemm(CommandLine args, TextWriter output)
    {
        SelectBackend(args);
        const int batch = 100, visible = 784, hidden = 500;
        var rng = new Xoshiro256StarStar(1);
        float[] v = new float[batch * visible], w = new float[hidden * visible], h = new float[batch * hidden];
        rng.FillUniform(v);
        rng.FillUniform(w);
        rng.FillUniform(h);
        var shapes = new (string Name, Action Run)[]
        {
            ("v·Wᵀ   100×784·784×500", () => Gemm.Multiply(Transpose.No, Transpose.Yes, batch, hidden, visible, 1f, v, visible, w, visible, 0f, h, hidden)),
            ("h·W    100×500·500×784", () => Gemm.Multiply(Transpose.No, Transpose.No, batch, visible, hidden, 1f, h, hidden, w, visible, 0f, v, visible)),
            ("hᵀ·v   500×100·100×784", () => Gemm.Multiply(Transpose.Yes, Transpose.No, hidden, visible, batch, 1f, h, hidden, v, visible, 1f, w, visible)),
        };
        double flops = 2.0 * batch * visible * hidden;
        foreach ((string name, Action run) in shapes)
        {
            for (int i = 0; i < 20; i++)
            {
                run();
            }

            int reps = 200;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
            {
                run();
            }

            double gflops = flops * reps / clock.Elapsed.TotalSeconds / 1e9;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Gemm.Backend,-8} {name}: {gflops:F1} GFLOP/s"));
        }

        return 0;
    }

    private static void SelectBackend(CommandLine args)
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
