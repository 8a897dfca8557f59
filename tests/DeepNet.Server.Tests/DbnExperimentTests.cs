using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Experiments;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

public sealed class DbnExperimentTests(DbnAppFixture fixture) : IClassFixture<DbnAppFixture>
{
    private DbnApp App => fixture.App;

    [Fact]
    public void TheBengioTableHasTheFivePublishedRows()
    {
        var experiment = new Bengio2007Experiment();
        Assert.Equal("bengio2007", experiment.Kind);
        var rows = experiment.Rows(ExperimentScales.Full);
        Assert.Equal([1.2, 1.4, 2.0, 2.4, 1.9], rows.Select(r => r.PublishedTestError!.Value));
        Assert.Equal(["rbm", "autoEncoder", "supervised", "none", "none"], rows.Select(r => r.Job.Dbn!.Pretraining));
        Assert.All(rows, r => Assert.Equal(10_000, r.Job.Dbn!.Validation));
        Assert.All(rows, r => Assert.Contains("Bengio", r.Source, StringComparison.Ordinal));
        Assert.Equal([3, 3, 3, 3, 1], rows.Select(r => r.Job.Dbn!.Layers!.Count));
        Assert.Throws<ArgumentException>(() => experiment.Rows("huge"));
    }

    [Fact]
    public async Task EveryFullRowIsAValidJobRequest()
    {
        var kind = App.Services.GetServices<IModelKind>().OfType<DbnJobKind>().Single();
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DeepNetDbContext>();
        foreach (var row in new Bengio2007Experiment().Rows(ExperimentScales.Full))
        {
            var validation = await kind.ValidateAsync(row.Job, db, CancellationToken.None);
            Assert.True(validation.Draft is not null, $"{row.Key}: {string.Join("; ", validation.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
        }
    }

    [Fact]
    public async Task TheQuickTableRunsEveryRowAsADbnJobAndFillsInTheErrors()
    {
        var response = await App.CreateClient().PostAsJsonAsync("/api/experiments", new { kind = "bengio2007", scale = "quick" }, TestApp.Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var experiment = await response.Content.ReadFromJsonAsync<ExperimentDto>(TestApp.Json);
        Assert.Equal(["dbn", "autoAssociator", "supervised", "noPretraining", "shallow"], experiment!.Rows.Select(r => r.Key));

        await JobEvents.WaitForJobListAsync(
            App.Root,
            async () =>
            {
                experiment = await App.CreateClient().GetFromJsonAsync<ExperimentDto>($"/api/experiments/{experiment.Id}", TestApp.Json);
                return experiment!.Finished;
            },
            () => $"the table never finished: {string.Join(", ", experiment!.Rows.Select(r => $"{r.Key} {r.Status} {r.Error}"))}");

        foreach (var row in experiment!.Rows)
        {
            Assert.True(row.Status == JobStatus.Succeeded, $"{row.Key}: {row.Status} {row.Error}");
            Assert.InRange(row.TestError!.Value, 0, 100);
            Assert.InRange(row.ValidError!.Value, 0, 100);
            Assert.NotNull(row.TrainError);
            var job = await App.GetJobAsync(row.JobId);
            Assert.Equal("dbn", job.Kind);
            var model = await App.GetModelAsync(row.ModelId!.Value);
            Assert.Equal(row.Key == "shallow" ? "256-64-10" : "256-32-32-32-10", model.Metrics!.Value.GetProperty("architecture").GetString());
        }
    }
}
