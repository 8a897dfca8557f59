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
            VisibleType = VisibleType(args.String("visible")),
            Sigma = args.Float("sigma", 1f),
            Persistent = args.Flag("persistent"),
            PersistentChains = args.Int("chains", 100),
            MomentumSwitchEpoch = args.Int("momentum-switch", 5),
            WeightDecay = args.Float("weight-decay", 0f),
            SparsityTarget = args.OptionalFloat("sparsity-target"),
            SparsityCost = args.Float("sparsity-cost", 0f),
            SparsityDecay = args.Float("sparsity-decay", 0.95f),
            LearningRateDecay = args.Float("lr-decay", 1f),
            InitialWeightStdDev = args.Float("init-std", 0.01f),
            InitializeVisibleBiasFromData = !args.Flag("zero-visible-bias"),
        };
        (float initialMomentum, float finalMomentum) = Momentum(args.String("momentum"));
        options = options with { InitialMomentum = initialMomentum, FinalMomentum = finalMomentum };
        var errors = DataSpecValidator.Validate(spec).Concat(RbmOptionsValidator.Validate(options, spec.ImageSize * spec.ImageSize)).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }

        Dataset data = DatasetLoader.Load(spec);
        output.WriteLine($"Training a {data.Features.Cols}→{options.HiddenUnits} RBM on {data.Count} images (GEMM: {Numerics.Gemm.Backend}).");
        RbmMonitor? monitor = args.Flag("monitor")
            ? new RbmMonitor(data.Features, DatasetLoader.Load(spec with { Split = DataSpecValidator.TestSplit, Limit = RbmMonitor.MaxSampleRows }).Features, options.Seed)
            : null;
        var trainer = new RbmTrainer(options, data.Features);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Rbm rbm = trainer.Train(new ConsoleObserver(output, monitor), CancellationToken.None);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained in {clock.Elapsed.TotalSeconds:F1} s."));
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

    /// <summary>"bernoulli" (default) or "gaussian".</summary>
    private static VisibleUnitType VisibleType(string? value) => value?.ToLowerInvariant() switch
    {
        null or "bernoulli" => VisibleUnitType.Bernoulli,
        "gaussian" => VisibleUnitType.Gaussian,
        _ => throw new ArgumentException($"--visible must be bernoulli or gaussian, not '{value}'."),
    };

    /// <summary>"0.5,0.9" → initial 0.5, final 0.9; "0.9" → 0.9 throughout; absent → no momentum.</summary>
    private static (float Initial, float Final) Momentum(string? value)
    {
        if (value is null)
        {
            return (0f, 0f);
        }

        string[] parts = value.Split(',', StringSplitOptions.TrimEntries);
        var momenta = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts.Length > 2 || !float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out momenta[i]))
            {
                throw new FormatException($"--momentum expects one number or two separated by a comma (0.5,0.9), got '{value}'.");
            }
        }

        return (momenta[0], momenta[^1]);
    }

    private sealed class ConsoleObserver(TextWriter output, RbmMonitor? monitor) : IRbmTrainingObserver
    {
        public void OnBatchCompleted(TrainingProgress progress, Rbm model)
        {
        }

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {metrics.Epoch}: reconstruction error {metrics.ReconstructionError:F3}, {metrics.SamplesPerSecond:F0} samples/s"));
            if (monitor is not null)
            {
                RbmEpochReport report = monitor.Report(metrics.Epoch, model);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  monitor: squared error {report.SquaredError:F3}, cross-entropy {report.CrossEntropy:F3}, pseudo-log-likelihood {report.PseudoLogLikelihood:F3}, "
                    + $"free energy train {report.FreeEnergyTrain:F3} / held-out {report.FreeEnergyHeldOut:F3}, dead {report.DeadUnits}, saturated {report.SaturatedUnits}"));
            }
        }
    }
}
