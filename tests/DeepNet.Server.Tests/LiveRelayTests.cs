using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepNet.Server.Tests;

/// <summary>
/// The live feed over a real redis-server: a process started mid-job serves the live state other processes stored, then
/// follows their events; with Redis unreachable the server is Degraded and trains on. (Two server processes watching each
/// other: the end-to-end CrossProcessLiveTests.)
/// </summary>
public sealed class LiveRelayTests
{
    [RedisFact]
    public async Task AProcessStartedMidJobServesTheLiveStateAnotherProcessStoredAndFollowsItsEvents()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = new RedisConnection(RedisConnection.Options(redis.Connection), NullLogger<RedisConnection>.Instance);
        var remote = new LiveRelay(connection);
        var jobId = Guid.NewGuid();
        remote.Forward(new LiveEvent(remote.Origin, jobId, Progress: Progress(batch: 7)));
        remote.Forward(new LiveEvent(remote.Origin, jobId, Epoch: new EpochMetricDto(1, 0.5f, 1000, 2)));
        remote.Forward(new LiveEvent(remote.Origin, jobId, Image: new ImageMessage(jobId, "filters", "AAAA", 3)));
        await connection.Multiplexer.GetDatabase().PingAsync(); // the fire-and-forget commands before it are done

        await using var app = new TestApp(settings: new Dictionary<string, string> { [RedisServiceExtensions.ConnectionKey] = redis.Connection });
        using var client = app.CreateClient();
        var feed = app.Services.GetRequiredService<JobLiveFeed>();
        await Until(() => feed.GetProgress(jobId) is not null, "the stored progress to load");
        Assert.Equal(7, feed.GetProgress(jobId)!.Batch);
        Assert.Equal(3, feed.GetImage(jobId, "filters")!.Version);

        // Then the remote process's events, in order; a late older image does not replace a newer one.
        remote.Forward(new LiveEvent(remote.Origin, jobId, Progress: Progress(batch: 8)));
        remote.Forward(new LiveEvent(remote.Origin, jobId, Image: new ImageMessage(jobId, "filters", "BBBB", 4)));
        remote.Forward(new LiveEvent(remote.Origin, jobId, Image: new ImageMessage(jobId, "filters", "CCCC", 2)));
        remote.Forward(new LiveEvent(remote.Origin, jobId, Progress: Progress(batch: 9)));
        await Until(() => feed.GetProgress(jobId)?.Batch == 9, "the remote progress to arrive");
        Assert.Equal(4, feed.GetImage(jobId, "filters")!.Version);

        // The job leaving Running removes its live state here and in Redis.
        var job = await app.SubmitAsync(TestApp.SmallJob(epochs: 1));
        await app.WaitForJobAsync(job.Id, j => j.Status == JobStatus.Succeeded, "succeeded");
        remote.Forward(new LiveEvent(remote.Origin, jobId, Status: job with { Id = jobId }));
        await Until(() => feed.GetProgress(jobId) is null, "the finished job's live state to go");
        Assert.False(await connection.Multiplexer.GetDatabase().KeyExistsAsync($"deepnet:live:job:{jobId:D}"));

        using var health = JsonDocument.Parse(await client.GetStringAsync("/health"));
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("redis").GetString());
    }

    [Fact]
    public async Task WithRedisUnreachableTheServerIsDegradedAndTrainsOn()
    {
        int closedPort = LoopbackPort.Free();
        await using var app = new TestApp(settings: new Dictionary<string, string>
        {
            [RedisServiceExtensions.ConnectionKey] = $"127.0.0.1:{closedPort},connectTimeout=1000",
        });
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("Degraded", health.RootElement.GetProperty("checks").GetProperty("redis").GetString());

        using var created = await client.PostAsJsonAsync("/api/jobs", TestApp.SmallJob(epochs: 2), TestApp.Json);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var job = (await created.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        JobDto read;
        do
        {
            await Task.Delay(200);
            read = (await client.GetFromJsonAsync<JobDto>($"/api/jobs/{job.Id}", TestApp.Json))!;
        }
        while (read.Status is JobStatus.Queued or JobStatus.Running && stopwatch.Elapsed < TestApp.Timeout);

        Assert.Equal(JobStatus.Succeeded, read.Status);
        Assert.Equal(2, read.History.Count);
    }

    private static ProgressDto Progress(int batch) => new(1, 5, batch, 50, batch / 250.0, 0.5f, 1000, 10);

    private static async Task Until(Func<bool> condition, string what)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"Waited 30 s for {what}.");
            await Task.Delay(50);
        }
    }
}
