using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DeepNet.Server.Tests;

/// <summary>
/// The server on an isolated SQLite file in a temporary data directory (reusable across restarts), or, with
/// <c>DEEPNET_TEST_DATABASE=postgres</c>, on a PostgreSQL database of its own named after that directory on the server
/// <c>DEEPNET_TEST_POSTGRES</c> names (created by the app's migrations, dropped with the directory). Clients from
/// <see cref="WebApplicationFactory{TEntryPoint}.CreateClient()"/> are signed in as <see cref="DefaultUser"/> with a real
/// Identity bearer token; <see cref="CreateClientAsync"/> signs in anyone else.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public const string DefaultUser = "student@deepnet.test";
    public const string Password = "Deep-net-2026";

    /// <summary>
    /// The one bound on every wait of the server tests (jobs, experiments, hub messages). It only guards against a hang:
    /// waits end on the event they wait for, so it is generous for a loaded 2-core machine.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly bool _ownsDirectory;
    private readonly Dictionary<string, string> _tokens = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _tokensLock = new(1, 1);

    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly TimeProvider? _clock;

    /// <param name="dataDirectory">A directory to reuse (restart tests); a new temporary one by default.</param>
    /// <param name="settings">Configuration entries over appsettings ("Jobs:MaxQueuedPerUser" → "60").</param>
    /// <param name="clock">The server's clock; the system's by default.</param>
    public TestApp(string? dataDirectory = null, IReadOnlyDictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? NewDataDirectory();
        _settings = settings ?? new Dictionary<string, string>();
        _clock = clock;
    }

    public string DataDirectory { get; }

    public static JsonSerializerOptions Json => JsonDefaults.Options;

    public static string NewDataDirectory() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "deepnet-server-tests", Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>True when the tests run on PostgreSQL (<c>DEEPNET_TEST_DATABASE=postgres</c>).</summary>
    public static bool OnPostgres { get; } =
        string.Equals(Environment.GetEnvironmentVariable("DEEPNET_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The PostgreSQL server's connection string (no database): <c>DEEPNET_TEST_POSTGRES</c>, default the one <c>.ci/postgres</c> starts.</summary>
    private static string PostgresServer =>
        Environment.GetEnvironmentVariable("DEEPNET_TEST_POSTGRES") is { Length: > 0 } configured ? configured : "Host=127.0.0.1;Port=55432;Username=postgres";

    /// <summary>The connection string of the PostgreSQL database that belongs to <paramref name="directory"/>.</summary>
    public static string PostgresConnectionString(string directory)
    {
        string name = "deepnet_" + new string(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)).ToLowerInvariant()
            .Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name[..Math.Min(name.Length, 63)] }.ConnectionString;
    }

    public static void DeleteDataDirectory(string directory)
    {
        SqliteConnection.ClearAllPools();
        if (OnPostgres)
        {
            DropPostgresDatabase(directory);
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void DropPostgresDatabase(string directory)
    {
        var database = new NpgsqlConnectionStringBuilder(PostgresConnectionString(directory));
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres", Pooling = false }.ConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"""DROP DATABASE IF EXISTS "{database.Database}" WITH (FORCE)""", connection);
        drop.ExecuteNonQuery();
    }

    /// <summary>A few seconds of training: 1000 digits 1–3 at 16×16, 16 hidden units.</summary>
    public static object SmallJob(int epochs = 5, string name = "small") => new
    {
        name,
        rbm = new { hiddenUnits = 16, k = 1, learningRate = 0.1, batchSize = 20, epochs, seed = 7 },
        data = new { classes = new[] { 1, 2, 3 }, limit = 1000, imageSize = 16 },
    };

    /// <summary>A job that would run for minutes: for cancel, restart and live-update tests.</summary>
    public static object LongJob(string name = "long") => new
    {
        name,
        rbm = new { hiddenUnits = 25, batchSize = 10, epochs = 1000 },
        data = new { limit = 5000, imageSize = 28 },
    };

    public async Task<JobDto> SubmitAsync(object body)
    {
        var response = await CreateClient().PostAsJsonAsync("/api/jobs", body, Json);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JobDto>(Json);
        Assert.NotNull(job);
        Assert.Equal($"/api/jobs/{job.Id}", response.Headers.Location?.OriginalString);
        return job;
    }

    public async Task<JobDto> GetJobAsync(Guid id)
    {
        var job = await CreateClient().GetFromJsonAsync<JobDto>($"/api/jobs/{id}", Json);
        Assert.NotNull(job);
        return job;
    }

    /// <summary>Waits on the job's hub messages (see <see cref="JobEvents"/>) until <paramref name="condition"/> holds.</summary>
    public Task<JobDto> WaitForJobAsync(Guid id, Func<JobDto, bool> condition, string what) =>
        JobEvents.WaitAsync(this, id, () => GetJobAsync(id), condition, what);

    public Task<JobDto> WaitForStatusAsync(Guid id, JobStatus status) =>
        WaitForJobAsync(id, j => j.Status == status, $"became {status}");

    /// <summary>A bearer token of <paramref name="email"/> (registered on first use with <see cref="Password"/>), cached per app.</summary>
    public async Task<string> AccessTokenAsync(string email = DefaultUser)
    {
        await _tokensLock.WaitAsync();
        try
        {
            if (_tokens.TryGetValue(email, out var cached))
            {
                return cached;
            }

            using var anonymous = CreateAnonymousClient();
            using var registered = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = Password });
            string registration = await registered.Content.ReadAsStringAsync();
            // A taken address answers like a new one, so registering on every first use is harmless.
            Assert.True(registered.IsSuccessStatusCode, $"register {email}: {(int)registered.StatusCode} {registration}");
            using var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = Password });
            string body = await login.Content.ReadAsStringAsync();
            Assert.True(login.IsSuccessStatusCode, $"login {email}: {(int)login.StatusCode} {body}");
            string token = JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!;
            _tokens[email] = token;
            return token;
        }
        finally
        {
            _tokensLock.Release();
        }
    }

    /// <summary>The Identity user id of <paramref name="email"/> (registered on first use), for rows a test stores directly.</summary>
    public async Task<string> UserIdAsync(string email = DefaultUser)
    {
        await AccessTokenAsync(email);
        using var scope = Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
        return user?.Id ?? throw new InvalidOperationException($"{email} was registered but cannot be found.");
    }

    /// <summary>A client signed in as <paramref name="email"/> (registered on first use).</summary>
    public async Task<HttpClient> CreateClientAsync(string email)
    {
        string token = await AccessTokenAsync(email);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client that is signed in as nobody.</summary>
    /// <param name="remoteAddress">The client address the server sees (see <see cref="TestRemoteAddress"/>); none by default.</param>
    public HttpClient CreateAnonymousClient(string? remoteAddress = null)
    {
        var client = Server.CreateClient();
        client.BaseAddress = new Uri("http://localhost");
        if (remoteAddress is not null)
        {
            client.DefaultRequestHeaders.Add(TestRemoteAddress.Header, remoteAddress);
        }

        return client;
    }

    /// <summary>A SignalR connection (long polling through the test server) to <paramref name="path"/> as <paramref name="email"/>; null signs in as nobody.</summary>
    public HubConnection CreateHubConnection(string path, string? email = DefaultUser) => new HubConnectionBuilder()
        .WithUrl(new Uri(Server.BaseAddress, path.TrimStart('/')), options =>
        {
            options.Transports = HttpTransportType.LongPolling;
            options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
            if (email is not null)
            {
                options.AccessTokenProvider = async () => await AccessTokenAsync(email);
            }
        })
        .AddJsonProtocol(options => JsonDefaults.Apply(options.PayloadSerializerOptions))
        .Build();

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        // Run off the caller's context: CreateClient is synchronous, signing in is not.
        string token = Task.Run(() => AccessTokenAsync()).GetAwaiter().GetResult();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        if (OnPostgres)
        {
            builder.UseSetting(DatabaseSettings.ProviderKey, "postgres");
            builder.UseSetting($"ConnectionStrings:{DatabaseSettings.ConnectionStringName}", PostgresConnectionString(DataDirectory));
        }

        // Tests register many users and submit many jobs from one address in seconds; RateLimitTests sets its own limits.
        foreach (string policy in new[] { "Auth", "Submit", "Upload", "Try", "Join" })
        {
            builder.UseSetting($"RateLimits:{policy}:PermitLimit", "100000");
            builder.UseSetting($"RateLimits:{policy}:Window", "00:01:00");
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter, TestRemoteAddress>();
            if (_clock is not null)
            {
                services.AddSingleton(_clock);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDirectory)
        {
            DeleteDataDirectory(DataDirectory);
        }
    }
}

/// <summary>A test of SQLite itself (its file, its vacuum): skipped when the tests run on PostgreSQL.</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestApp.OnPostgres)
        {
            Skip = "a SQLite test; the tests run on PostgreSQL (DEEPNET_TEST_DATABASE=postgres)";
        }
    }
}

/// <summary>
/// Polling, for the few conditions the app signals no event for (the Gibbs sampler's count of running streams); jobs
/// and hub messages are awaited through <see cref="JobEvents"/>.
/// </summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TestApp.Timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out: {describe()}");
            }

            await Task.Delay(50);
        }
    }
}
