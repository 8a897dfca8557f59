namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// A test of the cluster that tests/cluster/cluster.sh starts: skipped with a message where PostgreSQL is not
/// installed. <see cref="Benchmark"/> marks a measurement rather than a test, run only with <c>DEEPNET_BENCH=1</c>
/// (speed belongs to benchmarks, and a loaded CI machine measures nothing useful).
/// </summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    private string? _skip;

    public bool Benchmark { get; set; }

    public override string? Skip
    {
        get => _skip
            ?? (!Directory.Exists("/usr/lib/postgresql") ? "PostgreSQL is not installed (apt-get install postgresql)"
                : Benchmark && Environment.GetEnvironmentVariable("DEEPNET_BENCH") != "1" ? "a benchmark: run with DEEPNET_BENCH=1"
                : null);
        set => _skip = value;
    }
}
