using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Models;
using DeepNet.Models.Dbn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>One app with an RBM and a DBN trained by an instructor and shared with their class.</summary>
public sealed class ForkModelsFixture : IAsyncLifetime
{
    public TestApp App { get; } = new();

    public TestUser Owner { get; private set; } = null!;

    public TestUser Classmate { get; private set; } = null!;

    public TestUser Stranger { get; private set; } = null!;

    public JobDto RbmJob { get; private set; } = null!;

    public JobDto DbnJob { get; private set; } = null!;

    public Guid Rbm => RbmJob.ModelId!.Value;

    public Guid Dbn => DbnJob.ModelId!.Value;

    public async Task InitializeAsync()
    {
        Owner = await App.NewUserAsync("owner");
        Classmate = await App.NewUserAsync("classmate");
        Stranger = await App.NewUserAsync("stranger");
        var classroom = await Owner.CreateClassAsync();
        await Classmate.JoinAsync(classroom.JoinCode!);
        RbmJob = await Owner.TrainAsync(TestApp.SmallJob(epochs: 3, name: "parent rbm"));
        DbnJob = await Owner.TrainAsync(new
        {
            name = "parent dbn",
            kind = "dbn",
            data = new { limit = 1000, imageSize = 16 },
            dbn = new
            {
                layers = new[] { new { hiddenUnits = 32, epochs = 2, learningRate = 0.1, batchSize = 20, momentum = 0.5 }, new { hiddenUnits = 32, epochs = 1, learningRate = 0.1, batchSize = 20, momentum = 0.5 } },
                backprop = new { learningRate = 0.1, momentum = 0.9, batchSize = 20, epochs = 4 },
                validation = 100,
                testLimit = 200,
                seed = 11,
            },
        });
        await Owner.SetVisibilityAsync(Rbm, "class", classroom.Id);
        await Owner.SetVisibilityAsync(Dbn, "class", classroom.Id);
    }

    public async Task<TrainedModel> StoredModelAsync(Guid id)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        return await db.TrainedModels.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class ModelForkTests(ForkModelsFixture models) : IClassFixture<ForkModelsFixture>
{
    private static async Task<JobDto> ForkAsync(TestUser user, Guid modelId, object body)
    {
        var response = await user.Client.PostAsJsonAsync($"/api/models/{modelId}/fork", body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var job = (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        Assert.Equal($"/api/jobs/{job.Id}", response.Headers.Location?.OriginalString);
        return job;
    }

    private static IEnumerable<string> StageNames(JobDto job) => job.Stages!.Select(s => s.Stage).Distinct();

    [Fact]
    public async Task AClassmateForksAnRbmToContinueItFromTheParentsWeights()
    {
        var submitted = await ForkAsync(models.Classmate, models.Rbm, new { mode = "continue", epochs = 2 });
        Assert.Equal("parent rbm (fork)", submitted.Name);
        Assert.Equal(models.RbmJob.Rbm! with { Epochs = 2 }, submitted.Rbm);
        Assert.Equal(JsonSerializer.Serialize(models.RbmJob.Data, TestApp.Json), JsonSerializer.Serialize(submitted.Data, TestApp.Json));

        var job = await models.Classmate.WaitForSuccessAsync(submitted.Id);

        Assert.Equal(2, job.History.Count);
        float parentFirst = models.RbmJob.History[0].ReconstructionError;
        float parentLast = models.RbmJob.History[^1].ReconstructionError;
        Assert.True(
            job.History[0].ReconstructionError < parentFirst && job.History[0].ReconstructionError < parentLast * 1.1f,
            $"the fork's first epoch ({job.History[0].ReconstructionError:F3}) starts where the parent ended ({parentLast:F3}), not where it began ({parentFirst:F3})");
        var model = await models.StoredModelAsync(job.ModelId!.Value);
        Assert.Equal(models.Rbm, model.ParentModelId);
        Assert.Equal(models.Classmate.Id, model.OwnerId);
        // The job is the classmate's: the parent's owner does not see it (its model is private to the classmate).
        Assert.Equal(HttpStatusCode.NotFound, (await models.Owner.Client.GetAsync($"/api/jobs/{job.Id}")).StatusCode);
    }

    [Fact]
    public async Task AStrangerGets404ForAClassSharedModelAndForUnknownModels()
    {
        var response = await models.Stranger.Client.PostAsJsonAsync($"/api/models/{models.Rbm}/fork", new { mode = "continue" }, TestApp.Json);
        string detail = await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal($"Model {models.Rbm} not found.", detail);

        var unknown = Guid.NewGuid();
        Assert.Equal(
            $"Model {unknown} not found.",
            await SharingTestKit.AssertProblemAsync(
                await models.Stranger.Client.PostAsJsonAsync($"/api/models/{unknown}/fork", new { mode = "continue" }, TestApp.Json), HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task AModeThatDoesNotFitTheModelIsA400NamingMode()
    {
        var client = models.Classmate.Client;
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync($"/api/models/{models.Rbm}/fork", new { mode = "fineTune" }, TestApp.Json), "mode");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync($"/api/models/{models.Dbn}/fork", new { mode = "continue" }, TestApp.Json), "mode");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync($"/api/models/{models.Dbn}/fork", new { mode = "dbnFirstLayer" }, TestApp.Json), "mode");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync($"/api/models/{models.Rbm}/fork", new { mode = "sideways" }, TestApp.Json), "mode");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync($"/api/models/{models.Rbm}/fork", new { name = "no mode" }, TestApp.Json), "mode");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync($"/api/models/{models.Rbm}/fork", new { mode = "continue", epochs = 0 }, TestApp.Json), "epochs");
        await SharingTestKit.AssertInvalidAsync(
            await client.PostAsJsonAsync($"/api/models/{models.Rbm}/fork", new { mode = "dbnFirstLayer", data = new { imageSize = 28 } }, TestApp.Json), "data.imageSize");
    }

    [Fact]
    public async Task DbnFirstLayerPutsTheRbmUnderADbnWithoutTrainingItAgain()
    {
        var submitted = await ForkAsync(models.Classmate, models.Rbm, new
        {
            mode = "dbnFirstLayer",
            name = "dbn on a shared rbm",
            data = new { limit = 300, imageSize = 16 },
            dbn = new
            {
                layers = new object[] { new { }, new { hiddenUnits = 12, epochs = 2, learningRate = 0.1, batchSize = 20 } },
                backprop = new { learningRate = 0.1, momentum = 0.9, batchSize = 20, epochs = 2 },
                testLimit = 100,
            },
        });
        Assert.Equal("dbn", submitted.Kind);
        Assert.Equal(16, submitted.Dbn!.Layers![0].HiddenUnits);

        var job = await models.Classmate.WaitForSuccessAsync(submitted.Id);

        Assert.Equal(["pretrain-2", "finetune"], StageNames(job));
        var parent = RbmModelFile.Load(await models.Owner.Client.GetByteArrayAsync($"/api/models/{models.Rbm}/file")).Rbm;
        var fork = DbnModelFile.Load(await models.Classmate.Client.GetByteArrayAsync($"/api/models/{job.ModelId}/file"));
        Assert.Equal(parent.Weights.Data, fork.Stack.Layers[0].Weights.Data);
        Assert.Equal(parent.HiddenBias, fork.Stack.Layers[0].HiddenBias);
        Assert.NotNull(fork.Classifier);
        Assert.Equal(models.Rbm, (await models.StoredModelAsync(job.ModelId!.Value)).ParentModelId);
    }

    [Fact]
    public async Task FineTuneContinuesADbnsClassifierWithoutPretrainingAgain()
    {
        var submitted = await ForkAsync(models.Classmate, models.Dbn, new { mode = "fineTune", epochs = 2 });
        Assert.Equal("global", submitted.Dbn!.FineTuning);
        Assert.Equal(2, submitted.Dbn.Backprop.Epochs);

        var job = await models.Classmate.WaitForSuccessAsync(submitted.Id);

        Assert.Equal(["finetune"], StageNames(job));
        double Loss(JobDto j) => j.Stages!.First(s => s.Stage == "finetune" && s.Epoch == 1).Metrics.GetProperty("loss").GetDouble();
        Assert.True(Loss(job) < Loss(models.DbnJob), $"the fork's first fine-tuning epoch (loss {Loss(job):F3}) starts from the trained classifier, unlike the parent's ({Loss(models.DbnJob):F3})");
        var parent = DbnModelFile.Load(await models.Owner.Client.GetByteArrayAsync($"/api/models/{models.Dbn}/file"));
        var fork = DbnModelFile.Load(await models.Classmate.Client.GetByteArrayAsync($"/api/models/{job.ModelId}/file"));
        for (int l = 0; l < parent.Stack.Layers.Count; l++)
        {
            Assert.Equal(parent.Stack.Layers[l].Weights.Data, fork.Stack.Layers[l].Weights.Data);
        }

        Assert.NotEqual(parent.Classifier!.Weights(0).Data, fork.Classifier!.Weights(0).Data);
        Assert.Equal(models.Dbn, (await models.StoredModelAsync(job.ModelId!.Value)).ParentModelId);
    }

    [Fact]
    public void TheStartFromReferenceRoundTripsThroughTheJobsOptions()
    {
        var start = new JobStartFrom(Guid.NewGuid(), ForkModes.Continue);
        string json = JobStart.Attach("""{"hiddenUnits":16,"epochs":2}""", start);

        Assert.Equal(start, JobStart.Read(json));
        Assert.Null(JobStart.Read("""{"hiddenUnits":16}"""));
        using var document = JsonDocument.Parse(json);
        Assert.Equal(16, document.RootElement.GetProperty("hiddenUnits").GetInt32());
    }
}
