using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests;

/// <summary>The server (a <see cref="TestApp"/>) with helpers for DBN jobs, models and the DBN hub.</summary>
public sealed class DbnApp : IAsyncDisposable
{
    private readonly TestApp _root;

    public DbnApp(string? dataDirectory = null)
    {
        _root = new TestApp(dataDirectory);
        Factory = _root;
    }

    public WebApplicationFactory<Program> Factory { get; }

    /// <summary>The underlying app, for waits on its hub (<see cref="JobEvents"/>).</summary>
    public TestApp Root => _root;

    public IServiceProvider Services => Factory.Services;

    public HttpClient CreateClient() => Factory.CreateClient();

    public Task<string> UserIdAsync(string email = TestApp.DefaultUser) => _root.UserIdAsync(email);

    public async Task<JobDto> SubmitAsync(object body)
    {
        var response = await CreateClient().PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"HTTP {(int)response.StatusCode}: {text}");
        var job = System.Text.Json.JsonSerializer.Deserialize<JobDto>(text, TestApp.Json);
        Assert.NotNull(job);
        return job;
    }

    public async Task<JobDto> GetJobAsync(Guid id)
    {
        var job = await CreateClient().GetFromJsonAsync<JobDto>($"/api/jobs/{id}", TestApp.Json);
        Assert.NotNull(job);
        return job;
    }

    public Task<JobDto> WaitForJobAsync(Guid id, Func<JobDto, bool> condition, string what) =>
        JobEvents.WaitAsync(_root, id, () => GetJobAsync(id), j => condition(j) || (j.Status is JobStatus.Failed or JobStatus.Canceled && Fail(j)), what);

    public async Task<JobDto> WaitForSuccessAsync(Guid id)
    {
        var job = await WaitForJobAsync(id, j => j.Status == JobStatus.Succeeded, "succeeded");
        Assert.NotNull(job.ModelId);
        return job;
    }

    public async Task<ModelDto> GetModelAsync(Guid id)
    {
        var model = await CreateClient().GetFromJsonAsync<ModelDto>($"/api/models/{id}", TestApp.Json);
        Assert.NotNull(model);
        return model;
    }

    public async Task<byte[]> GetModelFileAsync(Guid id) => await CreateClient().GetByteArrayAsync($"/api/models/{id}/file");

    public async Task<HubConnection> ConnectDbnHubAsync()
    {
        var connection = _root.CreateHubConnection(DbnHub.Path);
        await connection.StartAsync();
        return connection;
    }

    public async ValueTask DisposeAsync() => await _root.DisposeAsync();

    private static bool Fail(JobDto job)
    {
        Assert.Fail($"job {job.Id} ended {job.Status}: {job.Error}");
        return false;
    }
}

/// <summary>Small DBN job requests: a few hundred 16×16 digits and layers of a few units, seconds each.</summary>
public static class DbnJobs
{
    public static object Tiny(
        string pretraining = "rbm",
        string fineTuning = "global",
        bool joinLabels = false,
        int pretrainEpochs = 2,
        int fineTuneEpochs = 2,
        int limit = 300,
        int validation = 50,
        int units = 16,
        int layers = 2,
        string name = "tiny dbn") => new
        {
            name,
            kind = "dbn",
            data = new { limit, imageSize = 16 },
            dbn = new
            {
                layers = Enumerable.Range(0, layers).Select(_ => new { hiddenUnits = units, epochs = pretrainEpochs, learningRate = 0.1, batchSize = 20, momentum = 0.5 }).ToArray(),
                pretraining,
                fineTuning,
                joinLabels,
                backprop = new { learningRate = 0.1, momentum = 0.9, batchSize = 20, epochs = fineTuneEpochs },
                validation,
                testLimit = 200,
                seed = 11,
            },
        };
}
