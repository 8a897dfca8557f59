using System.Collections.Concurrent;
using System.Diagnostics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>What one watcher receives per second is bounded (Live:ImageBytesPerSecond), and the newest images still arrive.</summary>
public sealed class LiveBudgetTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task AWatcherReceivesImagesWithinTheByteBudgetAndTheNewestImagesBeforeTheJobEnds()
    {
        const int budget = 2_000; // bytes of base64 per second: a fraction of this job's two images at their ~2 per second
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Live:ImageBytesPerSecond"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        // Long enough (seconds even on a fast machine) for images to be held back by the budget before the end.
        var job = await app.SubmitAsync(new
        {
            name = "watched",
            rbm = new { hiddenUnits = 64, batchSize = 20, epochs = 30, seed = 7 },
            data = new { limit = 5000, imageSize = 28 },
        });

        await using var connection = TrainingHubTests.Connect(app);
        var images = new ConcurrentQueue<(TimeSpan At, ImageMessage Image)>();
        var statuses = new ConcurrentQueue<JobDto>();
        var clock = Stopwatch.StartNew();
        connection.On<ImageMessage>("Image", m => images.Enqueue((clock.Elapsed, m)));
        connection.On<JobDto>("StatusChanged", statuses.Enqueue);
        await connection.StartAsync();
        await connection.InvokeAsync(nameof(TrainingHub.WatchJob), job.Id.ToString());
        await JobEvents.UntilReceivedAsync(connection, () => statuses.Any(s => s.Status is JobStatus.Succeeded or JobStatus.Failed), () => $"{images.Count} images, no end");

        var received = images.ToList();
        var beforeEnd = received.Where(i => i.At < received[^1].At - TimeSpan.FromMilliseconds(500)).ToList();
        Assert.NotEmpty(beforeEnd);
        double seconds = Math.Max(1, (beforeEnd[^1].At - beforeEnd[0].At).TotalSeconds);
        long bytes = beforeEnd.Sum(i => (long)i.Image.PngBase64.Length);
        long largest = received.Max(i => (long)i.Image.PngBase64.Length);
        // The budget over the span, plus its one-second allowance and one image of debt.
        Assert.True(bytes <= budget * (seconds + 1) + largest, $"{bytes} bytes of images in {seconds:0.0} s over a budget of {budget}/s (largest {largest})");

        // The newest image of each kind reached the watcher before the job's end, as stored.
        var stored = await app.Services.GetRequiredService<JobStore>().GetImagesAsync(job.Id, CancellationToken.None);
        Assert.NotEmpty(stored);
        Assert.Equal(JobStatus.Succeeded, Assert.Single(statuses, s => s.Status != JobStatus.Running).Status);
        foreach (var image in stored)
        {
            Assert.Equal(image.Version, received.Where(i => i.Image.Kind == image.Kind).Max(i => i.Image.Version));
        }
    }
}
