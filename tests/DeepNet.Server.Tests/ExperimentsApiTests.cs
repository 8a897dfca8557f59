using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Experiments;

namespace DeepNet.Server.Tests;

public sealed class ExperimentsApiTests
{
    [Fact]
    public async Task DefinitionsListBothTablesWithThePublishedFigures()
    {
        await using var app = new TestApp();
        var definitions = await app.CreateClient().GetFromJsonAsync<List<ExperimentDefinitionDto>>("/api/experiments/definitions", TestApp.Json);

        var mnist = Assert.Single(definitions!, d => d.Kind == "mnist-table");
        Assert.Equal([1.60, 1.53, 0.95, 0.80], mnist.Rows.Select(r => r.PublishedTestError!.Value));
        Assert.Equal(["dbn", "dbn", "dbn", "cnn"], mnist.Rows.Select(r => r.JobKind));

        var bengio = Assert.Single(definitions!, d => d.Kind == "bengio2007");
        Assert.Equal(5, bengio.Rows.Count);
        Assert.Equal([1.2, 1.4, 2.0, 2.4, 1.9], bengio.Rows.Select(r => r.PublishedTestError!.Value));
    }

    [Fact]
    public async Task DefinitionsSayWhatEachScaleTrainsAndHowLongTheServerEstimatesIt()
    {
        await using var app = new TestApp();
        var definitions = await app.CreateClient().GetFromJsonAsync<List<ExperimentDefinitionDto>>("/api/experiments/definitions", TestApp.Json);

        foreach (var definition in definitions!)
        {
            Assert.Equal(["quick", "full"], definition.Scales.Select(s => s.Scale));
            foreach (var scale in definition.Scales)
            {
                Assert.Equal(definition.Rows.Select(r => r.Key), scale.Rows.Select(r => r.Key));
                Assert.All(scale.Rows, r =>
                {
                    Assert.True(r.EstimatedRunSeconds > 0, $"{definition.Kind}/{scale.Scale}/{r.Key} has no run-time estimate");
                    Assert.Contains("epoch", r.Setting.Epochs, StringComparison.Ordinal);
                    Assert.Contains("training digits at", r.Setting.Data, StringComparison.Ordinal);
                });
                Assert.Equal(scale.Rows.Sum(r => r.EstimatedRunSeconds), scale.EstimatedRunSeconds, 6);
            }

            Assert.True(definition.Scales[1].EstimatedRunSeconds > definition.Scales[0].EstimatedRunSeconds, $"{definition.Kind}: full is not longer than quick");
        }

        // The architecture is the one the row really gets, shapes included: LeNet-5's S4 is 16×5×5 only on 28×28 digits.
        var full = Assert.Single(definitions!, d => d.Kind == "mnist-table").Scales.Single(s => s.Scale == "full");
        var lenet = full.Rows.Single(r => r.Key == "lenet5").Setting;
        Assert.Equal("LeNet-5: 1×28×28 → 6×28×28 → 6×14×14 → 16×10×10 → 16×5×5 → 120 → 84 → 10", lenet.Architecture);
        Assert.Equal("12 epochs", lenet.Epochs);
        Assert.Equal("60,000 training digits at 28×28; 10,000 test digits", lenet.Data);
        Assert.Equal("784-500-500-2000-10, RBM pre-training", full.Rows.Single(r => r.Key == "dbn").Setting.Architecture);
        Assert.Equal("20 epochs a layer, then 100 epochs of backprop", full.Rows.Single(r => r.Key == "dbn").Setting.Epochs);
        Assert.Equal("784-800-10, no pre-training", full.Rows.Single(r => r.Key == "nn-800").Setting.Architecture);
    }

    [Fact]
    public async Task AStartedTableShowsEachRowsSettingAsItsJobStoresIt()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var definitions = await client.GetFromJsonAsync<List<ExperimentDefinitionDto>>("/api/experiments/definitions", TestApp.Json);
        var quick = definitions!.Single(d => d.Kind == "bengio2007").Scales.Single(s => s.Scale == "quick");

        var response = await client.PostAsJsonAsync("/api/experiments", new { kind = "bengio2007", scale = "quick" }, TestApp.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<ExperimentDto>(TestApp.Json);
        await client.PostAsync($"/api/experiments/{started!.Id}/cancel", null);

        Assert.Equal(quick.Rows.Select(r => r.Setting), started.Rows.Select(r => r.Setting));
        Assert.Equal(quick.Rows.Select(r => r.EstimatedRunSeconds), started.Rows.Select(r => r.EstimatedRunSeconds!.Value));
    }

    [Theory]
    [InlineData("{\"kind\":\"nope\"}", "kind")]
    [InlineData("{}", "kind")]
    [InlineData("{\"kind\":\"mnist-table\",\"scale\":\"huge\"}", "scale")]
    [InlineData("{\"kind\":\"mnist-table\",\"name\":\"  \"}", "name")]
    public async Task InvalidRequestIsAValidationProblemNamingTheFieldAndStoresNothing(string body, string field)
    {
        await using var app = new TestApp();
        var response = await app.CreateClient().PostAsync("/api/experiments", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestApp.Json);
        Assert.Contains(field, problem!.Errors.Keys);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeepNetDbContext>();
        Assert.Equal(0, await db.Experiments.CountAsync());
        Assert.Equal(0, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task UnknownExperimentIsNotFound()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var id = Guid.NewGuid();

        var get = await client.GetAsync($"/api/experiments/{id}");
        var cancel = await client.PostAsync($"/api/experiments/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Contains(id.ToString(), (await get.Content.ReadFromJsonAsync<ProblemDetails>(TestApp.Json))!.Detail);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task QuickMnistTableRunsEveryRowAsAJobAndFillsInTheErrors()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();

        var response = await client.PostAsJsonAsync("/api/experiments", new { kind = "mnist-table", scale = "quick" }, TestApp.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<ExperimentDto>(TestApp.Json);
        Assert.Equal($"/api/experiments/{started!.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(["nn-800", "nn-500-300", "dbn", "lenet5"], started.Rows.Select(r => r.Key));
        Assert.All(started.Rows.Skip(1), r => Assert.Equal(JobStatus.Queued, r.Status));
        Assert.False(started.Finished);

        // Every row is an ordinary job, named after its row (the job lists group it under the table).
        var job = await app.GetJobAsync(started.Rows[3].JobId);
        Assert.Equal("cnn", job.Kind);
        Assert.Equal("LeNet-5, with small affine distortions", job.Name);

        ExperimentDto experiment = started;
        await JobEvents.WaitForJobListAsync(
            app,
            async () =>
            {
                experiment = (await client.GetFromJsonAsync<ExperimentDto>($"/api/experiments/{started.Id}", TestApp.Json))!;
                return experiment.Finished;
            },
            () => $"the table never finished: {string.Join(", ", experiment.Rows.Select(r => $"{r.Key} {r.Status} {r.Error}"))}");

        Assert.All(experiment.Rows, row =>
        {
            Assert.Equal(JobStatus.Succeeded, row.Status);
            Assert.NotNull(row.ModelId);
            Assert.InRange(row.TestError!.Value, 0, 100);
            Assert.InRange(row.TrainError!.Value, 0, 100);
            Assert.Equal(1, row.Fraction);
            Assert.True(row.Seconds > 0);
        });

        // A quick net on 1,000 digits at 16×16 still learns: far better than chance (90 %).
        Assert.All(experiment.Rows, row => Assert.True(row.TestError < 60, $"{row.Key}: test error {row.TestError} %"));
        var listed = await client.GetFromJsonAsync<List<ExperimentDto>>("/api/experiments", TestApp.Json);
        Assert.Equal(started.Id, Assert.Single(listed!).Id);
    }

    [Fact]
    public async Task CancelStopsEveryUnfinishedRow()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/experiments", new { kind = "mnist-table", scale = "full", name = "to cancel" }, TestApp.Json);
        var started = await response.Content.ReadFromJsonAsync<ExperimentDto>(TestApp.Json);

        var cancel = await client.PostAsync($"/api/experiments/{started!.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);

        ExperimentDto experiment = started;
        await JobEvents.WaitForJobListAsync(
            app,
            async () =>
            {
                experiment = (await client.GetFromJsonAsync<ExperimentDto>($"/api/experiments/{started.Id}", TestApp.Json))!;
                return experiment.Finished;
            },
            () => $"rows still running: {string.Join(", ", experiment.Rows.Select(r => $"{r.Key} {r.Status}"))}");
        Assert.Equal("to cancel", experiment.Name);
        Assert.All(experiment.Rows, row => Assert.Equal(JobStatus.Canceled, row.Status));
    }
}
