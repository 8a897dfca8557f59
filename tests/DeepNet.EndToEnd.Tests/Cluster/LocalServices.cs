using System.Diagnostics;
using DeepNet.Tests;

namespace DeepNet.EndToEnd.Tests.Cluster;

/// <summary>A throwaway PostgreSQL cluster started with the repository's <c>.ci/postgres</c> on a free loopback port.</summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _directory;

    private PostgresCluster(string directory, string connection)
    {
        _directory = directory;
        Connection = connection;
    }

    /// <summary>The repository's <c>.ci/postgres</c>, found above the test's output directory.</summary>
    public static string? Script { get; } = FindScript();

    /// <summary>A connection string without a database: each server names its own (EF Core creates it on migrating).</summary>
    public string Connection { get; }

    public static async Task<PostgresCluster> StartAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"deepnet-pg-{Guid.NewGuid():N}");
        var (code, output) = await RunAsync("start", directory);
        return code == 0
            ? new PostgresCluster(directory, output.Trim().Split('\n')[^1])
            : throw new InvalidOperationException($".ci/postgres start failed ({code}): {output}");
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("stop", _directory);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string action, string directory)
    {
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(Script!);
        startInfo.ArgumentList.Add(action);
        startInfo.ArgumentList.Add(directory);
        startInfo.Environment["DEEPNET_PG_PORT"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(startInfo)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private static string? FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, ".ci", "postgres");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
