using System.Net;
using System.Diagnostics;
using System.Net.Http.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using DeepNet.Server.Library;

namespace DeepNet.Server.Tests;

public sealed class DemosHubTests
{
    [Fact]
    public async Task GibbsStreamFromNoiseYieldsTheStartAndAFrameEveryFewSteps()
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(256, 16, 1), 16, 16);
        await using var connection = await ConnectAsync(app);

        var frames = await ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Chains = 6, Steps = 25, Every = 10, Seed = 3 });

        Assert.Equal([0, 10, 20, 25], frames.Select(f => f.Step));
        var expected = Image.Identify(TileImage.RenderRows(new float[3 * 256], new float[3 * 256], 3, 16, 16));
        foreach (var frame in frames)
        {
            byte[] png = Convert.FromBase64String(frame.PngBase64);
            Assert.True(Png.HasSignature(png));
            using var image = Image.Load<L8>(png);
            Assert.Equal((expected.Width, expected.Height), (image.Width, image.Height));
        }

        // Noise is binary; later frames show the chains' means, which are probabilities strictly between 0 and 1.
        Assert.NotEqual(frames[0].PngBase64, frames[1].PngBase64);
        using var later = Image.Load<L8>(Convert.FromBase64String(frames[^1].PngBase64));
        Assert.Contains(Enumerable.Range(0, later.Width), x => later[x, later.Height / 4].PackedValue is > 0 and < 255);
    }

    [Fact]
    public async Task GibbsStreamIsReproducibleForTheSameSeed()
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(64, 8, 2), 8, 8);
        await using var connection = await ConnectAsync(app);
        var request = new GibbsRequest { ModelId = modelId, Chains = 4, Steps = 5, Every = 5, Seed = 42 };

        var first = await ReadAllAsync(connection, request);
        var second = await ReadAllAsync(connection, request);
        var other = await ReadAllAsync(connection, request with { Seed = 43 });

        Assert.Equal(first.Select(f => f.PngBase64), second.Select(f => f.PngBase64));
        Assert.NotEqual(first[^1].PngBase64, other[^1].PngBase64);
    }

    [Fact]
    public async Task GibbsStreamFromDigitsStartsFromTestDigitsOfTheModelsDataSpec()
    {
        await using var app = new TestApp();
        var spec = new DataSpec { ImageSize = 16, BinarizeThreshold = 0.5f, Classes = [1, 2] };
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(256, 16, 3), 16, 16, spec);
        await using var connection = await ConnectAsync(app);

        var frames = await ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Start = "digit", Chains = 4, Steps = 1, Every = 1 });

        var digits = DatasetLoader.Load(new DataSpec { Split = "test", Limit = 4, ImageSize = 16, BinarizeThreshold = 0.5f });
        string expected = Convert.ToBase64String(TileImage.RenderRows(digits.Features.Data.AsSpan(0, 2 * 256), digits.Features.Data.AsSpan(2 * 256), 2, 16, 16));
        Assert.Equal(expected, frames[0].PngBase64);
        Assert.Equal([0, 1], frames.Select(f => f.Step));
    }

    [Fact]
    public async Task GibbsStreamFromDigitsOfAnUploadedDataSetStartsFromItsFirstExamples()
    {
        await using var app = new TestApp();
        byte[] idx = IdxFiles.Images(count: 3, height: 4, width: 4, seed: 9);
        var upload = await app.CreateClient().PostAsync("/api/datasets", DatasetForms.Idx(idx, labels: null));
        var dataset = await upload.Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json);
        var spec = new DataSpec { Dataset = "user", DatasetId = dataset!.Id };
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(16, 4, 10), 4, 4, spec);
        await using var connection = await ConnectAsync(app);

        var frames = await ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Start = "digit", Chains = 4, Steps = 1, Every = 1 });

        // Four chains from three examples: the first example starts the fourth chain again.
        float[] pixels = idx[16..].Select(b => b / 255f).ToArray();
        float[] top = pixels[..32];
        float[] bottom = [.. pixels[32..48], .. pixels[..16]];
        Assert.Equal(Convert.ToBase64String(TileImage.RenderRows(top, bottom, 2, 4, 4)), frames[0].PngBase64);
    }

    [Fact]
    public async Task GibbsStreamStopsWhenTheClientCancels()
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(784, 64, 4), 28, 28);
        await using var connection = await ConnectAsync(app);
        using var cancel = new CancellationTokenSource();
        var frames = new List<GibbsFrame>();

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var frame in connection.StreamAsync<GibbsFrame>("Gibbs", new GibbsRequest { ModelId = modelId, Chains = 64, Steps = 5000, Every = 1 }, cancel.Token))
            {
                frames.Add(frame);
                if (frames.Count == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(3, frames.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        var streams = app.Services.GetRequiredService<SamplingStreams>();
        await Eventually.TrueAsync(() => Task.FromResult(streams.Running == 0), () => $"{streams.Running} streams still sampling", TimeSpan.FromSeconds(10));
        // The connection stays usable.
        var after = await ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Chains = 1, Steps = 2, Every = 2 });
        Assert.Equal([0, 2], after.Select(f => f.Step));
    }

    [Fact]
    public async Task AUserRunsOneSamplingStreamAndTheServerItsTotalWhateverTheirShare()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Concurrency:SamplingStreams"] = "2" });
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(16, 4, 8), 4, 4);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().PutAsJsonAsync($"/api/models/{modelId}/visibility", new { visibility = "Public" }, TestApp.Json)).StatusCode);
        await using var owner = await ConnectAsync(app);
        await using var classmate = await ConnectAsync(app, "classmate@deepnet.test");
        await using var latecomer = await ConnectAsync(app, "latecomer@deepnet.test");
        using var cancel = new CancellationTokenSource();
        var request = new GibbsRequest { ModelId = modelId, Chains = 1, Steps = 5000, Every = 1 };

        var first = owner.StreamAsync<GibbsFrame>("Gibbs", request, cancel.Token).GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync());
        var second = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(owner, request with { Steps = 1 }));
        Assert.Contains("You already run 1 sampling stream", second.Message, StringComparison.Ordinal);

        // The owner holding their share leaves the other slot to a classmate; then the server is full.
        var classmates = classmate.StreamAsync<GibbsFrame>("Gibbs", request, cancel.Token).GetAsyncEnumerator();
        Assert.True(await classmates.MoveNextAsync());
        var full = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(latecomer, request with { Steps = 1 }));
        Assert.Contains("All 2 sampling streams", full.Message, StringComparison.Ordinal);

        await cancel.CancelAsync();
        var streams = app.Services.GetRequiredService<SamplingStreams>();
        await Eventually.TrueAsync(() => Task.FromResult(streams.Running == 0), () => $"{streams.Running} streams still sampling", TimeSpan.FromSeconds(10));
        Assert.Equal(2, (await ReadAllAsync(latecomer, request with { Steps = 1 })).Count);
        foreach (var stream in new[] { first, classmates })
        {
            // Frames already on their way may still arrive; then the stream ends canceled.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                while (await stream.MoveNextAsync())
                {
                }
            });
            await stream.DisposeAsync();
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task GibbsFramesAreThrottledToAboutTenPerSecond()
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(16, 4, 5), 4, 4);
        await using var connection = await ConnectAsync(app);

        var watch = Stopwatch.StartNew();
        var frames = await ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Chains = 2, Steps = 12, Every = 1 });

        Assert.Equal(13, frames.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.1), $"13 frames in {watch.Elapsed}");
    }

    [Theory]
    [InlineData(0, 10, 1, "noise", "chains must be between 1 and 64")]
    [InlineData(65, 10, 1, "noise", "chains must be between 1 and 64")]
    [InlineData(4, 0, 1, "noise", "steps must be between 1 and 5000")]
    [InlineData(4, 5001, 1, "noise", "steps must be between 1 and 5000")]
    [InlineData(4, 10, 11, "noise", "every must be between 1 and steps")]
    [InlineData(4, 10, 1, "dream", "start must be 'noise' or 'digit'")]
    public async Task InvalidGibbsRequestsFailWithAMessage(int chains, int steps, int every, string start, string message)
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(16, 4, 6), 4, 4);
        await using var connection = await ConnectAsync(app);

        var error = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Chains = chains, Steps = steps, Every = every, Start = start }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GibbsOfAnUnknownModelFails()
    {
        await using var app = new TestApp();
        await using var connection = await ConnectAsync(app);
        var missing = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(connection, new GibbsRequest { ModelId = missing }));
        Assert.Contains($"Model {missing} not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GibbsFromDigitsOfAPatchModelFailsWithAMessage()
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(100, 4, 7, VisibleUnitType.Gaussian), 10, 10, kind: "rbm-patches");
        await using var connection = await ConnectAsync(app);

        var error = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Start = "digit" }));
        Assert.Contains("start from noise", error.Message, StringComparison.Ordinal);
        var frames = await ReadAllAsync(connection, new GibbsRequest { ModelId = modelId, Steps = 3, Every = 3, Chains = 3 });
        Assert.Equal(2, frames.Count);
    }

    private static async Task<List<GibbsFrame>> ReadAllAsync(HubConnection connection, GibbsRequest request)
    {
        var frames = new List<GibbsFrame>();
        using var timeout = new CancellationTokenSource(TestApp.Timeout);
        await foreach (var frame in connection.StreamAsync<GibbsFrame>("Gibbs", request, timeout.Token))
        {
            frames.Add(frame);
        }

        return frames;
    }

    private static async Task<HubConnection> ConnectAsync(TestApp app, string email = TestApp.DefaultUser)
    {
        var connection = app.CreateHubConnection(DemosHub.Path, email);
        await connection.StartAsync();
        return connection;
    }
}
