using DeepNet.Server.Persistence;

namespace DeepNet.Server.Tests;

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
