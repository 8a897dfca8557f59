using System.Globalization;
using System.Text.Json;

namespace DeepNet.Cli;

/// <summary>Command dispatch for the <c>deepnet</c> tool: the trainers without a server, and benchmarks.</summary>
public static class CliApp
{
    public const string Usage = """
        Usage:
          deepnet train rbm [--hidden 49] [--k 1] [--lr 0.1] [--batch 20] [--epochs 5] [--seed 1] [--mean-field]
                            [--split train] [--classes 1-5] [--limit N] [--image-size 16] [--binarize 0.5]
                            [--visible bernoulli|gaussian] [--sigma 1] [--persistent] [--chains 100]
                            [--momentum 0.5,0.9] [--momentum-switch 5] [--weight-decay 2e-4] [--lr-decay 1]
                            [--sparsity-target 0.1] [--sparsity-cost 0.1] [--sparsity-decay 0.95]
                            [--init-std 0.01] [--zero-visible-bias] [--monitor]
                            --out model.safetensors
          deepnet train dbn [--layers 500,500,2000] [--pretraining rbm|autoencoder|supervised|none]
                            [--epochs-per-layer 10] [--pretrain-lr 0.1] [--pretrain-batch 100] [--init-std 0.01|fan-in]
                            [--propagation probabilities|samples] [--join-labels]
                            [--finetune-epochs 60] [--top-only-epochs 5] [--lr 0.1] [--lr-decay 0.96] [--momentum 0.9]
                            [--batch 100] [--weight-decay 1e-5] [--dropout 0] [--input-dropout 0]
                            [--validation 0|10000] [--limit N] [--seed 1] [--out model.safetensors]
                            Trains on the MNIST training digits (the last --validation of them held out) and prints
                            train/valid/test error per fine-tuning epoch and the final test error on the 10,000 test digits.
                            --dropout / --input-dropout: probability in [0, 0.9) of dropping each hidden / input unit
                            during fine-tuning (e.g. 0.5 and 0.2, Hinton et al. 2012); 0 turns dropout off.
          deepnet train cnn [--preset lenet5|small] [--epochs 8] [--batch 64] [--optimizer sgd|adam] [--lr 0.05]
                            [--momentum 0.9] [--lr-decay 0.8] [--weight-decay 0] [--seed 1] [--limit N] [--augment [deg,scale,shift]]
                            [--out state.safetensors]
                            Trains on MNIST; prints loss, train and test error (10,000 test digits) per epoch.
          deepnet eval ais  --model model.safetensors [--split test] [--limit N] [--runs 100] [--betas 10000] [--seed 1]
                            [--classes ...] [--image-size 16] [--binarize 0.5] [--exact]
                            Average test log-probability in nats, log Z by annealed importance sampling; prints JSON.
                            --exact adds log Z by enumeration (a layer of at most 20 units).
          deepnet bench rbm  [--limit 60000] [--epochs 1] [--gemm auto|openblas|managed]
                             One CD-1 epoch on MNIST, 784→500, batch 100, ε = 0.1; prints samples/s.
          deepnet bench lenet [--limit 60000] [--epochs 1] [--gemm auto|openblas|managed]
                             LeNet-5 (ReLU, max-pool) on MNIST, SGD ε = 0.05, momentum 0.9, batch 64; prints samples/s and loss.
          deepnet bench mlp  [--limit 60000] [--epochs 1] [--gemm auto|openblas|managed]
                             784-500-500-2000-10 sigmoid net on MNIST, SGD ε = 0.1, momentum 0.9, batch 100;
                             prints samples/s and train_error.
          deepnet bench gemm [--gemm auto|openblas|managed]
                             GFLOP/s of the RBM's three GEMM shapes.
          deepnet bench all  [--rounds 3] [--limit 60000] [--gemm auto|openblas|managed] [--no-torch] [--torch-script PATH]
                             Every workload in alternating rounds with PyTorch's (shared/bench/torch_baselines.py above the
                             working directory, run by a python3 with torch), the RBM GEMM shapes managed vs OpenBLAS, and one
                             table of medians: samples/s, fraction of the measured GEMM peak, PyTorch's figure and the ratio.
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            var options = CommandLine.Parse(args.Skip(2));
            switch (args.Take(2).ToArray())
            {
                case ["train", "rbm"]:
                    return TrainCommand.Run(options, output);
                case ["train", "dbn"]:
                    return TrainDbnCommand.Run(options, output);
                case ["train", "cnn"]:
                    return TrainCnnCommand.Run(options, output);
                case ["eval", "ais"]:
                    return EvalCommand.RunAis(options, output, error);
                case ["bench", "rbm"]:
                    return BenchCommand.RunRbm(options, output);
                case ["bench", "lenet"]:
                    return BenchCommand.RunLeNet(options, output);
                case ["bench", "mlp"]:
                    return BenchCommand.RunMlp(options, output);
                case ["bench", "gemm"]:
                    return BenchCommand.RunGemm(options, output);
                case ["bench", "all"]:
                    return BenchSuite.Run(options, output);
                default:
                    error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException or InvalidDataException or JsonException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}

/// <summary>--name value pairs (a flag without a value is "true").</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values;

    private CommandLine(Dictionary<string, string> values) => _values = values;

    public static CommandLine Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] list = args.ToArray();
        for (int i = 0; i < list.Length; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{list[i]}'.");
            }

            string name = list[i][2..];
            bool hasValue = i + 1 < list.Length && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[name] = hasValue ? list[++i] : "true";
        }

        return new CommandLine(values);
    }

    public string? String(string name) => _values.GetValueOrDefault(name);

    public bool Flag(string name) => _values.ContainsKey(name);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out string? v) ? ParseInt(name, v) : fallback;

    public int? OptionalInt(string name) => _values.TryGetValue(name, out string? v) ? ParseInt(name, v) : null;

    public float Float(string name, float fallback) => OptionalFloat(name) ?? fallback;

    public float? OptionalFloat(string name) =>
        _values.TryGetValue(name, out string? v)
            ? float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) ? f : throw new FormatException($"--{name} expects a number, got '{v}'.")
            : null;

    /// <summary>Digits as "1-5", "1,3,7" or "0-2,9".</summary>
    public int[]? Classes(string name)
    {
        if (!_values.TryGetValue(name, out string? v))
        {
            return null;
        }

        var classes = new List<int>();
        foreach (string part in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-');
            int from = ParseInt(name, range[0]);
            int to = range.Length == 2 ? ParseInt(name, range[1]) : from;
            if (range.Length > 2 || to < from)
            {
                throw new FormatException($"--{name} expects digits like 1-5 or 1,3,7; got '{v}'.");
            }

            for (int d = from; d <= to; d++)
            {
                classes.Add(d);
            }
        }

        return [.. classes];
    }

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : throw new FormatException($"--{name} expects an integer, got '{value}'.");
}
