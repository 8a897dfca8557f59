using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Dbn;
using DeepNet.Numerics;

namespace DeepNet.Cli;

/// <summary>
/// <c>deepnet train dbn</c>: greedy layer-wise pre-training of a DBN (784-500-500-2000 by default) on MNIST, then
/// global backprop fine-tuning with a softmax output — the run behind the README's issue-4 accuracy figure. Prints
/// the effective settings as one command line, per-epoch progress of every stage, train/valid/test error per
/// fine-tuning epoch, the wall time and the final test error on the 10,000 test digits.
/// </summary>
public static class TrainDbnCommand
{
    public static int Run(CommandLine args, TextWriter output)
    {
        Settings settings = Settings.From(args);
        Dataset all = DatasetLoader.Load(new DataSpec { Split = "train", Limit = args.OptionalInt("limit") });
        Dataset test = DatasetLoader.Load(new DataSpec { Split = "test" });
        if (settings.Validation >= all.Count)
        {
            throw new ArgumentException($"--validation {settings.Validation} leaves no training digits out of {all.Count}.");
        }

        int trainCount = all.Count - settings.Validation;
        Matrix train = Rows(all.Features, 0, trainCount);
        int[] trainLabels = [.. all.Labels.Take(trainCount).Select(l => (int)l)];
        Matrix? valid = settings.Validation > 0 ? Rows(all.Features, trainCount, settings.Validation) : null;
        int[] validLabels = [.. all.Labels.Skip(trainCount).Select(l => (int)l)];
        int[] testLabels = [.. test.Labels.Select(l => (int)l)];

        DbnOptions options = settings.ToOptions(train.Cols);
        string architecture = string.Join('-', new[] { train.Cols }.Concat(settings.Layers).Append(10));
        output.WriteLine($"settings: {settings.CommandLine()}");
        output.WriteLine(FormattableString.Invariant(
            $"train dbn: {architecture}, {trainCount} training, {settings.Validation} validation, {test.Count} test digits, GEMM {Gemm.Backend}, {Environment.ProcessorCount} threads"));

        var clock = Stopwatch.StartNew();
        var observer = new ReportingObserver(output, clock, settings.Layers.Count, valid, validLabels, test.Features, testLabels);
        DbnResult result = DbnTrainer.Train(options, train, trainLabels, 10, observer, CancellationToken.None);
        clock.Stop();

        DenseSigmoidNetwork classifier = result.Classifier!;
        ClassifierEvaluation trainEvaluation = classifier.Evaluate(train, trainLabels);
        ClassifierEvaluation? validEvaluation = valid is null ? null : classifier.Evaluate(valid, validLabels);
        ClassifierEvaluation testEvaluation = classifier.Evaluate(test.Features, testLabels);
        output.WriteLine(FormattableString.Invariant(
            $"final: train_error {trainEvaluation.ErrorPercent:0.00}%, valid_error {(validEvaluation is null ? "-" : $"{validEvaluation.ErrorPercent:0.00}%")}, test_error {testEvaluation.ErrorPercent:0.00}% ({testEvaluation.Errors} of {test.Count}), wall time {clock.Elapsed.TotalSeconds:0} s ({clock.Elapsed.TotalMinutes:0.0} min)"));

        if (args.String("out") is { } path)
        {
            var metadata = new Dictionary<string, string>
            {
                ["format_version"] = "1",
                ["model_type"] = "dbn",
                ["architecture"] = architecture,
                ["hyperparameters"] = settings.CommandLine(),
                ["metrics"] = JsonSerializer.Serialize(new
                {
                    errors = new { train = trainEvaluation.ErrorPercent, valid = validEvaluation?.ErrorPercent, test = testEvaluation.ErrorPercent },
                    seconds = clock.Elapsed.TotalSeconds,
                }),
                ["created_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            };
            File.WriteAllBytes(path, DbnModelFile.Save(result.Stack, classifier, metadata));
            output.WriteLine($"saved {path}");
        }

        return 0;
    }

    private static Matrix Rows(Matrix source, int start, int count) =>
        new(count, source.Cols, source.RowRange(start, count).ToArray());

    /// <summary>The effective command-line settings (defaults filled in).</summary>
    private sealed record Settings(
        IReadOnlyList<int> Layers, DbnPretraining Pretraining, int EpochsPerLayer, float PretrainLearningRate, int PretrainBatch,
        float? InitStd, HiddenFeatures Propagation, bool JoinLabels, int FineTuneEpochs, int TopOnlyEpochs, float LearningRate,
        float LearningRateDecay, float Momentum, int Batch, float WeightDecay, float Dropout, float InputDropout, int Validation, int? Limit, int Seed)
    {
        public static Settings From(CommandLine args)
        {
            string layers = args.String("layers") ?? "500,500,2000";
            int[] sizes = [.. layers.Split(',', StringSplitOptions.TrimEntries).Select(s =>
                int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
                    ? n
                    : throw new FormatException($"--layers expects hidden layer sizes like 500,500,2000; got '{layers}'."))];
            DbnPretraining pretraining = (args.String("pretraining") ?? "rbm") switch
            {
                "rbm" => DbnPretraining.Rbm,
                "autoencoder" => DbnPretraining.AutoEncoder,
                "supervised" => DbnPretraining.Supervised,
                "none" => DbnPretraining.None,
                string other => throw new ArgumentException($"--pretraining must be rbm, autoencoder, supervised or none; got '{other}'."),
            };
            string initStd = args.String("init-std") ?? (pretraining == DbnPretraining.Rbm ? "0.01" : "fan-in");
            HiddenFeatures propagation = (args.String("propagation") ?? "probabilities") switch
            {
                "probabilities" => HiddenFeatures.Probabilities,
                "samples" => HiddenFeatures.Binary,
                string other => throw new ArgumentException($"--propagation must be probabilities or samples; got '{other}'."),
            };
            return new Settings(
                sizes, pretraining,
                args.Int("epochs-per-layer", 10),
                args.Float("pretrain-lr", 0.1f),
                args.Int("pretrain-batch", 100),
                initStd == "fan-in" ? null : float.TryParse(initStd, NumberStyles.Float, CultureInfo.InvariantCulture, out float std)
                    ? std
                    : throw new FormatException($"--init-std expects a number or fan-in; got '{initStd}'."),
                propagation,
                args.Flag("join-labels"),
                args.Int("finetune-epochs", 60),
                args.Int("top-only-epochs", 5),
                args.Float("lr", 0.1f),
                args.Float("lr-decay", 0.96f),
                args.Float("momentum", 0.9f),
                args.Int("batch", 100),
                args.Float("weight-decay", 1e-5f),
                args.Float("dropout", 0f),
                args.Float("input-dropout", 0f),
                args.Int("validation", 0),
                args.OptionalInt("limit"),
                args.Int("seed", 1));
        }

        /// <summary>
        /// RBM layers as in Hinton &amp; Salakhutdinov's code: ε = pretrain-lr, momentum 0.5 for 5 epochs then 0.9, weight
        /// cost 2e-4; the other modes read the same fields. Init std "fan-in" is 1/√(units below) per layer.
        /// </summary>
        public DbnOptions ToOptions(int inputs)
        {
            var layers = new RbmOptions[Layers.Count];
            for (int l = 0; l < layers.Length; l++)
            {
                int below = l == 0 ? inputs : Layers[l - 1];
                layers[l] = new RbmOptions
                {
                    HiddenUnits = Layers[l],
                    Epochs = EpochsPerLayer,
                    BatchSize = PretrainBatch,
                    LearningRate = PretrainLearningRate,
                    InitialMomentum = 0.5f,
                    FinalMomentum = 0.9f,
                    MomentumSwitchEpoch = 5,
                    WeightDecay = 2e-4f,
                    InitialWeightStdDev = InitStd ?? (float)(1 / Math.Sqrt(below)),
                    Seed = (ulong)(Seed * 100 + l),
                };
            }

            return new DbnOptions
            {
                Layers = layers,
                Pretraining = Pretraining,
                Propagation = Propagation,
                JoinLabels = JoinLabels,
                FineTuning = DbnFineTuning.Global,
                Backprop = new BackpropOptions
                {
                    LearningRate = LearningRate,
                    LearningRateDecay = LearningRateDecay,
                    Momentum = Momentum,
                    BatchSize = Batch,
                    Epochs = FineTuneEpochs,
                    TopLayerOnlyEpochs = TopOnlyEpochs,
                    WeightDecay = WeightDecay,
                    HiddenDropout = Dropout,
                    InputDropout = InputDropout,
                    Seed = (ulong)Seed,
                },
                Seed = (ulong)Seed,
            };
        }

        public string CommandLine() => string.Create(CultureInfo.InvariantCulture,
            $"deepnet train dbn --layers {string.Join(',', Layers)} --pretraining {Pretraining.ToString().ToLowerInvariant()} "
            + $"--epochs-per-layer {EpochsPerLayer} --pretrain-lr {PretrainLearningRate} --pretrain-batch {PretrainBatch} "
            + $"--init-std {(InitStd is float s ? s.ToString(CultureInfo.InvariantCulture) : "fan-in")} "
            + $"--propagation {(Propagation == HiddenFeatures.Binary ? "samples" : "probabilities")}{(JoinLabels ? " --join-labels" : "")} "
            + $"--finetune-epochs {FineTuneEpochs} --top-only-epochs {TopOnlyEpochs} --lr {LearningRate} --lr-decay {LearningRateDecay} "
            + $"--momentum {Momentum} --batch {Batch} --weight-decay {WeightDecay} --dropout {Dropout} --input-dropout {InputDropout} --validation {Validation}"
            + $"{(Limit is int n ? $" --limit {n}" : "")} --seed {Seed}");
    }

    private sealed class ReportingObserver(
        TextWriter output, Stopwatch clock, int layers, Matrix? valid, int[] validLabels, Matrix test, int[] testLabels) : IDbnTrainingObserver
    {
        private NetworkWorkspace? _workspace;

        public void OnLayerStarted(int layer, int layerCount) =>
            output.WriteLine(FormattableString.Invariant($"stage pretrain-{layer + 1} of {layerCount}: started at {clock.Elapsed.TotalSeconds:0} s"));

        public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model)
        {
        }

        public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
        }

        public void OnLayerEpochCompleted(int layer, DbnLayerEpochMetrics metrics, Rbm model)
        {
            string loss = metrics.Mode switch
            {
                DbnPretraining.Rbm => "reconstruction_error",
                DbnPretraining.AutoEncoder => "cross_entropy",
                _ => "loss",
            };
            string error = metrics.TrainingError is double e ? FormattableString.Invariant($", train_error {100 * e:0.00}%") : "";
            output.WriteLine(FormattableString.Invariant(
                $"pretrain-{layer + 1} epoch {metrics.Epoch}/{metrics.Epochs}: {loss} {metrics.Loss:0.0000}{error}, {metrics.SamplesPerSecond:0} samples/s, elapsed {clock.Elapsed.TotalSeconds:0} s"));
        }

        public void OnLayerCompleted(int layer, Rbm model)
        {
            if (layer == layers - 1)
            {
                output.WriteLine(FormattableString.Invariant($"stage finetune: started at {clock.Elapsed.TotalSeconds:0} s"));
            }
        }

        public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
        {
        }

        public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
        {
            _workspace ??= NetworkWorkspace.ForwardOnly(network, 500);
            string validError = valid is null ? "-" : FormattableString.Invariant($"{network.Evaluate(valid, validLabels, _workspace).ErrorPercent:0.00}%");
            double testError = network.Evaluate(test, testLabels, _workspace).ErrorPercent;
            string scope = metrics.TrainedFromLayer == network.LayerCount - 1 ? " (top layer only)" : "";
            output.WriteLine(FormattableString.Invariant(
                $"finetune epoch {metrics.Epoch}/{checkpoint.Options.Epochs}{scope}: loss {metrics.Loss:0.0000}, train_error {100 * metrics.TrainingError:0.00}% (running), valid_error {validError}, test_error {testError:0.00}%, {metrics.SamplesPerSecond:0} samples/s, elapsed {clock.Elapsed.TotalSeconds:0} s"));
        }

        public void OnCheckpoint(DbnTrainingState checkpoint)
        {
        }
    }
}
