using System.Text.Json;
using DeepNet.Models;
using DeepNet.Models.Dbn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepNet.Server.Tests;

public sealed class DbnHubTests(DbnAppFixture fixture) : IClassFixture<DbnAppFixture>
{
    private DbnApp App => fixture.App;

    [Fact]
    public async Task ADbnTrainedWithLabelsStreamsFramesOfAClampedDigit()
    {
        var job = await App.WaitForSuccessAsync((await App.SubmitAsync(DbnJobs.Tiny(fineTuning: "none", joinLabels: true, name: "generator"))).Id);
        await using var connection = await App.ConnectDbnHubAsync();

        var frames = await ReadAllAsync(connection, new DbnGenerateRequest { ModelId = job.ModelId, Chains = 12, Steps = 10, Every = 5, Label = 3, Seed = 2 });

        Assert.Equal([0, 5, 10], frames.Select(f => f.Step));
        foreach (var frame in frames)
        {
            byte[] png = Convert.FromBase64String(frame.PngBase64);
            Assert.True(Png.HasSignature(png));
            using var image = Image.Load<L8>(png);
            // 10 tiles of 16×16 per row, 2 rows, 1-pixel separators (scaled up to at least 200 pixels wide).
            Assert.True(image.Width > image.Height);
        }

        var free = await ReadAllAsync(connection, new DbnGenerateRequest { ModelId = job.ModelId, Chains = 3, Steps = 2, Every = 1 });
        Assert.Equal([0, 1, 2], free.Select(f => f.Step));
    }

    [Fact]
    public async Task GenerationIsReproducibleForTheSameSeed()
    {
        var modelId = await InsertDbnAsync(labelUnits: 0);
        await using var connection = await App.ConnectDbnHubAsync();
        var request = new DbnGenerateRequest { ModelId = modelId, Chains = 4, Steps = 3, Every = 3, Seed = 5 };

        var first = await ReadAllAsync(connection, request);
        var second = await ReadAllAsync(connection, request);

        Assert.Equal(first.Select(f => f.PngBase64), second.Select(f => f.PngBase64));
    }

    [Fact]
    public async Task ALabelOnADbnWithoutLabelUnitsIsRefusedWithAClearMessage()
    {
        var modelId = await InsertDbnAsync(labelUnits: 0);
        await using var connection = await App.ConnectDbnHubAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(connection, new DbnGenerateRequest { ModelId = modelId, Label = 2, Steps = 2 }));

        Assert.True(error.Message.Contains("without label units", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task NonDbnModelsMissingModelsAndBadNumbersAreRefused()
    {
        var rbmId = await InsertAsync("rbm", RbmModelFile.Save(DemoTestModels.RandomRbm(64, 4, 1), new Dictionary<string, string>()));
        var dbnId = await InsertDbnAsync(labelUnits: 10);
        await using var connection = await App.ConnectDbnHubAsync();

        async Task<string> Refused(DbnGenerateRequest request) =>
            (await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(connection, request))).Message;

        Assert.Contains("not a DBN", await Refused(new DbnGenerateRequest { ModelId = rbmId, Steps = 2 }), StringComparison.Ordinal);
        Assert.Contains("not found", await Refused(new DbnGenerateRequest { ModelId = Guid.NewGuid(), Steps = 2 }), StringComparison.Ordinal);
        Assert.Contains("modelId is required", await Refused(new DbnGenerateRequest { Steps = 2 }), StringComparison.Ordinal);
        Assert.Contains("chains must be between 1 and 100", await Refused(new DbnGenerateRequest { ModelId = dbnId, Chains = 101 }), StringComparison.Ordinal);
        Assert.Contains("steps must be between", await Refused(new DbnGenerateRequest { ModelId = dbnId, Steps = 0 }), StringComparison.Ordinal);
        Assert.Contains("label must be between 0 and 9", await Refused(new DbnGenerateRequest { ModelId = dbnId, Label = 10, Steps = 2 }), StringComparison.Ordinal);

        // The connection survives refusals.
        Assert.Equal(2, (await ReadAllAsync(connection, new DbnGenerateRequest { ModelId = dbnId, Label = 9, Steps = 1, Chains = 2 })).Count);
    }

    private static async Task<List<DbnGenerationFrame>> ReadAllAsync(HubConnection connection, DbnGenerateRequest request)
    {
        var frames = new List<DbnGenerationFrame>();
        using var timeout = new CancellationTokenSource(TestApp.Timeout);
        await foreach (var frame in connection.StreamAsync<DbnGenerationFrame>("Generate", request, timeout.Token))
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>A random 64-8-6 DBN on 8×8 images, the top RBM's visible units followed by <paramref name="labelUnits"/> label units.</summary>
    private Task<Guid> InsertDbnAsync(int labelUnits)
    {
        var stack = new DeepBeliefNetwork([DemoTestModels.RandomRbm(64, 8, 1), DemoTestModels.RandomRbm(8 + labelUnits, 6, 2)], labelUnits);
        return InsertAsync("dbn", DbnModelFile.Save(stack, null, new Dictionary<string, string> { ["model_type"] = "dbn" }));
    }

    private async Task<Guid> InsertAsync(string kind, byte[] file)
    {
        var id = Guid.NewGuid();
        var contexts = App.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        db.TrainedModels.Add(new TrainedModel
        {
            Id = id,
            Name = "test " + kind,
            Kind = kind,
            JobId = Guid.NewGuid(),
            OwnerId = await App.UserIdAsync(),
            CreatedAt = DateTime.UtcNow,
            InputUnits = 64,
            OutputUnits = 6,
            ImageWidth = 8,
            ImageHeight = 8,
            OptionsJson = kind == "rbm" ? JsonSerializer.Serialize(new RbmOptions { HiddenUnits = 4 }, JsonDefaults.Options) : "{}",
            DataSpecJson = "{\"imageSize\":16}",
            MetricsJson = "{}",
            SizeBytes = file.LongLength,
            FileHash = (await db.Blobs.WriteAsync(file)).Hash,
        });
        await db.SaveChangesAsync();
        return id;
    }
}
