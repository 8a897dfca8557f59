using DeepNet.Tests;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace DeepNet.EndToEnd.Tests.Cluster;

/// <summary>
/// A loopback cluster started by <c>tests/cluster/cluster.sh</c> over the server's build output: PostgreSQL, optionally
/// Redis, web nodes and worker processes sharing one database and data directory. Disposing stops all of it.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public const string Password = "Deep-net-2026";

    private readonly string _directory;
    private readonly Dictionary<string, string> _values;

    private LocalCluster(string directory, Dictionary<string, string> values)
    {
        _directory = directory;
        _values = values;
        WebNodes = values["WEB_URLS"].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u)).ToList();
    }

    public IReadOnlyList<Uri> WebNodes { get; }

    public string Database => _values["DATABASE"];

    /// <summary>Whether redis-server is installed (the cluster then runs with it, as in production).</summary>
    public static bool RedisInstalled => RedisServer.Executable is not null;

    /// <summary>Starts <paramref name="web"/> web nodes and <paramref name="workers"/> workers; <paramref name="settings"/> reach every process.</summary>
    public static async Task<LocalCluster> StartAsync(int web, int workers, IReadOnlyDictionary<string, string>? settings = null, bool redis = false)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"deepnet-cluster-{Guid.NewGuid():N}");
        var arguments = new List<string> { "start", directory, "--web", $"{web}", "--workers", $"{workers}", "--server-dir", ServerProcess.FindServerDirectory() };
        if (redis)
        {
            arguments.Add("--redis");
        }

        var (exit, output) = await ScriptAsync(arguments, settings);
        if (exit != 0)
        {
            await ScriptAsync(["stop", directory], null);
            throw new InvalidOperationException($"cluster.sh start failed ({exit}):\n{output}");
        }

        var values = File.ReadAllLines(Path.Combine(directory, "cluster.env"))
            .Select(line => line.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('"'), StringComparer.Ordinal);
        return new LocalCluster(directory, values);
    }

    /// <summary>A client of web node <paramref name="node"/> signed in as <paramref name="email"/> (registered on first use).</summary>
    public async Task<HttpClient> ClientAsync(int node, string email)
    {
        var client = new HttpClient { BaseAddress = WebNodes[node], Timeout = TimeSpan.FromMinutes(2) };
        using var registered = await client.PostAsJsonAsync("/api/auth/register", new { email, password = Password });
        Assert.True(registered.IsSuccessStatusCode, $"register {email}: {(int)registered.StatusCode}");
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
        Assert.True(login.IsSuccessStatusCode, $"login {email}: {(int)login.StatusCode}");
        string token = JsonDocument.Parse(await login.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString()!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Pid of each worker process by name (worker1, worker2...).</summary>
    public IReadOnlyDictionary<string, int> WorkerPids() =>
        Directory.GetFiles(Path.Combine(_directory, "pids"), "worker*.pid")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Everything the worker processes logged so far.</summary>
    public string WorkerLogs() =>
        string.Join('\n', Directory.GetFiles(Path.Combine(_directory, "logs"), "worker*.log").Select(ReadShared));

    /// <summary>The job rows the test asks about, straight from the shared database.</summary>
    public async Task<IReadOnlyList<JobRow>> JobsAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "Id", "Status", "Claims", "LeaseOwner", "ProgressEpoch", "ModelId", "ResumedFromEpoch" FROM "Jobs" WHERE "Id" = ANY(@ids)""", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var rows = new List<JobRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new JobRow(
                reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetInt32(6)));
        }

        return rows;
    }

    /// <summary>The summed run time (start to finish) of the jobs: divided by the wall time, how many ran at once on average.</summary>
    public async Task<double> RunSecondsAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT COALESCE(SUM(EXTRACT(EPOCH FROM "FinishedAt" - "StartedAt")), 0)::float8 FROM "Jobs" WHERE "Id" = ANY(@ids)""", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return (double)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls the database until <paramref name="condition"/> holds for every job.</summary>
    public async Task<IReadOnlyList<JobRow>> WaitForJobsAsync(IReadOnlyCollection<Guid> ids, Func<JobRow, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var rows = await JobsAsync(ids);
            if (rows.Count == ids.Count && rows.All(condition))
            {
                return rows;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}: {string.Join(", ", rows.Select(r => $"{r.Status}/{r.Claims}"))}\n{WorkerLogs()[^Math.Min(4000, WorkerLogs().Length)..]}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ScriptAsync(["stop", _directory], null);
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

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    private static async Task<(int Exit, string Output)> ScriptAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? settings)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "cluster", "cluster.sh"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(ServerProcess.FindServerDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "tests", "cluster", "cluster.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("tests/cluster/cluster.sh not found above the server's build output.");
    }
}

/// <summary>What the cluster tests read of a job row.</summary>
public sealed record JobRow(Guid Id, string Status, int Claims, string? LeaseOwner, int? ProgressEpoch, Guid? ModelId, int? ResumedFromEpoch);
