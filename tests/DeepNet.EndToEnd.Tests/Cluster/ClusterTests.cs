using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeepNet.Tests;
using Xunit.Abstractions;

namespace DeepNet.EndToEnd.Tests.Cluster;

/// <summary>
/// The cluster of tests/cluster/cluster.sh — web nodes that run no jobs and worker processes over one PostgreSQL
/// database — doing what the single machine does: every job runs once, and a worker killed mid-job costs nothing but time.
/// Skipped with a message where PostgreSQL or redis-server is not installed (<see cref="ClusterFactAttribute"/>).
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class ClusterTests(ITestOutputHelper output)
{
    private static readonly string[] Students = ["ada@deepnet.test", "bob@deepnet.test", "cy@deepnet.test"];

    /// <summary>Every process: heartbeats each second and a 6 s lease, so a killed worker's job moves on quickly.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Jobs__HeartbeatInterval"] = "00:00:01",
        ["Jobs__LeaseDuration"] = "00:00:06",
        ["Jobs__PollInterval"] = "00:00:00.500",
        ["Jobs__MaxQueuedPerUser"] = "40",
        ["RateLimits__Auth__PermitLimit"] = "100000",
        ["RateLimits__Auth__Window"] = "00:01:00",
        ["RateLimits__Submit__PermitLimit"] = "100000",
        ["RateLimits__Submit__Window"] = "00:01:00",
    };

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static object SmallJob(string name) => new
    {
        name,
        rbm = new { hiddenUnits = 16, batchSize = 20, epochs = 2, seed = 5 },
        data = new { classes = new[] { 1, 2 }, limit = 400, imageSize = 16 },
    };

    /// <summary>Deterministic, with a checkpoint after each of many short epochs.</summary>
    private static readonly object SeededJob = new
    {
        name = "seeded",
        rbm = new { hiddenUnits = 32, batchSize = 20, epochs = 40, seed = 11 },
        data = new { classes = new[] { 0, 1 }, limit = 600, imageSize = 16 },
    };

    [ClusterFact(NeedsRedis = true)]
    public async Task ThirtyJobsOfThreeStudentsOnTwoWebNodesAndThreeWorkersEachRunExactlyOnce()
    {
        await using var cluster = await LocalCluster.StartAsync(web: 2, workers: 3, Settings, redis: true);
        var clients = new List<HttpClient>();
        for (int i = 0; i < Students.Length; i++)
        {
            clients.Add(await cluster.ClientAsync(i % 2, Students[i]));
        }

        var ids = new List<Guid>();
        for (int i = 0; i < 30; i++)
        {
            ids.Add(await SubmitAsync(clients[i % Students.Length], SmallJob($"job {i}")));
        }

        var jobs = await cluster.WaitForJobsAsync(ids, j => j.Status is "Succeeded" or "Failed" or "Canceled", "every job finished", Timeout);
        Assert.All(jobs, j => Assert.Equal("Succeeded", j.Status));
        Assert.All(jobs, j => Assert.Equal(1, j.Claims));

        var claims = Claims(cluster.WorkerLogs());
        Assert.All(ids, id => Assert.Single(claims, c => c.JobId == id));
        var workersThatRan = claims.Select(c => c.Pid).Distinct().Count();
        output.WriteLine($"30 jobs, {workersThatRan} workers ran them: {string.Join(", ", claims.GroupBy(c => c.Pid).Select(g => $"{g.Key}: {g.Count()}"))}");
        Assert.True(workersThatRan >= 2, "the jobs were not shared between the workers");
    }

    [ClusterFact(NeedsRedis = true)]
    public async Task WorkerKilledMidJobIsReplacedAndTheJobEndsWithTheWeightsOfAnUninterruptedRun()
    {
        await using var cluster = await LocalCluster.StartAsync(web: 2, workers: 3, Settings, redis: true);
        using var student = await cluster.ClientAsync(1, Students[0]);
        var interrupted = await SubmitAsync(student, SeededJob);
        // Web node 1 (index 0) runs no jobs and the job was submitted on node 2: its live progress reaches node 1's
        // watcher from a worker process through Redis.
        await using var watcher = await HubWatcher.ConnectAsync(cluster.WebNodes[0], student.DefaultRequestHeaders.Authorization!.Parameter!);
        await watcher.WatchJobAsync(interrupted.ToString());
        // With Redis a live update may arrive just before the Snapshot (which then includes it); both must arrive.
        await watcher.WaitUntilAsync(
            m => m.Any(x => x.Name == "Snapshot") && m.Count(x => x.Name == "Progress") >= 2 && m.Any(x => x.Name == "EpochCompleted"),
            Timeout, "the snapshot and live progress on web node 1");
        var running = Assert.Single(await cluster.WaitForJobsAsync([interrupted], j => j.Status == "Running" && j.ProgressEpoch >= 2, "two epochs checkpointed", Timeout));
        int victim = PidOf(running.LeaseOwner!);
        Assert.Contains(victim, cluster.WorkerPids().Values);
        using (var process = Process.GetProcessById(victim))
        {
            process.Kill(); // SIGKILL: no shutdown, no release of the lease
        }

        output.WriteLine($"killed worker {victim} after epoch {running.ProgressEpoch}");
        var taken = Assert.Single(await cluster.WaitForJobsAsync([interrupted], j => j.Status is "Succeeded" or "Failed" or "Canceled", "the job finished elsewhere", Timeout));
        Assert.Equal("Succeeded", taken.Status);
        Assert.Equal(2, taken.Claims);
        Assert.NotNull(taken.ResumedFromEpoch);
        var claims = Claims(cluster.WorkerLogs()).Where(c => c.JobId == interrupted).ToList();
        // One claim by the killed worker, one by the worker that took over (the logs are read per file, not in time order).
        Assert.Equal(2, claims.Count);
        Assert.Single(claims, c => c.Pid == victim);

        var uninterrupted = await SubmitAsync(student, SeededJob);
        var reference = Assert.Single(await cluster.WaitForJobsAsync([uninterrupted], j => j.Status is "Succeeded" or "Failed" or "Canceled", "the reference run finished", Timeout));
        Assert.Equal("Succeeded", reference.Status);
        Assert.Equal(1, reference.Claims);
        Assert.Equal(await WeightsAsync(student, reference.ModelId!.Value), await WeightsAsync(student, taken.ModelId!.Value));
    }

    /// <summary>
    /// Not a pass/fail test of speed: the wall time of one batch of jobs on 1 worker and on 3, written to the output
    /// (<c>DEEPNET_BENCH=1 dotnet test … --logger "console;verbosity=detailed"</c>). Each process computes on one core
    /// (OPENBLAS_NUM_THREADS=1, DOTNET_PROCESSOR_COUNT=1 for .NET's parallel loops), so 3 workers bring 3 cores' worth of
    /// jobs; on 2 cores they cannot be 3 times faster.
    /// </summary>
    [ClusterFact(Benchmark = true)]
    [Trait("Category", "Benchmark")]
    public async Task ThroughputOfOneAndThreeWorkers()
    {
        const int jobs = 12;
        var seconds = new Dictionary<int, double>();
        foreach (int workers in new[] { 1, 3 })
        {
            var settings = new Dictionary<string, string>(Settings) { ["Jobs__MaxRunningPerUser"] = "4", ["OPENBLAS_NUM_THREADS"] = "1", ["DOTNET_PROCESSOR_COUNT"] = "1" };
            await using var cluster = await LocalCluster.StartAsync(web: 1, workers, settings);
            var clients = new List<HttpClient>();
            foreach (string student in Students)
            {
                clients.Add(await cluster.ClientAsync(0, student));
            }

            var clock = Stopwatch.StartNew();
            var ids = new List<Guid>();
            for (int i = 0; i < jobs; i++)
            {
                ids.Add(await SubmitAsync(clients[i % clients.Count], new
                {
                    name = $"batch {i}",
                    // Seconds of compute each, so the batch measures training rather than claiming and polling.
                    rbm = new { hiddenUnits = 200, batchSize = 20, epochs = 4, seed = i },
                    data = new { limit = 10000, imageSize = 28 },
                }));
            }

            var done = await cluster.WaitForJobsAsync(ids, j => j.Status is "Succeeded" or "Failed" or "Canceled", "the batch finished", Timeout);
            Assert.All(done, j => Assert.Equal("Succeeded", j.Status));
            seconds[workers] = clock.Elapsed.TotalSeconds;
            double concurrency = await cluster.RunSecondsAsync(ids) / seconds[workers];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{workers} worker(s): {jobs} jobs in {seconds[workers]:0.0} s = {jobs / seconds[workers]:0.00} jobs/s, {jobs / seconds[workers] / workers:0.00} jobs/s per worker, {concurrency:0.00} jobs running at once on average"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speed-up of 3 workers over 1: {seconds[1] / seconds[3]:0.00}× (on {Environment.ProcessorCount} cores)"));
    }

    private static async Task<Guid> SubmitAsync(HttpClient client, object job)
    {
        using var response = await client.PostAsJsonAsync("/api/jobs", job);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submit: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    private static async Task<byte[]> WeightsAsync(HttpClient client, Guid modelId) =>
        SafeTensorsTestFile.Split(await client.GetByteArrayAsync($"/api/models/{modelId}/file")).Data;

    /// <summary>The worker id is host/pid/slot/random (JobClaims.NewWorkerId).</summary>
    private static int PidOf(string workerId) => int.Parse(workerId.Split('/')[^3], CultureInfo.InvariantCulture);

    /// <summary>Every "Worker … claimed job …" line of the workers' logs.</summary>
    private static List<(int Pid, Guid JobId)> Claims(string logs) =>
        ClaimLine().Matches(logs).Select(m => (PidOf(m.Groups[1].Value), Guid.Parse(m.Groups[2].Value))).ToList();

    [GeneratedRegex(@"Worker (\S+) claimed job ([0-9a-f-]{36})\.")]
    private static partial Regex ClaimLine();
}
