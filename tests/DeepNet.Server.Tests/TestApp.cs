using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace DeepNet.Server.Tests;

/// <summary>The server on an isolated SQLite file in a temporary data directory (reusable across restarts).</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly bool _ownsDirectory;

    public TestApp(string? dataDirectory = null)
    {
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? NewDataDirectory();
    }

    public string DataDirectory { get; }

    public static JsonSerializerOptions Json => JsonDefaults.Options;

    public static string NewDataDirectory() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "deepnet-server-tests", Guid.NewGuid().ToString("N"))).FullName;

    public static void DeleteDataDirectory(string directory)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
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

    public async Task<JobDto> WaitForJobAsync(Guid id, Func<JobDto, bool> condition, string what)
    {
        JobDto job = await GetJobAsync(id);
        await Eventually.TrueAsync(
            async () =>
            {
                job = await GetJobAsync(id);
                return condition(job);
            },
            () => $"job {id} never {what}; last status {job.Status}, error '{job.Error}', {job.History.Count} epochs");
        return job;
    }

    public Task<JobDto> WaitForStatusAsync(Guid id, JobStatus status) =>
        WaitForJobAsync(id, j => j.Status == status, $"became {status}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
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
