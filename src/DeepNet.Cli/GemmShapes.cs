using System.Diagnostics;
using DeepNet.Numerics;

namespace DeepNet.Cli;

/// <summary>One GEMM call C[m×n] ← op(A)·op(B) + β·C of a benchmark.</summary>
public sealed record GemmShape(string Name, Transpose TransA, Transpose TransB, int M, int N, int K, float Beta)
{
    public double Flops => 2.0 * M * N * K;
}

/// <summary>Times GEMM shapes on whichever backend <see cref="Gemm"/> currently runs, on random operands it owns.</summary>
public sealed class GemmShapes
{
    private const int Batch = 100, Visible = 784, Hidden = 500, PeakSide = 1024;

    /// <summary>The three products of a 784→500 RBM step with batch 100 (the weight update accumulates, β = 1).</summary>
    public static readonly GemmShape[] Rbm =
    [
        new("v·Wᵀ   100×784·784×500", Transpose.No, Transpose.Yes, Batch, Hidden, Visible, 0f),
        new("h·W    100×500·500×784", Transpose.No, Transpose.No, Batch, Visible, Hidden, 0f),
        new("hᵀ·v   500×100·100×784", Transpose.Yes, Transpose.No, Hidden, Visible, Batch, 1f),
    ];

    /// <summary>A square product large enough that any backend runs near its best: the machine's "GEMM peak".</summary>
    public static readonly GemmShape Peak = new($"square {PeakSide}³", Transpose.No, Transpose.No, PeakSide, PeakSide, PeakSide, 0f);

    private readonly float[] _a = Random(PeakSide * PeakSide, 1);
    private readonly float[] _b = Random(PeakSide * PeakSide, 2);
    private readonly float[] _c = new float[PeakSide * PeakSide];

    /// <summary>Median GFLOP/s over <paramref name="blocks"/> timed blocks of about 50 ms each, after 0.3 s untimed.</summary>
    public double Measure(GemmShape shape, int blocks) => MeasureWallAndCpu(shape, blocks).Wall;

    /// <summary>
    /// Medians of GFLOP per wall-clock second and per CPU second of this process: on a machine shared with other work the
    /// second moves much less, since time spent waiting for a core is not counted.
    /// </summary>
    public (double Wall, double Cpu) MeasureWallAndCpu(GemmShape shape, int blocks)
    {
        int reps = Math.Max(1, (int)(0.05 * 50e9 / shape.Flops)); // ≈ 50 ms at 50 GFLOP/s
        var wall = new double[blocks];
        var cpu = new double[blocks];
        using var process = Process.GetCurrentProcess();
        long warmUp = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmUp).TotalSeconds < 0.3)
        {
            Run(shape, reps);
        }

        for (int block = 0; block < blocks; block++)
        {
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            Run(shape, reps);
            wall[block] = shape.Flops * reps / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
            process.Refresh();
            cpu[block] = shape.Flops * reps / (process.TotalProcessorTime - cpuStart).TotalSeconds / 1e9;
        }

        return (Median(wall), Median(cpu));
    }

    public static double Median(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private void Run(GemmShape s, int reps)
    {
        int lda = s.TransA == Transpose.No ? s.K : s.M;
        int ldb = s.TransB == Transpose.No ? s.N : s.K;
        for (int r = 0; r < reps; r++)
        {
            Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1f, _a, lda, _b, ldb, s.Beta, _c, s.N);
        }
    }

    private static float[] Random(int count, ulong seed)
    {
        var values = new float[count];
        new Xoshiro256StarStar(seed).FillUniform(values);
        return values;
    }
}
