using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DeepNet.EndToEnd.Tests.Cluster;

/// <summary>Skipped with a message when redis-server or PostgreSQL's server binaries are not installed.</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (RedisServer.Executable is null)
        {
            Skip = "redis-server is not installed (apt-get install -y redis-server); the cross-process live-update test needs it.";
        }
        else if (PostgresCluster.Script is null || !Directory.Exists("/usr/lib/postgresql"))
        {
            Skip = "PostgreSQL is not installed (apt-get install -y postgresql) or .ci/postgres is missing; the cross-process test needs it.";
        }
    }
}

/// <summary>
/// A throwaway redis-server of the test's own on a free loopback port (no persistence); the system service is never used.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static string? Executable { get; } = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for <c>Redis:Connection</c>.</summary>
    public string Connection => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        int port = LoopbackPort.Free();
        var startInfo = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("redis-server is not installed."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        var stopwatch = Stopwatch.StartNew();
        while (!await server.PingAsync())
        {
            if (process.HasExited || stopwatch.Elapsed > TimeSpan.FromSeconds(20))
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not answer PING on port {port}.");
            }

            await Task.Delay(100);
        }

        return server;
    }

    /// <summary>Stops the server (as an outage would), keeping the port for nobody.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            int read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

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

internal static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
