using System.Collections.Concurrent;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

public sealed class TrainingHubTests
{
    [Fact]
    public async Task WatcherReceivesSnapshotFirstThenProgressEpochsAndImages()
    {
        await using var app = new TestApp();
        var job = await app.SubmitAsync(TestApp.LongJob());
        await app.WaitForJobAsync(job.Id, j => j.History.Count >= 1, "completed an epoch");

        await using var connection = Connect(app);
        var received = new ConcurrentQueue<string>();
        var snapshots = new ConcurrentQueue<SnapshotMessage>();
        var progress = new ConcurrentQueue<ProgressMessage>();
        var epochs = new ConcurrentQueue<EpochCompletedMessage>();
        var images = new ConcurrentQueue<ImageMessage>();
        var statuses = new ConcurrentQueue<JobDto>();
        connection.On<SnapshotMessage>("Snapshot", m => { received.Enqueue("Snapshot"); snapshots.Enqueue(m); });
        connection.On<ProgressMessage>("Progress", m => { received.Enqueue("Progress"); progress.Enqueue(m); });
        connection.On<EpochCompletedMessage>("EpochCompleted", m => { received.Enqueue("EpochCompleted"); epochs.Enqueue(m); });
        connection.On<ImageMessage>("Image", m => { received.Enqueue("Image"); images.Enqueue(m); });
        connection.On<JobDto>("StatusChanged", m => { received.Enqueue("StatusChanged"); statuses.Enqueue(m); });
        await connection.StartAsync();
        await connection.InvokeAsync("WatchJob", job.Id.ToString());

        // The snapshot carries the newest image even when the image budget still holds it back from the group, which
        // then sends that same version: wait for a version drawn after the snapshot.
        long FiltersInSnapshot() => snapshots.TryPeek(out var s) ? s.Images.Single(i => i.Kind == "filters").Version : long.MaxValue;
        await JobEvents.UntilReceivedAsync(
            connection,
            () => progress.Count >= 2 && epochs.Count >= 1 && images.Any(i => i.Kind == "filters" && i.Version > FiltersInSnapshot()),
            () => $"received {string.Join(",", received)}");

        Assert.True(received.TryPeek(out string? first));
        Assert.Equal("Snapshot", first);
        var snapshot = Assert.Single(snapshots);
        Assert.Equal(job.Id, snapshot.Job.Id);
        Assert.Equal(JobStatus.Running, snapshot.Job.Status);
        Assert.NotEmpty(snapshot.Job.History);
        Assert.Contains(snapshot.Images, i => i.Kind == "filters");
        Assert.Contains(snapshot.Images, i => i.Kind == "reconstructions");

        var p = progress.Last();
        Assert.Equal(job.Id, p.JobId);
        Assert.Equal(1000, p.Epochs);
        Assert.InRange(p.Fraction, 0, 1);
        Assert.True(p.BatchesPerEpoch == 500 && p.Batch is >= 1 and <= 500);
        Assert.True(p.SamplesPerSecond > 0 && p.EtaSeconds > 0);

        var image = images.First(i => i.Kind == "filters" && i.Version > FiltersInSnapshot());
        Assert.Equal(job.Id, image.JobId);
        Assert.True(Png.HasSignature(Convert.FromBase64String(image.PngBase64)));
        Assert.True(epochs.First().Epoch > snapshot.Job.History[^1].Epoch);

        await app.CreateClient().PostAsync($"/api/jobs/{job.Id}/cancel", null);
        await JobEvents.UntilReceivedAsync(
            connection,
            () => statuses.Any(s => s.Status == JobStatus.Canceled),
            () => $"no Canceled status; received {string.Join(",", received.TakeLast(20))}");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task ProgressIsThrottled()
    {
        await using var app = new TestApp();
        var job = await app.SubmitAsync(TestApp.LongJob());
        await using var connection = Connect(app);
        var progress = new ConcurrentQueue<DateTime>();
        var images = new ConcurrentQueue<DateTime>();
        connection.On<ProgressMessage>("Progress", _ => progress.Enqueue(DateTime.UtcNow));
        connection.On<ImageMessage>("Image", _ => images.Enqueue(DateTime.UtcNow));
        await connection.StartAsync();
        await connection.InvokeAsync("WatchJob", job.Id.ToString());
        await app.WaitForStatusAsync(job.Id, JobStatus.Running);

        var start = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var window = DateTime.UtcNow - start;
        int progressCount = progress.Count(t => t >= start);
        int imageCount = images.Count(t => t >= start);
        await app.CreateClient().PostAsync($"/api/jobs/{job.Id}/cancel", null);

        Assert.InRange(progressCount, 1, (int)(window.TotalSeconds * 10) + 30);
        // Two image kinds per rendering, about 2 renderings per second (plus one at each epoch end, at most).
        Assert.InRange(imageCount, 1, (int)(window.TotalSeconds * 2 * 2) + 10);
    }

    [Fact]
    public async Task WatchingAnUnknownJobFails()
    {
        await using var app = new TestApp();
        await using var connection = Connect(app);
        await connection.StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("WatchJob", Guid.NewGuid().ToString()));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("WatchJob", "not-a-guid"));
    }

    [Fact]
    public async Task JobListWatcherReceivesEveryStatusChange()
    {
        await using var app = new TestApp();
        await using var connection = Connect(app);
        var statuses = new ConcurrentQueue<JobDto>();
        connection.On<JobDto>("StatusChanged", statuses.Enqueue);
        await connection.StartAsync();
        await connection.InvokeAsync("WatchJobList");

        var job = await app.SubmitAsync(TestApp.SmallJob(epochs: 1));
        await app.WaitForStatusAsync(job.Id, JobStatus.Succeeded);
        await JobEvents.UntilReceivedAsync(
            connection,
            () => statuses.Any(s => s.Id == job.Id && s.Status == JobStatus.Succeeded),
            () => $"statuses: {string.Join(",", statuses.Select(s => s.Status))}");
        Assert.Contains(statuses, s => s.Id == job.Id && s.Status == JobStatus.Running);
        var done = statuses.Last(s => s.Id == job.Id);
        Assert.NotNull(done.ModelId);
        Assert.Single(done.History);
    }

    internal static HubConnection Connect(TestApp app) => app.CreateHubConnection(DeepNet.Server.Jobs.TrainingHub.Path);
}
