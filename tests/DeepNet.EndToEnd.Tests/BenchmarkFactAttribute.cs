namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// A measurement, not a test: it runs only with <c>DEEPNET_BENCH=1</c> (speed belongs to benchmarks, and a loaded CI
/// machine measures nothing useful), and reports its figures in the test output.
/// </summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DEEPNET_BENCH") != "1")
        {
            Skip = "a benchmark: run with DEEPNET_BENCH=1";
        }
    }
}
