using DeepNet.Server.Persistence;

namespace DeepNet.Server.Tests;

[Trait("Category", "Slow")]
public sealed class RestartTests
{
    /// <summary>Many short epochs: the first checkpoint comes fast, the whole run takes a while.</summary>
    private static object ResumableJob(string name) => new
    {
        name,
        rbm = new { hiddenUnits = 16, batchSize = 20, epochs = 60, seed = 3 },
        data = new { classes = new[] { 0, 1 }, limit = 400, imageSize = 16 },
    };

    [Fact]
    public async Task RunningJobResumesFromItsLastCheckpointAfterRestart()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            Guid id;
            int epochsBeforeRestart;
            await using (var first = new TestApp(directory))
            {
                var submitted = await first.SubmitAsync(ResumableJob("resumable"));
                id = submitted.Id;
                var running = await first.WaitForJobAsync(id, j => j.History.Count >= 1, "checkpointed an epoch");
                Assert.Equal(JobStatus.Running, running.Status);
            }

            await using (var second = new TestApp(directory))
            {
                var resumed = await second.WaitForJobAsync(id, j => j.ResumedFromEpoch is not null, "resumed");
                epochsBeforeRestart = resumed.ResumedFromEpoch!.Value;
                Assert.True(epochsBeforeRestart >= 1);
                Assert.True(epochsBeforeRestart < 60, "the job finished before the restart; make it longer");

                var done = await second.WaitForStatusAsync(id, JobStatus.Succeeded);
                Assert.Equal(epochsBeforeRestart, done.ResumedFromEpoch);
                Assert.Equal(Enumerable.Range(1, 60), done.History.Select(m => m.Epoch));
                Assert.NotNull(done.ModelId);
            }
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    [Fact]
    public async Task PersistentCdJobWithMomentumResumesAfterRestartWithItsOptions()
    {
        string directory = TestApp.NewDataDirectory();
        var job = new
        {
            name = "pcd",
            rbm = new { hiddenUnits = 16, batchSize = 20, epochs = 40, seed = 3, persistent = true, persistentChains = 20, initialMomentum = 0.5, finalMomentum = 0.9, momentumSwitchEpoch = 2, weightDecay = 0.0001, sparsityTarget = 0.1, sparsityCost = 0.01 },
            data = new { classes = new[] { 0, 1 }, limit = 400, imageSize = 16 },
        };
        try
        {
            Guid id;
            await using (var first = new TestApp(directory))
            {
                id = (await first.SubmitAsync(job)).Id;
                await first.WaitForJobAsync(id, j => j.History.Count >= 1, "checkpointed an epoch");
            }

            await using (var second = new TestApp(directory))
            {
                var done = await second.WaitForStatusAsync(id, JobStatus.Succeeded);
                Assert.NotNull(done.ResumedFromEpoch);
                Assert.InRange(done.ResumedFromEpoch!.Value, 1, 39);
                Assert.Equal(Enumerable.Range(1, 40), done.History.Select(m => m.Epoch));
                Assert.All(done.History, m => Assert.NotNull(m.Report));
                Assert.True(done.Rbm!.Persistent);
                Assert.Equal(20, done.Rbm.PersistentChains);
                Assert.Equal(0.9f, done.Rbm.FinalMomentum);
            }
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    [Fact]
    public async Task EvaluationInterruptedByRestartRunsAgainAfterIt()
    {
        string directory = TestApp.NewDataDirectory();
        // One quick epoch, then an AIS run long enough (several seconds) for the poll to see it evaluating.
        var job = new
        {
            name = "evaluating",
            rbm = new { hiddenUnits = 16, epochs = 1, seed = 3 },
            data = new { classes = new[] { 0, 1 }, limit = 200, imageSize = 16 },
            evaluation = new { ais = new { runs = 100, betas = 10000, testLimit = 100 }, perClass = true, perClassLimit = 5 },
        };
        try
        {
            Guid id;
            await using (var first = new TestApp(directory))
            {
                id = (await first.SubmitAsync(job)).Id;
                var evaluating = await first.WaitForJobAsync(id, j => j.Progress?.Stage == "evaluating", "started evaluating");
                Assert.Equal(JobStatus.Running, evaluating.Status);
                Assert.Single(evaluating.History);
            }

            await using (var second = new TestApp(directory))
            {
                var done = await second.WaitForStatusAsync(id, JobStatus.Succeeded);
                Assert.Equal(1, done.ResumedFromEpoch);
                Assert.Single(done.History);
                Assert.Equal(["ais", "perClass"], done.Evaluations!.Select(e => e.Kind).Order());
                Assert.NotNull(done.ModelId);
            }
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    [Fact]
    public async Task QueuedJobStaysQueuedAcrossRestartAndThenRuns()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            Guid longId;
            Guid queuedId;
            await using (var first = new TestApp(directory))
            {
                longId = (await first.SubmitAsync(TestApp.LongJob())).Id;
                queuedId = (await first.SubmitAsync(TestApp.SmallJob(epochs: 2, name: "waits"))).Id;
                await first.WaitForStatusAsync(longId, JobStatus.Running);
                Assert.Equal(JobStatus.Queued, (await first.GetJobAsync(queuedId)).Status);
            }

            await using (var second = new TestApp(directory))
            {
                // The interrupted job is older, so it runs again first; the other one keeps waiting.
                await second.WaitForStatusAsync(longId, JobStatus.Running);
                var waiting = await second.GetJobAsync(queuedId);
                Assert.Equal(JobStatus.Queued, waiting.Status);
                Assert.Null(waiting.StartedAt);

                await second.CreateClient().PostAsync($"/api/jobs/{longId}/cancel", null);
                await second.WaitForStatusAsync(longId, JobStatus.Canceled);
                var done = await second.WaitForStatusAsync(queuedId, JobStatus.Succeeded);
                Assert.Equal(2, done.History.Count);
                Assert.Null(done.ResumedFromEpoch);
            }
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }
}
