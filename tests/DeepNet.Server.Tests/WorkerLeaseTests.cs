using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>
/// Several job runners over one database (two servers sharing a data directory: one SQLite file, or one PostgreSQL
/// database): each job is claimed once, a cancel reaches the runner wherever it is, and a job whose lease is lost is
/// taken over from its checkpoint and ends with the weights of an uninterrupted run.
/// </summary>
[Trait("Category", "Slow")]
public sealed class WorkerLeaseTests
{
    private static readonly string[] Students = ["ada@deepnet.test", "bob@deepnet.test", "cy@deepnet.test"];

    /// <summary>A deterministic job with a checkpoint per short epoch.</summary>
    private static readonly object SeededJob = new
    {
        name = "seeded",
        rbm = new { hiddenUnits = 16, batchSize = 20, epochs = 30, seed = 11 },
        data = new { classes = new[] { 0, 1 }, limit = 400, imageSize = 16 },
    };

    /// <summary>Short heartbeats and leases so that a lost worker is noticed in seconds.</summary>
    private static Dictionary<string, string> Runners(int workers) => new()
    {
        ["Jobs:Workers"] = workers.ToString(CultureInfo.InvariantCulture),
        ["Jobs:HeartbeatInterval"] = "00:00:00.200",
        ["Jobs:LeaseDuration"] = "00:00:02",
        ["Jobs:PollInterval"] = "00:00:00.200",
        ["Jobs:MaxRunningPerUser"] = "4",
        ["Jobs:MaxQueuedPerUser"] = "60",
    };

    [Fact]
    public async Task TwoServersWithTwoRunnersEachRunEveryJobExactlyOnce()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            await using var first = new TestApp(directory, Runners(2));
            await using var second = new TestApp(directory, Runners(2));
            _ = first.Services;
            _ = second.Services;
            var ids = new List<Guid>();
            for (int i = 0; i < 12; i++)
            {
                var app = i % 2 == 0 ? first : second;
                using var client = await app.CreateClientAsync(Students[i % Students.Length]);
                var response = await client.PostAsJsonAsync("/api/jobs", TestApp.SmallJob(epochs: 2, name: $"job {i}"), TestApp.Json);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                ids.Add((await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!.Id);
            }

            var jobs = await WaitForAllAsync(first, ids, j => JobStateMachine.IsFinished(j.Status), "every job finished");
            Assert.All(jobs, j => Assert.Equal(JobStatus.Succeeded, j.Status));
            Assert.All(jobs, j => Assert.Equal(1, j.Claims));
            Assert.All(jobs, j => Assert.Null(j.LeaseOwner));
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    [Fact]
    public async Task CancelOnANodeThatRunsNoJobsStopsTheJobOnTheWorker()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            await using var web = new TestApp(directory, Runners(0));
            await using var worker = new TestApp(directory, Runners(1));
            _ = worker.Services;
            var job = await web.SubmitAsync(TestApp.LongJob());
            await WaitForAllAsync(web, [job.Id], j => j.Status == JobStatus.Running && j.ProgressBatch > 0, "running on the worker");

            var response = await web.CreateClient().PostAsync($"/api/jobs/{job.Id}/cancel", null);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            var canceled = Assert.Single(await WaitForAllAsync(web, [job.Id], j => j.Status != JobStatus.Running, "stopped"));
            Assert.Equal(JobStatus.Canceled, canceled.Status);
            Assert.True(canceled.CancelRequested);
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    [Fact]
    public async Task JobWhoseLeaseIsLostIsTakenOverAndEndsWithTheWeightsOfAnUninterruptedRun()
    {
        byte[] uninterrupted;
        await using (var reference = new TestApp(settings: Runners(1)))
        {
            var job = await reference.SubmitAsync(SeededJob);
            var done = await reference.WaitForStatusAsync(job.Id, JobStatus.Succeeded);
            uninterrupted = await WeightsAsync(reference, done.ModelId!.Value);
        }

        string directory = TestApp.NewDataDirectory();
        try
        {
            await using var first = new TestApp(directory, Runners(1));
            await using var second = new TestApp(directory, Runners(1));
            _ = second.Services;
            var job = await first.SubmitAsync(SeededJob);
            await WaitForAllAsync(first, [job.Id], j => j.Status == JobStatus.Running && j.ProgressEpoch >= 2, "two epochs checkpointed");

            // As if the job's worker had died: the lease names a worker that never renews it and ends in a second. The
            // worker that really runs the job sees at its next heartbeat that the job is no longer its and stops writing.
            await using (var db = await Contexts(first).CreateDbContextAsync())
            {
                int stolen = await db.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Running).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.LeaseOwner, "dead-worker")
                    .SetProperty(j => j.LeaseExpiresAt, DateTime.UtcNow.AddSeconds(1)));
                Assert.Equal(1, stolen);
            }

            var finished = Assert.Single(await WaitForAllAsync(first, [job.Id], j => JobStateMachine.IsFinished(j.Status), "finished after the takeover"));
            Assert.Equal(JobStatus.Succeeded, finished.Status);
            Assert.Equal(2, finished.Claims);
            var dto = await first.GetJobAsync(job.Id);
            Assert.NotNull(dto.ResumedFromEpoch);
            Assert.Equal(Enumerable.Range(1, 30), dto.History.Select(m => m.Epoch));
            Assert.Equal(uninterrupted, await WeightsAsync(first, finished.ModelId!.Value));
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    private static IDbContextFactory<DeepNetDbContext> Contexts(TestApp app) => app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>();

    /// <summary>The job rows once <paramref name="condition"/> holds for each (polled: the runner may be in the other server, whose hub messages this one never sees).</summary>
    private static async Task<IReadOnlyList<Job>> WaitForAllAsync(TestApp app, IReadOnlyCollection<Guid> ids, Func<Job, bool> condition, string what)
    {
        IReadOnlyList<Job> jobs = [];
        await Eventually.TrueAsync(
            async () =>
            {
                await using var db = await Contexts(app).CreateDbContextAsync();
                jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToListAsync();
                return jobs.Count == ids.Count && jobs.All(condition);
            },
            () => $"{what}: {string.Join(", ", jobs.Select(j => $"{j.Status}/{j.Claims}"))}");
        return jobs;
    }

    /// <summary>The tensors of the model's file (its header names the job and the time, which differ between runs).</summary>
    private static async Task<byte[]> WeightsAsync(TestApp app, Guid modelId) =>
        SafeTensorsTestFile.Split(await app.CreateClient().GetByteArrayAsync($"/api/models/{modelId}/file")).Data;
}
