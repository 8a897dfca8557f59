using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using DeepNet.Tests;
using System.Text;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// DeepNet.Server from its build output, run as a real Kestrel process (<c>dotnet DeepNet.Server.dll</c>)
/// on a free loopback port with a data directory of its own, so a real browser can reach it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string ServerAssembly = "DeepNet.Server.dll";
    private const int MaxOutputLines = 400;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private ServerProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    /// <summary>The last lines the server wrote to stdout/stderr, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>The server's resident set size now (VmRSS of /proc), in bytes.</summary>
    public long ResidentBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] is var kilobytes ? long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024 : 0;

    /// <param name="startupTimeout">How long to wait for /health.</param>
    /// <param name="settings">Configuration over appsettings, as environment variables ("Jobs__MaxModelMB" → "64").</param>
    /// <param name="listenBy">How the server is told its address (a user's ways: --urls, ASPNETCORE_URLS, PORT).</param>
    public static async Task<ServerProcess> StartAsync(
        TimeSpan startupTimeout, IReadOnlyDictionary<string, string>? settings = null, ListenBy listenBy = ListenBy.UrlsArgument)
    {
        string serverDirectory = FindServerDirectory();
        int port = LoopbackPort.Free();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        string dataDirectory = Path.Combine(Path.GetTempPath(), $"deepnet-e2e-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);

        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = serverDirectory, // content root: wwwroot/ and appsettings*.json sit next to the dll
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(serverDirectory, ServerAssembly));
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Only the chosen way names the address (the test runner's own environment may carry one).
        startInfo.Environment.Remove("ASPNETCORE_URLS");
        startInfo.Environment.Remove("PORT");
        switch (listenBy)
        {
            case ListenBy.UrlsArgument:
                startInfo.ArgumentList.Add("--urls");
                startInfo.ArgumentList.Add(baseAddress.GetLeftPart(UriPartial.Authority));
                break;
            case ListenBy.UrlsVariable:
                startInfo.Environment["ASPNETCORE_URLS"] = baseAddress.GetLeftPart(UriPartial.Authority);
                break;
            case ListenBy.PortVariable:
                baseAddress = new Uri($"http://localhost:{port}/");
                startInfo.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
        }

        startInfo.Environment["Storage__DataDirectory"] = dataDirectory;
        // The browser tests sign up and submit far faster than a person; the limits themselves are tested in the server tests.
        foreach (string policy in new[] { "Auth", "Submit", "Upload", "Try", "Join" })
        {
            startInfo.Environment[$"RateLimits__{policy}__PermitLimit"] = "100000";
            startInfo.Environment[$"RateLimits__{policy}__Window"] = "00:01:00";
        }
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var server = new ServerProcess(process, baseAddress, dataDirectory);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {startInfo.FileName} {ServerAssembly}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilHealthyAsync(startupTimeout);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // The process never started or has already gone.
        }
        finally
        {
            _process.Dispose();
            DeleteDataDirectory();
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"DeepNet.Server exited with code {_process.ExitCode} during startup.{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync("health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer during startup (migrations, JIT).
            }

            await Task.Delay(250);
        }

        throw new TimeoutException(
            $"DeepNet.Server did not report healthy at {BaseAddress}health within {timeout.TotalSeconds:0} s.{Environment.NewLine}{RecentOutput}");
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > MaxOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    private void DeleteDataDirectory()
    {
        // SQLite may hold the file for a moment after the process dies.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(DataDirectory))
                {
                    Directory.Delete(DataDirectory, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>
    /// The server's own build output (set at build time in the csproj), else this test's output,
    /// where the project reference also copies DeepNet.Server.dll and wwwroot/.
    /// </summary>
    internal static string FindServerDirectory()
    {
        var candidates = new List<string>();
        string? configured = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "DeepNetServerOutput")?.Value;
        if (!string.IsNullOrEmpty(configured))
        {
            candidates.Add(configured);
        }

        candidates.Add(AppContext.BaseDirectory);
        foreach (string directory in candidates)
        {
            if (File.Exists(Path.Combine(directory, ServerAssembly))
                && File.Exists(Path.Combine(directory, "DeepNet.Server.runtimeconfig.json"))
                && File.Exists(Path.Combine(directory, "wwwroot", "index.html")))
            {
                return directory;
            }
        }

        throw new FileNotFoundException(
            $"No runnable {ServerAssembly} (with its runtimeconfig and wwwroot/index.html) in: {string.Join(", ", candidates)}. Build the test project first.");
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        return "dotnet";
    }
}

/// <summary>How a test tells the server where to listen.</summary>
public enum ListenBy
{
    UrlsArgument,
    UrlsVariable,
    PortVariable,
}
