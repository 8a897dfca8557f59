using DeepNet.Tests;

namespace DeepNet.EndToEnd.Tests.Cluster;

/// <summary>
/// A test of several server processes over one PostgreSQL database: skipped with a message where PostgreSQL (or, with
/// <see cref="NeedsRedis"/>, redis-server) is not installed. <see cref="Benchmark"/> marks a measurement rather than a
/// test, run only with <c>DEEPNET_BENCH=1</c> (speed belongs to benchmarks, and a loaded CI machine measures nothing useful).
/// </summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    private string? _skip;

    public bool Benchmark { get; set; }

    public bool NeedsRedis { get; set; }

    public override string? Skip
    {
        get => _skip
            ?? (!Directory.Exists("/usr/lib/postgresql") || PostgresCluster.Script is null
                    ? "PostgreSQL is not installed (apt-get install -y postgresql) or .ci/postgres is missing"
                : NeedsRedis && RedisServer.Executable is null ? "redis-server is not installed (apt-get install -y redis-server)"
                : Benchmark && Environment.GetEnvironmentVariable("DEEPNET_BENCH") != "1" ? "a benchmark: run with DEEPNET_BENCH=1"
                : null);
        set => _skip = value;
    }
}
