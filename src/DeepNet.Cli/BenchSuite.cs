using System.Globalization;
using System.Runtime.InteropServices;
using DeepNet.Numerics;

namespace DeepNet.Cli;

/// <summary>
/// <c>deepnet bench all</c>: every workload in alternating rounds (ours, then PyTorch's when present, workload by workload),
/// the RBM's GEMM shapes on both backends alternately, and one table of medians. Absolute figures drift with the machine's
/// load; the ratios come from runs side by side, so they hold better.
/// </summary>
public static class BenchSuite
{
    /// <summary>Multiply-adds ×2 per training sample of each workload: what "fraction of GEMM peak" divides by.</summary>
    private static readonly Dictionary<string, double> FlopsPerSample = new()
    {
        // CD-1: v·Wᵀ, h·W, v′·Wᵀ and the stacked weight statistics (inner dimension 2·batch) — four 784×500 products.
        ["rbm"] = 4 * 2.0 * 784 * 500,
        // Forward 2·w, backward 4·w per weight (dX and dW), minus the first layer's unused dX; w = 1,662,000 weights.
        ["mlp"] = 6 * 1_662_000.0 - 2 * 784 * 500,
        // conv1 117,600 + conv2 240,000 + dense 58,920 multiply-adds forward; backward twice that, less conv1's dX.
        ["lenet"] = 2 * (3 * (117_600 + 240_000 + 58_920) - 117_600),
    };

    private static readonly string[] Workloads = ["rbm", "lenet", "mlp"];

    public static int Run(CommandLine args, TextWriter output)
    {
        BenchCommand.SelectBackend(args);
        int rounds = args.Int("rounds", 3);
        int? limit = args.OptionalInt("limit");
        if (rounds < 1)
        {
            throw new ArgumentException("--rounds must be at least 1.");
        }

        TorchBaseline? torch = null;
        string torchNote = "not run (--no-torch)";
        if (!args.Flag("no-torch"))
        {
            torch = TorchBaseline.Find(args.String("torch-script"), out string reason);
            torchNote = torch is null ? $"not run: {reason}" : $"PyTorch {torch.Version}";
        }

        output.WriteLine(Describe(torchNote));
        output.Flush();

        GemmBackend backend = Gemm.Backend;
        var shapes = new GemmShapes();
        (double peak, string peakBackend) = MeasurePeak(shapes);
        Gemm.Use(backend);

        var ours = Workloads.ToDictionary(w => w, _ => new List<double>());
        var theirs = Workloads.ToDictionary(w => w, _ => new List<double>());
        var ratios = Workloads.ToDictionary(w => w, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (string workload in Workloads)
            {
                BenchResult result = workload switch
                {
                    "rbm" => BenchCommand.Rbm(limit, 1, warmUp: round == 0),
                    "lenet" => BenchCommand.LeNet(limit, 1, warmUp: round == 0),
                    _ => BenchCommand.Mlp(limit, 1, warmUp: round == 0),
                };
                ours[workload].Add(result.SamplesPerSecond);
                if (torch is not null)
                {
                    double reference = torch.Run(workload);
                    theirs[workload].Add(reference);
                    ratios[workload].Add(result.SamplesPerSecond / reference);
                }
            }
        }

        output.WriteLine();
        output.WriteLine(F($"GEMM peak: {peak:F0} GFLOP/s ({GemmShapes.Peak.Name}, {peakBackend}, median of 5 blocks)"));
        output.WriteLine();
        output.WriteLine(F($"| workload | samples/s | GFLOP/s | of GEMM peak | PyTorch samples/s | ours / PyTorch |"));
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (string workload in Workloads)
        {
            double rate = GemmShapes.Median(ours[workload]);
            double gflops = rate * FlopsPerSample[workload] / 1e9;
            string reference = theirs[workload].Count == 0 ? "–" : F($"{GemmShapes.Median(theirs[workload]):N0}");
            string ratio = ratios[workload].Count == 0 ? "–" : F($"{GemmShapes.Median(ratios[workload]):F2}×");
            output.WriteLine(F($"| {workload} | {rate:N0} | {gflops:F1} | {100 * gflops / peak:F0}% | {reference} | {ratio} |"));
        }

        output.WriteLine();
        WriteGemmShapes(output, shapes, rounds);
        Gemm.Use(backend);
        output.WriteLine();
        output.WriteLine(F($"Medians of {rounds} alternating round(s); {Workloads.Length} workloads × {(limit is int n ? $"{n:N0}" : "60,000")} MNIST training images, one epoch each."));
        return 0;
    }

    /// <summary>The RBM's three products on the managed kernel and on OpenBLAS alternately, and the ratio per round.</summary>
    private static void WriteGemmShapes(TextWriter output, GemmShapes shapes, int rounds)
    {
        bool openBlas = TryUse(GemmBackend.OpenBlas);
        output.WriteLine("| RBM GEMM shape | managed GFLOP/s | OpenBLAS GFLOP/s | managed / OpenBLAS |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (GemmShape shape in GemmShapes.Rbm)
        {
            var managed = new List<double>();
            var blas = new List<double>();
            var ratio = new List<double>();
            for (int round = 0; round < Math.Max(3, rounds); round++)
            {
                Gemm.Use(GemmBackend.Managed);
                managed.Add(shapes.Measure(shape, blocks: 3));
                if (openBlas)
                {
                    Gemm.Use(GemmBackend.OpenBlas);
                    blas.Add(shapes.Measure(shape, blocks: 3));
                    ratio.Add(managed[^1] / blas[^1]);
                }
            }

            output.WriteLine(openBlas
                ? F($"| {shape.Name} | {GemmShapes.Median(managed):F1} | {GemmShapes.Median(blas):F1} | {100 * GemmShapes.Median(ratio):F0}% |")
                : F($"| {shape.Name} | {GemmShapes.Median(managed):F1} | – | – |"));
        }
    }

    private static (double GFlops, string Backend) MeasurePeak(GemmShapes shapes)
    {
        (double, string) best = (0, "");
        foreach (GemmBackend candidate in new[] { GemmBackend.OpenBlas, GemmBackend.Managed })
        {
            if (TryUse(candidate))
            {
                double gflops = shapes.Measure(GemmShapes.Peak, blocks: 5);
                if (gflops > best.Item1)
                {
                    best = (gflops, candidate.ToString());
                }
            }
        }

        return best;
    }

    private static bool TryUse(GemmBackend backend)
    {
        try
        {
            Gemm.Use(backend);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Describe(string torchNote)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString();
        string coreType = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is { Length: > 0 } t ? t : "(unset)";
        return F($"deepnet bench all: {cpu}, {Environment.ProcessorCount} threads, vectors {Simd.Describe(Simd.Width)} (widest {Simd.Describe(Simd.Widest)}), ")
            + F($"GEMM {Gemm.Backend}, OPENBLAS_CORETYPE={coreType}, {torchNote}");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
