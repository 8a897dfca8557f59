using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Models.Cnn;
using DeepNet.Server.Cnn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests;

/// <summary>A <see cref="TestApp"/> with helpers for CNN jobs.</summary>
internal sealed class CnnHost : IAsyncDisposable
{
    public CnnHost(string? dataDirectory = null)
    {
        App = new TestApp(dataDirectory);
        Factory = App;
    }

    public TestApp App { get; }

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient Client() => Factory.CreateClient();

    public async Task<JobDto> SubmitAsync(object body)
    {
        var response = await Client().PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
    }

    public async Task<JobDto> GetJobAsync(Guid id) => (await Client().GetFromJsonAsync<JobDto>($"/api/jobs/{id}", TestApp.Json))!;

    public Task<JobDto> WaitForJobAsync(Guid id, Func<JobDto, bool> condition, string what) => App.WaitForJobAsync(id, condition, what);

    public Task<JobDto> WaitForStatusAsync(Guid id, JobStatus status) => WaitForJobAsync(id, j => j.Status == status, $"became {status}");

    public async Task<byte[]> ModelFileAsync(Guid modelId) => await Client().GetByteArrayAsync($"/api/models/{modelId}/file");

    public HubConnection Connect() => App.CreateHubConnection(DeepNet.Server.Jobs.TrainingHub.Path);

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

public sealed class CnnValidationTests : IAsyncLifetime
{
    private CnnHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new CnnHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<ValidationProblemDetails> PostInvalidAsync(object body)
    {
        var response = await _host.Client().PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestApp.Json))!;
    }

    [Fact]
    public async Task ALayerThatDoesNotFitGetsA400NamingTheLayerAndTheShapes()
    {
        var problem = await PostInvalidAsync(new
        {
            kind = "cnn",
            data = new { limit = 100, imageSize = 16 },
            cnn = new
            {
                layers = new object[]
                {
                    new { type = "conv", filters = 16, kernel = 5 },
                    new { type = "maxPool", window = 2 },
                    new { type = "conv", filters = 16, kernel = 5 },
                    new { type = "maxPool", window = 2 },
                    new { type = "maxPool", window = 2, stride = 2 },
                    new { type = "dense", units = 10 },
                },
            },
        });

        var message = Assert.Single(Assert.Single(problem.Errors, e => e.Key == "cnn.layers[4]").Value);
        Assert.Contains("layer 5 (max-pool 2×2 stride 2)", message, StringComparison.Ordinal);
        Assert.Contains("16×1×1", message, StringComparison.Ordinal);
        Assert.Single(problem.Errors);
    }

    [Fact]
    public async Task FieldsOutOfRangeAndBadLayersAreNamedByTheirKeys()
    {
        var problem = await PostInvalidAsync(new
        {
            kind = "cnn",
            data = new { limit = 100, imageSize = 16, split = "test" },
            cnn = new
            {
                batchSize = 0,
                epochs = 1000,
                optimizer = "rmsprop",
                learningRate = -1,
                init = "zeros",
                augment = new { rotation = 90, scale = 0.1, shift = 1 },
                testLimit = 0,
                validation = 100,
                layers = new object[] { new { type = "conv", filters = 0, kernel = 5 }, new { type = "softmax" }, new { type = "dense", units = 7 } },
            },
        });

        foreach (string key in new[] { "cnn.batchSize", "cnn.epochs", "cnn.optimizer", "cnn.learningRate", "cnn.init", "cnn.augment.rotation", "cnn.testLimit", "cnn.validation", "cnn.layers[0]", "cnn.layers[1]", "data.split" })
        {
            Assert.True(problem.Errors.ContainsKey(key), $"no error for {key}: {string.Join(", ", problem.Errors.Keys)}");
        }

        Assert.Contains("filters", problem.Errors["cnn.layers[0]"][0], StringComparison.Ordinal);
        Assert.StartsWith("layer 2: type must be one of conv, maxPool", problem.Errors["cnn.layers[1]"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOutputLayerNeedsOneUnitPerClassAndIsAddedWhenMissing()
    {
        var problem = await PostInvalidAsync(new
        {
            kind = "cnn",
            data = new { limit = 100, imageSize = 16 },
            cnn = new { layers = new object[] { new { type = "conv", filters = 4, kernel = 3 }, new { type = "dense", units = 7 } } },
        });
        Assert.Contains("one unit per class, 10", Assert.Single(problem.Errors["cnn.layers[1]"]), StringComparison.Ordinal);

        var job = await _host.SubmitAsync(new
        {
            kind = "cnn",
            name = "implied output",
            data = new { limit = 100, imageSize = 16 },
            cnn = new { epochs = 1, layers = new object[] { new { type = "conv", filters = 4, kernel = 3 }, new { type = "relu" } } },
        });
        Assert.Equal("cnn", job.Kind);
        Assert.Equal(["conv", "relu", "dense"], job.Cnn!.Layers!.Select(l => l.Type));
        Assert.Equal(10, job.Cnn.Layers![^1].Units);
        await _host.Client().PostAsync($"/api/jobs/{job.Id}/cancel", null);
    }

    [Fact]
    public async Task PresetsExpandToTheirLayers()
    {
        var job = await _host.SubmitAsync(new { kind = "cnn", data = new { limit = 100 }, cnn = new { preset = "lenet5", epochs = 1 } });
        await _host.Client().PostAsync($"/api/jobs/{job.Id}/cancel", null);

        Assert.Equal("CNN job", job.Name);
        Assert.Equal(CnnPresets.LeNet5().Select(CnnSpecValidator.ToDto), job.Cnn!.Layers!);
        Assert.Equal("lenet5", job.Cnn.Preset);
        Assert.Equal("LeNet-5", CnnSpecValidator.Describe(CnnPresets.LeNet5(), 10));
    }
}

public sealed class CnnJobTests
{
    /// <summary>500 digits at 16×16 (the last 100 held out), the small preset, 2 epochs.</summary>
    private static object TinyJob(string name = "tiny", int epochs = 2) => new
    {
        kind = "cnn",
        name,
        data = new { limit = 500, imageSize = 16 },
        cnn = new { preset = "small", epochs, batchSize = 20, learningRate = 0.003, validation = 100, testLimit = 2000, seed = 5 },
    };

    [Fact]
    public async Task ASmallCnnJobTrainsMeasuresItsTestErrorAndStoresImagesAndTheModel()
    {
        await using var host = new CnnHost();
        var submitted = await host.SubmitAsync(TinyJob());
        Assert.Equal(JobStatus.Queued, submitted.Status);

        var job = await host.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);

        Assert.Equal([1, 2], job.Stages!.Select(s => s.Epoch));
        Assert.All(job.Stages!, s => Assert.Equal("train", s.Stage));
        var last = job.Stages![^1].Metrics;
        Assert.True(last.GetProperty("loss").GetDouble() < job.Stages[0].Metrics.GetProperty("loss").GetDouble() * 1.5);
        Assert.InRange(last.GetProperty("trainError").GetDouble(), 0, 100);
        Assert.InRange(last.GetProperty("validError").GetDouble(), 0, 60);
        Assert.True(last.GetProperty("validLoss").GetDouble() > 0);
        Assert.True(last.GetProperty("samplesPerSecond").GetDouble() > 0);
        Assert.True(last.TryGetProperty("seconds", out _));
        Assert.Equal("test", last.GetProperty("evaluatedOn").GetString());
        Assert.Equal("train", job.Progress!.Phase);
        Assert.NotNull(job.Progress.Loss);

        var store = host.Factory.Services.GetRequiredService<JobStore>();
        var images = await store.GetImagesAsync(job.Id);
        Assert.Equal(["confusion", "feature-maps", "filters-1", "misclassified"], images.Select(i => i.Kind).Order(StringComparer.Ordinal));
        Assert.All(images, i => Assert.True(Png.HasSignature(Convert.FromBase64String(i.PngBase64)), i.Kind));
        Assert.All(images.Select(i => i.Kind), kind => Assert.True(CnnImageKinds.IsKnown(kind)));

        var model = (await host.Client().GetFromJsonAsync<ModelDto>($"/api/models/{job.ModelId}", TestApp.Json))!;
        Assert.Equal("cnn", model.Kind);
        Assert.Equal((256, 10, 16, 16), (model.VisibleUnits, model.HiddenUnits, model.ImageWidth, model.ImageHeight));
        Assert.Equal("small CNN", model.Architecture);

        Assert.InRange(model.TestError!.Value, 0f, 60f);
        var metrics = model.Metrics!.Value;
        var errors = metrics.GetProperty("errors");
        Assert.Equal(model.TestError.Value, errors.GetProperty("test").GetSingle(), 3);
        Assert.InRange(errors.GetProperty("train").GetDouble(), 0, 100);
        Assert.Equal(last.GetProperty("validError").GetDouble(), errors.GetProperty("valid").GetDouble(), 6);
        int[][] confusion = metrics.GetProperty("confusion").Deserialize<int[][]>()!;
        Assert.Equal(10, confusion.Length);
        Assert.All(confusion, row => Assert.Equal(10, row.Length));
        Assert.Equal(2000, confusion.Sum(r => r.Sum()));
        int wrong = 2000 - Enumerable.Range(0, 10).Sum(k => confusion[k][k]);
        Assert.Equal(model.TestError.Value, 100f * wrong / 2000, 3);
        var misclassified = metrics.GetProperty("misclassified").EnumerateArray().ToList();
        Assert.Equal(Math.Min(wrong, CnnJobKind.MisclassifiedStored), misclassified.Count);
        Assert.All(misclassified, m => Assert.NotEqual(m.GetProperty("label").GetInt32(), m.GetProperty("predicted").GetInt32()));
        Assert.Equal(2, metrics.GetProperty("history").GetArrayLength());

        (Network network, var metadata) = CnnModelFile.Load(await host.ModelFileAsync(model.Id));
        Assert.Equal("cnn", metadata["model_type"]);
        Assert.Equal(job.Id.ToString("D"), metadata["job_id"]);
        Assert.Equal(new TensorShape(1, 16, 16), network.InputShape);
        Assert.Contains("\"errors\"", metadata["metrics"], StringComparison.Ordinal);

        var filters = await host.Client().GetAsync($"/api/jobs/{job.Id}/images/filters-1");
        Assert.Equal(HttpStatusCode.OK, filters.StatusCode);
        Assert.True(Png.HasSignature(await filters.Content.ReadAsByteArrayAsync()));

        var maps = (await host.Client().GetFromJsonAsync<CnnFeatureMapsDto>($"/api/jobs/{job.Id}/feature-maps?index=3", TestApp.Json))!;
        Assert.Equal(3, maps.Index);
        Assert.InRange(maps.Predicted, 0, 9);
        Assert.Equal(5, maps.Rows.Count);
        Assert.StartsWith("input 1×16×16", maps.Rows[0], StringComparison.Ordinal);
        Assert.True(Png.HasSignature(Convert.FromBase64String(maps.PngBase64)));
        var badIndex = await host.Client().GetAsync($"/api/jobs/{job.Id}/feature-maps?index=20000");
        Assert.Equal(HttpStatusCode.BadRequest, badIndex.StatusCode);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task ARunningCnnJobStreamsStageEpochsProgressAndImagesAndStopsWhenCanceled()
    {
        await using var host = new CnnHost();
        var job = await host.SubmitAsync(new
        {
            kind = "cnn",
            name = "long",
            data = new { limit = 3000, imageSize = 16 },
            cnn = new { preset = "lenet5", epochs = 200, batchSize = 16, augment = new { rotation = 10, scale = 0.1, shift = 1 } },
        });
        await host.WaitForStatusAsync(job.Id, JobStatus.Running);

        await using var connection = host.Connect();
        var stages = new ConcurrentQueue<StageEpochMessage>();
        var progress = new ConcurrentQueue<ProgressMessage>();
        var images = new ConcurrentQueue<ImageMessage>();
        connection.On<StageEpochMessage>("StageEpochCompleted", stages.Enqueue);
        connection.On<ProgressMessage>("Progress", progress.Enqueue);
        connection.On<ImageMessage>("Image", images.Enqueue);
        await connection.StartAsync();
        await connection.InvokeAsync("WatchJob", job.Id.ToString());
        await JobEvents.UntilReceivedAsync(
            connection,
            () => stages.Count >= 1 && progress.Count >= 2 && images.Any(i => i.Kind == "filters-2") && images.Any(i => i.Kind == "confusion"),
            () => $"{stages.Count} stage epochs, {progress.Count} progress, images {string.Join(",", images.Select(i => i.Kind).Distinct())}");

        var epoch = stages.First().Epoch;
        Assert.Equal("train", epoch.Stage);
        Assert.Equal(JsonValueKind.Null, epoch.Metrics.GetProperty("validError").ValueKind);
        Assert.Equal("test", epoch.Metrics.GetProperty("evaluatedOn").GetString());
        Assert.Equal(1000, epoch.Metrics.GetProperty("evaluatedCount").GetInt32());
        Assert.All(progress, p => Assert.Equal("train", p.Phase));
        Assert.Contains(progress, p => p.Loss is > 0);

        var cancel = await host.Client().PostAsync($"/api/jobs/{job.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var canceled = await host.WaitForStatusAsync(job.Id, JobStatus.Canceled);
        Assert.Null(canceled.ModelId);
        Assert.InRange(canceled.Stages!.Count, 1, 199);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task AnInterruptedRunResumesToTheSameWeightsAsAnUninterruptedOne()
    {
        string directory = TestApp.NewDataDirectory();
        var job = new
        {
            kind = "cnn",
            name = "resumable",
            data = new { limit = 300, imageSize = 16 },
            cnn = new
            {
                layers = new object[] { new { type = "conv", filters = 6, kernel = 5 }, new { type = "relu" }, new { type = "maxPool", window = 2 }, new { type = "dropout", rate = 0.25 }, new { type = "dense", units = 10 } },
                epochs = 30,
                batchSize = 20,
                optimizer = "sgd",
                learningRate = 0.05,
                learningRateDecay = 0.97,
                weightDecay = 0.0001,
                validation = 100,
                testLimit = 500,
                augment = new { rotation = 8, scale = 0.08, shift = 1 },
                seed = 9,
            },
        };
        try
        {
            Guid interrupted;
            await using (var first = new CnnHost(directory))
            {
                interrupted = (await first.SubmitAsync(job)).Id;
                var running = await first.WaitForJobAsync(interrupted, j => j.Stages is { Count: >= 1 }, "checkpointed an epoch");
                Assert.Equal(JobStatus.Running, running.Status);
            }

            await using (var second = new CnnHost(directory))
            {
                var resumed = await second.WaitForStatusAsync(interrupted, JobStatus.Succeeded);
                Assert.NotNull(resumed.ResumedFromEpoch);
                Assert.InRange(resumed.ResumedFromEpoch!.Value, 1, 29);
                Assert.Equal(Enumerable.Range(1, 30), resumed.Stages!.Select(s => s.Epoch));

                var straight = await second.WaitForStatusAsync((await second.SubmitAsync(job)).Id, JobStatus.Succeeded);
                Assert.Null(straight.ResumedFromEpoch);

                (Network a, _) = CnnModelFile.Load(await second.ModelFileAsync(resumed.ModelId!.Value));
                (Network b, _) = CnnModelFile.Load(await second.ModelFileAsync(straight.ModelId!.Value));
                Assert.Equal(b.Parameters.Count, a.Parameters.Count);
                for (int p = 0; p < a.Parameters.Count; p++)
                {
                    Assert.Equal(b.Parameters[p].Value, a.Parameters[p].Value);
                }

                Assert.Equal(
                    straight.Stages!.Select(s => s.Metrics.GetProperty("validError").GetDouble()),
                    resumed.Stages!.Select(s => s.Metrics.GetProperty("validError").GetDouble()));
            }
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }
}
