using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using DeepNet.Server.Sharing;
using DeepNet.Server.Tests.Sharing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>
/// Issue 12 point 3: checkpoints of finished jobs go (failed ones after a grace period), owners delete jobs while the
/// models they made stay, the sweeper removes what is orphaned, and the database file gives the space back.
/// </summary>
public sealed class RetentionTests
{
    private const int CheckpointBytes = 32 * 1024 * 1024;

    [Fact]
    public async Task TheCheckpointOfASucceededJobIsRemovedWhenItFinishes()
    {
        await using var app = new TestApp();
        var job = await app.SubmitAsync(TestApp.SmallJob(epochs: 3));
        await app.WaitForStatusAsync(job.Id, JobStatus.Succeeded);

        Assert.False(await HasCheckpointAsync(app, job.Id));
    }

    [Fact]
    public async Task TheCheckpointOfACanceledJobIsRemovedWhenItStops()
    {
        await using var app = new TestApp();
        var job = await app.SubmitAsync(TestApp.LongJob());
        await app.WaitForJobAsync(job.Id, j => j.History.Count >= 1, "finished an epoch");
        Assert.True(await HasCheckpointAsync(app, job.Id), "a running job keeps its checkpoint");

        Assert.Equal(HttpStatusCode.Accepted, (await app.CreateClient().PostAsync($"/api/jobs/{job.Id}/cancel", null)).StatusCode);
        await app.WaitForStatusAsync(job.Id, JobStatus.Canceled);

        Assert.False(await HasCheckpointAsync(app, job.Id));
    }

    [Fact]
    public async Task AFailedJobKeepsItsCheckpointForTheGracePeriodAndLosesItAfter()
    {
        var clock = new ShiftedClock();
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Jobs:SourceCheckInterval"] = "00:00:00.200" }, clock: clock);
        var owner = await app.NewUserAsync("owner");
        using var upload = await owner.Client.PostAsync("/api/datasets", DatasetForms.Idx(PrivateRows.Images(2000), PrivateRows.Labels(2000), "rows"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var dataset = (await upload.Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!.Id;
        using var submitted = await owner.Client.PostAsJsonAsync(
            "/api/jobs",
            new { name = "fails", data = new { dataset = "user", datasetId = dataset }, rbm = new { hiddenUnits = 200, batchSize = 10, epochs = 1000 } },
            TestApp.Json);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = (await submitted.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        await JobEvents.WaitAsync(app, job.Id, () => owner.GetJobAsync(job.Id), j => j.History.Count >= 1, "finished an epoch", owner.Email);

        // Its data set gone, the job fails: the checkpoint stays so that it could still go on.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/datasets/{dataset}")).StatusCode);
        await JobEvents.WaitAsync(app, job.Id, () => owner.GetJobAsync(job.Id), j => j.Status == JobStatus.Failed, "failed", owner.Email);
        var sweeper = app.Services.GetRequiredService<RetentionSweeper>();
        await sweeper.SweepAsync();
        Assert.True(await HasCheckpointAsync(app, job.Id), "a failed job keeps its checkpoint");

        var grace = new RetentionOptions().FailedCheckpointGrace;
        clock.Advance(grace - TimeSpan.FromMinutes(1));
        await sweeper.SweepAsync();
        Assert.True(await HasCheckpointAsync(app, job.Id), "within the grace period");

        clock.Advance(TimeSpan.FromMinutes(2));
        var swept = await sweeper.SweepAsync();
        Assert.False(await HasCheckpointAsync(app, job.Id), "after the grace period");
        Assert.Equal(1, swept.Checkpoints);
    }

    [Fact]
    public async Task OnlyTheOwnerDeletesAFinishedJobWithEverythingItStored()
    {
        await using var app = new TestApp();
        var owner = await app.NewUserAsync("owner");
        var stranger = await app.NewUserAsync("stranger");
        var job = await SubmitAsync(owner, TestApp.SmallJob(epochs: 2, name: "to delete"));
        var done = await owner.WaitForSuccessAsync(job.Id);
        Assert.True(await CountRowsAsync(app, job.Id) > 0);

        await SharingTestKit.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/jobs/{job.Id}"), HttpStatusCode.NotFound);
        // A public model makes its job readable by everyone: a reader who is not the owner is refused.
        await owner.SetVisibilityAsync(done.ModelId!.Value, "public");
        string detail = await SharingTestKit.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/jobs/{job.Id}"), HttpStatusCode.Forbidden);
        Assert.Contains("Only the owner", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateAnonymousClient().DeleteAsync($"/api/jobs/{job.Id}")).StatusCode);
        await SharingTestKit.AssertProblemAsync(await owner.Client.DeleteAsync($"/api/jobs/{Guid.NewGuid()}"), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/jobs/{job.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync($"/api/jobs/{job.Id}")).StatusCode);
        Assert.DoesNotContain((await owner.Client.GetFromJsonAsync<JobSummaryDto[]>("/api/jobs", TestApp.Json))!, j => j.Id == job.Id);
        Assert.Equal(0, await CountRowsAsync(app, job.Id));
        await SharingTestKit.AssertProblemAsync(await owner.Client.DeleteAsync($"/api/jobs/{job.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AQueuedOrRunningJobIsRefusedUntilItIsCanceled()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var running = await app.SubmitAsync(TestApp.LongJob("running"));
        var queued = await app.SubmitAsync(TestApp.LongJob("queued"));
        await app.WaitForStatusAsync(running.Id, JobStatus.Running);

        foreach (var job in new[] { running, queued })
        {
            string detail = await SharingTestKit.AssertProblemAsync(await client.DeleteAsync($"/api/jobs/{job.Id}"), HttpStatusCode.Conflict);
            Assert.Contains("cancel it first", detail, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/jobs/{job.Id}/cancel", null)).StatusCode);
            await app.WaitForStatusAsync(job.Id, JobStatus.Canceled);
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/jobs/{job.Id}")).StatusCode);
        }

        Assert.Empty((await client.GetFromJsonAsync<JobSummaryDto[]>("/api/jobs", TestApp.Json))!);
    }

    [Fact]
    public async Task AModelOutlivesItsJobAndStillHidesItsPrivateTrainingData()
    {
        await using var app = new TestApp();
        var owner = await app.NewUserAsync("owner");
        var stranger = await app.NewUserAsync("stranger");
        using var upload = await owner.Client.PostAsync("/api/datasets", DatasetForms.Idx(PrivateRows.Images(100), PrivateRows.Labels(100), "private rows"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var data = new { dataset = "user", datasetId = (await upload.Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!.Id };
        var job = await owner.WaitForSuccessAsync((await SubmitAsync(owner, new { name = "outlives", data, rbm = new { hiddenUnits = 16, batchSize = 10, epochs = 1, seed = 3 } })).Id);
        var modelId = job.ModelId!.Value;
        await owner.SetVisibilityAsync(modelId, "public");

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/jobs/{job.Id}")).StatusCode);

        var card = await owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{modelId}", TestApp.Json);
        Assert.Null(card!.JobId);
        Assert.Null(card.Withheld);
        var strangers = await stranger.Client.GetFromJsonAsync<ModelDto>($"/api/models/{modelId}", TestApp.Json);
        Assert.NotNull(strangers!.Withheld);

        var gallery = await stranger.GalleryAsync("scope=public");
        var listed = Assert.Single(gallery, c => c.Id == modelId);
        Assert.Null(listed.ThumbnailUrl);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync($"/api/models/{modelId}/thumbnail")).StatusCode);

        var file = await stranger.Client.GetAsync($"/api/models/{modelId}/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.True((await file.Content.ReadAsByteArrayAsync()).Length >= card.SizeBytes);

        var tried = await stranger.Client.PostAsJsonAsync($"/api/models/{modelId}/try", TrainedModels.Image(TrainedModels.TestDigits(1, imageSize: 16), 0), TestApp.Json);
        Assert.True(tried.StatusCode == HttpStatusCode.OK, await tried.Content.ReadAsStringAsync());

        using var forked = await owner.Client.PostAsJsonAsync($"/api/models/{modelId}/fork", new { mode = "continue", epochs = 1 }, TestApp.Json);
        Assert.True(forked.StatusCode == HttpStatusCode.Accepted, await forked.Content.ReadAsStringAsync());
        var fork = await owner.WaitForSuccessAsync((await forked.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!.Id);
        Assert.NotNull(fork.ModelId);
    }

    [Fact]
    public async Task TheSweeperRemovesOrphanedRowsExpiredCheckpointsAndDanglingLinks()
    {
        await using var app = new TestApp();
        var owner = await app.NewUserAsync("owner");
        var gone = Guid.NewGuid();
        var now = DateTime.UtcNow;
        var finished = NewJob(owner.Id, JobStatus.Succeeded, now);
        finished.ModelId = Guid.NewGuid();
        var failedLongAgo = NewJob(owner.Id, JobStatus.Failed, now - TimeSpan.FromDays(30));
        var failedRecently = NewJob(owner.Id, JobStatus.Failed, now);
        Guid modelOfGoneJob;

        // The sqlite3 shell leaves foreign keys off: a job deleted there leaves its rows behind.
        await using (var db = await ContextWithoutForeignKeysAsync(app))
        {
            db.Jobs.AddRange(finished, failedLongAgo, failedRecently);
            db.JobCheckpoints.AddRange(Checkpoint(gone, now), Checkpoint(finished.Id, now), Checkpoint(failedLongAgo.Id, now), Checkpoint(failedRecently.Id, now));
            db.JobImages.Add(new JobImage { JobId = gone, Kind = "filters", Version = 1, Png = [1, 2, 3], UpdatedAt = now });
            db.JobEpochMetrics.Add(new JobEpochMetric { JobId = gone, Epoch = 1 });
            db.JobEpochReports.Add(new JobEpochReport { JobId = gone, Epoch = 1 });
            db.JobStageEpochs.Add(new JobStageEpoch { JobId = gone, Stage = "train", Epoch = 1, CreatedAt = now });
            db.JobEvaluations.Add(new JobEvaluation { Id = Guid.NewGuid(), JobId = gone, Kind = "ais", CreatedAt = now });
            await db.SaveChangesAsync();
        }

        modelOfGoneJob = await app.InsertModelAsync(owner, "its job is gone", jobId: gone);
        await app.Services.GetRequiredService<RetentionSweeper>().SweepAsync();

        await using var check = await ContextAsync(app);
        Assert.Equal([failedRecently.Id], await check.JobCheckpoints.Select(c => c.JobId).ToListAsync());
        Assert.Equal(0, await CountRowsAsync(app, gone));
        Assert.Null((await check.TrainedModels.SingleAsync(m => m.Id == modelOfGoneJob)).JobId);
        Assert.Null((await check.Jobs.SingleAsync(j => j.Id == finished.Id)).ModelId);
        Assert.Equal(3, await check.Jobs.CountAsync());
    }

    [Fact]
    public async Task TheCheckpointBlobOfADeletedJobIsSweptOnceNoRowNamesIt()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Blobs:OrphanGrace"] = "00:00:00" });
        var owner = await app.NewUserAsync("owner");
        var job = NewJob(owner.Id, JobStatus.Failed, DateTime.UtcNow);
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var state = new byte[CheckpointBytes];
        new Random(12).NextBytes(state);
        BlobRef stored = await blobs.WriteAsync(state);
        await using (var db = await ContextAsync(app))
        {
            db.Jobs.Add(job);
            db.JobCheckpoints.Add(new JobCheckpoint { JobId = job.Id, CompletedEpochs = 3, StateHash = stored.Hash, SizeBytes = stored.Length, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var sweeper = app.Services.GetRequiredService<RetentionSweeper>();
        await sweeper.SweepAsync();
        Assert.Contains(blobs.List(), b => b.Hash == stored.Hash);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/jobs/{job.Id}")).StatusCode);
        // Deleting a job asks for a sweep in the background too; either removes the blob.
        await sweeper.SweepAsync();

        Assert.DoesNotContain(blobs.List(), b => b.Hash == stored.Hash);
        Assert.IsType<BlobMissingException>(Record.Exception(() => blobs.OpenRead(stored.Hash)));
    }

    [SqliteFact]
    public async Task ADatabaseWithoutIncrementalVacuumIsSwitchedOnceAtStartup()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            await using (var first = new TestApp(directory))
            {
                _ = first.Services;
            }

            await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, SqliteStorage.DatabaseFileName)}"))
            {
                await connection.OpenAsync();
                await Execute(connection, "PRAGMA auto_vacuum=NONE;");
                await Execute(connection, "VACUUM;");
                Assert.Equal(0L, await Scalar(connection, "PRAGMA auto_vacuum;"));
            }

            SqliteConnection.ClearAllPools();
            await using var second = new TestApp(directory);
            await using var db = await ContextAsync(second);
            Assert.Equal(2, (await db.Database.SqlQueryRaw<long>("""SELECT "auto_vacuum" AS "Value" FROM pragma_auto_vacuum""").ToListAsync()).Single());
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }

        static async Task Execute(SqliteConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        static async Task<object?> Scalar(SqliteConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync();
        }
    }

    private static async Task<JobDto> SubmitAsync(TestUser user, object body)
    {
        using var response = await user.Client.PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
    }

    private static Job NewJob(string ownerId, JobStatus status, DateTime finishedAt) => new()
    {
        Id = Guid.NewGuid(),
        Name = $"stored {status}",
        Kind = "rbm",
        OwnerId = ownerId,
        Status = status,
        CreatedAt = finishedAt,
        StartedAt = finishedAt,
        FinishedAt = finishedAt,
    };

    private static JobCheckpoint Checkpoint(Guid jobId, DateTime now) => new() { JobId = jobId, CompletedEpochs = 1, StateHash = new string('0', 64), SizeBytes = 4, UpdatedAt = now };

    private static Task<DeepNetDbContext> ContextAsync(TestApp app) =>
        app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();

    private static async Task<DeepNetDbContext> ContextWithoutForeignKeysAsync(TestApp app)
    {
        if (!TestApp.OnPostgres)
        {
            return new(new DbContextOptionsBuilder<DeepNetDbContext>()
                .UseSqlite($"Data Source={Path.Combine(app.DataDirectory, SqliteStorage.DatabaseFileName)};Foreign Keys=False")
                .Options);
        }

        // PostgreSQL's counterpart: foreign-key triggers do not fire in a session in replica mode (the tests' user is a superuser).
        var db = await ContextAsync(app);
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("SET session_replication_role = replica");
        return db;
    }

    private static async Task<bool> HasCheckpointAsync(TestApp app, Guid jobId)
    {
        await using var db = await ContextAsync(app);
        return await db.JobCheckpoints.AnyAsync(c => c.JobId == jobId);
    }

    /// <summary>Rows of every table that holds something of job <paramref name="jobId"/>.</summary>
    private static async Task<int> CountRowsAsync(TestApp app, Guid jobId)
    {
        await using var db = await ContextAsync(app);
        return await db.JobEpochMetrics.CountAsync(m => m.JobId == jobId)
            + await db.JobStageEpochs.CountAsync(e => e.JobId == jobId)
            + await db.JobEpochReports.CountAsync(r => r.JobId == jobId)
            + await db.JobEvaluations.CountAsync(e => e.JobId == jobId)
            + await db.JobImages.CountAsync(i => i.JobId == jobId)
            + await db.JobCheckpoints.CountAsync(c => c.JobId == jobId);
    }

    /// <summary>The system's clock moved forward by <see cref="Advance"/>: time still passes for the server's timers and throttles.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
