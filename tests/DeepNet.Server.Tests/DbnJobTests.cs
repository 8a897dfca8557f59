using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Models.Dbn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>One server for the DBN job tests; jobs queue and run one after another.</summary>
public sealed class DbnAppFixture : IAsyncLifetime
{
    public DbnApp App { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class DbnJobTests(DbnAppFixture fixture) : IClassFixture<DbnAppFixture>
{
    private DbnApp App => fixture.App;

    [Theory]
    [InlineData("rbm")]
    [InlineData("autoEncoder")]
    [InlineData("supervised")]
    [InlineData("none")]
    public async Task EveryPretrainingModeRunsThroughTheApiWithGlobalFineTuning(string pretraining)
    {
        var job = await App.SubmitAsync(DbnJobs.Tiny(pretraining: pretraining, name: $"pretraining {pretraining}"));
        Assert.Equal("dbn", job.Kind);
        Assert.Equal(pretraining, job.Dbn!.Pretraining);

        var done = await App.WaitForSuccessAsync(job.Id);

        var stages = done.Stages!.Select(s => (s.Stage, s.Epoch)).ToList();
        var expected = pretraining == "none"
            ? new List<(string, int)> { ("finetune", 1), ("finetune", 2) }
            : [("pretrain-1", 1), ("pretrain-1", 2), ("pretrain-2", 1), ("pretrain-2", 2), ("finetune", 1), ("finetune", 2)];
        Assert.Equal(expected, stages);
        foreach (var finetune in done.Stages!.Where(s => s.Stage == "finetune"))
        {
            foreach (string key in new[] { "loss", "trainError", "validError", "samplesPerSecond", "seconds" })
            {
                Assert.Equal(JsonValueKind.Number, finetune.Metrics.GetProperty(key).ValueKind);
            }
        }

        foreach (var pretrain in done.Stages!.Where(s => s.Stage.StartsWith("pretrain-", StringComparison.Ordinal)))
        {
            Assert.Equal(pretraining, pretrain.Metrics.GetProperty("mode").GetString());
            Assert.Equal(JsonValueKind.Number, pretrain.Metrics.GetProperty("loss").ValueKind);
            Assert.Equal(JsonValueKind.Number, pretrain.Metrics.GetProperty("seconds").ValueKind);
        }

        var model = await App.GetModelAsync(done.ModelId!.Value);
        Assert.Equal("dbn", model.Kind);
        Assert.Equal("256-16-16-10", model.Metrics!.Value.GetProperty("architecture").GetString());
        var errors = model.Metrics.Value.GetProperty("errors");
        Assert.InRange(errors.GetProperty("train").GetDouble(), 0, 100);
        Assert.InRange(errors.GetProperty("valid").GetDouble(), 0, 100);
        Assert.InRange(errors.GetProperty("test").GetDouble(), 0, 100);
        var confusion = model.Metrics.Value.GetProperty("confusion");
        Assert.Equal(10, confusion.GetArrayLength());
        Assert.All(confusion.EnumerateArray(), row => Assert.Equal(10, row.GetArrayLength()));
        Assert.Equal(200, confusion.EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(c => c.GetInt32()));

        var contents = DbnModelFile.Load(await App.GetModelFileAsync(model.Id));
        Assert.Equal(2, contents.Stack.Layers.Count);
        Assert.NotNull(contents.Classifier);
        Assert.Equal(3, contents.Classifier.LayerCount);
        Assert.Equal("dbn", contents.Metadata["model_type"]);
    }

    [Fact]
    public async Task GlobalFineTuningOfADbnLearnsAndRendersItsImagesAndMisclassifiedDigits()
    {
        var job = await App.SubmitAsync(DbnJobs.Tiny(pretrainEpochs: 3, fineTuneEpochs: 20, limit: 600, validation: 100, units: 32, name: "learns"));
        var done = await App.WaitForSuccessAsync(job.Id);
        var model = await App.GetModelAsync(done.ModelId!.Value);

        // 500 training digits and 20 short epochs: far better than the 90 % of guessing.
        double testError = model.Metrics!.Value.GetProperty("errors").GetProperty("test").GetDouble();
        Assert.True(testError < 30, string.Join("\n", done.Stages!.Select(s => $"{s.Stage} {s.Epoch} {s.Metrics.GetRawText()}")));
        // The model DTO carries the classifier's summary (GET /api/models/{id} must project TestError and Architecture).
        Assert.Equal("256-32-32-10", model.Architecture);
        Assert.Equal(testError, model.TestError!.Value, 3);
        var last = done.Stages!.Last();
        Assert.Equal("finetune", last.Stage);
        Assert.Equal(JsonValueKind.Number, last.Metrics.GetProperty("testError").ValueKind);

        var images = await App.Services.GetRequiredService<JobStore>().GetImagesAsync(job.Id);
        Assert.Equal(["confusion", "features-2", "filters", "misclassified"], images.Select(i => i.Kind).Order(StringComparer.Ordinal));
        Assert.All(images, i => Assert.True(Png.HasSignature(Convert.FromBase64String(i.PngBase64))));

        var misclassified = model.Metrics.Value.GetProperty("misclassified");
        Assert.InRange(misclassified.GetArrayLength(), 1, DbnImages.MaxMisclassified);
        var first = misclassified[0];
        Assert.NotEqual(first.GetProperty("predicted").GetInt32(), first.GetProperty("actual").GetInt32());

        var filters = await App.CreateClient().GetAsync($"/api/jobs/{job.Id}/images/filters");
        Assert.Equal(HttpStatusCode.OK, filters.StatusCode);
        Assert.Equal("image/png", filters.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ClassifierOnTopTrainsOnlyTheSoftmaxOnFrozenRbmFeatures()
    {
        var done = await App.WaitForSuccessAsync((await App.SubmitAsync(DbnJobs.Tiny(fineTuning: "classifierOnTop", name: "classifier"))).Id);

        Assert.Equal(["pretrain-1", "pretrain-2", "classifier"], done.Stages!.Select(s => s.Stage).Distinct());
        var contents = DbnModelFile.Load(await App.GetModelFileAsync(done.ModelId!.Value));
        // Frozen: the classifier's hidden layers are the pre-trained RBMs' recognition weights, bit for bit.
        for (int l = 0; l < contents.Stack.Layers.Count; l++)
        {
            Assert.Equal(contents.Stack.Layers[l].Weights.Data, contents.Classifier!.Weights(l).Data);
            Assert.Equal(contents.Stack.Layers[l].HiddenBias, contents.Classifier.Bias(l));
        }

        var model = await App.GetModelAsync(done.ModelId.Value);
        Assert.Equal(JsonValueKind.Number, model.Metrics!.Value.GetProperty("errors").GetProperty("test").ValueKind);
    }

    [Fact]
    public async Task FineTuningNoneStoresTheStackWithoutAClassifierOrErrors()
    {
        var done = await App.WaitForSuccessAsync((await App.SubmitAsync(DbnJobs.Tiny(fineTuning: "none", joinLabels: true, name: "features"))).Id);

        Assert.Equal(["pretrain-1", "pretrain-2"], done.Stages!.Select(s => s.Stage).Distinct());
        var model = await App.GetModelAsync(done.ModelId!.Value);
        Assert.Null(model.TestError);
        Assert.Equal("256-16-16", model.Metrics!.Value.GetProperty("architecture").GetString());
        Assert.Equal(JsonValueKind.Null, model.Metrics!.Value.GetProperty("errors").GetProperty("test").ValueKind);
        var contents = DbnModelFile.Load(await App.GetModelFileAsync(model.Id));
        Assert.Null(contents.Classifier);
        Assert.Equal(10, contents.Stack.LabelUnits);
    }

    [Fact]
    public async Task CancelStopsARunningDbnJobDuringPretraining()
    {
        var job = await App.SubmitAsync(DbnJobs.Tiny(pretrainEpochs: 1000, limit: 200, name: "to cancel"));
        await App.WaitForJobAsync(job.Id, j => j.Stages!.Count >= 1, "stored a pre-training epoch");

        var response = await App.CreateClient().PostAsync($"/api/jobs/{job.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var canceled = await App.WaitForJobAsync(job.Id, j => j.Status == JobStatus.Canceled, "was canceled");
        Assert.Null(canceled.ModelId);
        Assert.StartsWith("pretrain-1", canceled.Progress!.Phase, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUserDataSetTrainsWithItsLastTenthAsTestRowsAndAnUnlabelledOneCannotBeFineTuned()
    {
        // Two classes of 4 values: class 1 has large first values. 80 rows: 8 test rows, 10 validation rows.
        var csv = new System.Text.StringBuilder();
        for (int i = 0; i < 80; i++)
        {
            int label = i % 2;
            csv.Append(label).Append(',').Append(label == 1 ? "0.9,0.8" : "0.1,0.2").Append(',').Append((i % 5) / 5.0).Append(",0.5\n");
        }

        var labelled = await UploadAsync(DatasetForms.Csv(csv.ToString(), labelColumn: "true", name: "two classes"));
        var job = await App.SubmitAsync(new
        {
            kind = "dbn",
            data = new { dataset = "user", datasetId = labelled },
            dbn = new
            {
                layers = new[] { new { hiddenUnits = 6, epochs = 2, batchSize = 10 } },
                backprop = new { learningRate = 0.5, batchSize = 10, epochs = 5 },
                validation = 10,
            },
        });
        var done = await App.WaitForSuccessAsync(job.Id);
        var model = await App.GetModelAsync(done.ModelId!.Value);
        Assert.Equal("4-6-2", model.Metrics!.Value.GetProperty("architecture").GetString());
        Assert.Equal(62, model.Metrics.Value.GetProperty("trainRows").GetInt32());
        Assert.Equal(8, model.Metrics.Value.GetProperty("testRows").GetInt32());
        Assert.Equal(2, model.Metrics.Value.GetProperty("confusion").GetArrayLength());

        var unlabelled = await UploadAsync(DatasetForms.Csv("1,2\n3,4\n5,6\n", labelColumn: null, name: "no labels"));
        var response = await App.CreateClient().PostAsJsonAsync("/api/jobs", new { kind = "dbn", data = new { dataset = "user", datasetId = unlabelled } }, TestApp.Json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestApp.Json);
        Assert.Contains("no labels", problem!.Errors["data.datasetId"][0], StringComparison.Ordinal);

        // Features only (RBM pre-training, no fine-tuning) needs no labels.
        var features = await App.SubmitAsync(new
        {
            kind = "dbn",
            data = new { dataset = "user", datasetId = unlabelled },
            dbn = new { fineTuning = "none", layers = new[] { new { hiddenUnits = 2, epochs = 1, batchSize = 1 } } },
        });
        await App.WaitForSuccessAsync(features.Id);
    }

    private async Task<Guid> UploadAsync(HttpContent form)
    {
        var response = await App.CreateClient().PostAsync("/api/datasets", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task InvalidDbnRequestsNameTheOffendingFields()
    {
        var response = await App.CreateClient().PostAsJsonAsync("/api/jobs", new
        {
            kind = "dbn",
            data = new { limit = 100, imageSize = 20 },
            dbn = new
            {
                layers = new object[] { new { hiddenUnits = 10 }, new { hiddenUnits = 0 }, new { hiddenUnits = 10, visibleType = "Gaussian", k = 0 } },
                pretraining = "magic",
                fineTuning = "sometimes",
                propagation = "waves",
                backprop = new { epochs = 0, momentum = 1.5, dropout = 0.9, inputDropout = -0.1 },
                validation = -1,
                testLimit = 20000,
            },
        }, TestApp.Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestApp.Json);
        Assert.NotNull(problem);
        foreach (string key in new[]
        {
            "data.imageSize", "dbn.layers[1].hiddenUnits", "dbn.layers[2].visibleType", "dbn.layers[2].k", "dbn.pretraining",
            "dbn.fineTuning", "dbn.propagation", "dbn.backprop.epochs", "dbn.backprop.momentum", "dbn.backprop.dropout",
            "dbn.backprop.inputDropout", "dbn.validation", "dbn.testLimit",
        })
        {
            Assert.True(problem.Errors.ContainsKey(key), $"no error for {key}; got {string.Join(", ", problem.Errors.Keys)}");
        }

        Assert.Contains("between 1 and 4096", problem.Errors["dbn.layers[1].hiddenUnits"][0], StringComparison.Ordinal);
        Assert.Contains("less than 0.9", problem.Errors["dbn.backprop.dropout"][0], StringComparison.Ordinal);
        Assert.Contains("at least 0", problem.Errors["dbn.backprop.inputDropout"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidationMustLeaveTrainingRowsAndLayersAreLimited()
    {
        var tooMuch = await App.CreateClient().PostAsJsonAsync("/api/jobs", new
        {
            kind = "dbn",
            data = new { limit = 100, imageSize = 16 },
            dbn = new { validation = 100, layers = Enumerable.Repeat(new { hiddenUnits = 8 }, 9).ToArray() },
        }, TestApp.Json);
        var problem = await tooMuch.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestApp.Json);
        Assert.Contains("less than the 100 training rows", problem!.Errors["dbn.validation"][0], StringComparison.Ordinal);
        Assert.Contains("between 1 and 8", problem.Errors["dbn.layers"][0], StringComparison.Ordinal);

        var joinWithoutRbm = await App.CreateClient().PostAsJsonAsync("/api/jobs", new
        {
            kind = "dbn",
            data = new { limit = 100, imageSize = 16, split = "test" },
            dbn = new { pretraining = "autoEncoder", joinLabels = true },
            rbm = new { hiddenUnits = 3 },
        }, TestApp.Json);
        problem = await joinWithoutRbm.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestApp.Json);
        Assert.True(problem!.Errors.ContainsKey("dbn.joinLabels"));
        Assert.True(problem.Errors.ContainsKey("data.split"));
        Assert.True(problem.Errors.ContainsKey("rbm"));
    }

    [Fact]
    public async Task ADbnJobWithoutASpecGetsTheDefaultsAndShowsThemInTheJob()
    {
        var job = await App.SubmitAsync(new { kind = "dbn", data = new { limit = 100, imageSize = 16 }, dbn = new { layers = new[] { new { hiddenUnits = 8, epochs = 1 } }, backprop = new { epochs = 1 } } });
        Assert.Equal("DBN job", job.Name);
        Assert.Equal("samples", job.Dbn!.Propagation);
        Assert.Equal("global", job.Dbn.FineTuning);
        Assert.Equal(0.9f, job.Dbn.Backprop.Momentum);
        Assert.Equal(0f, job.Dbn.Backprop.Dropout);
        Assert.Equal(0f, job.Dbn.Backprop.InputDropout);
        await App.WaitForSuccessAsync(job.Id);
    }
}
