using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;
using DeepNet.Server.Tests.Sharing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>Issue 11 points 1–2: the fair queue, per-user queue limits, budgets at submission and the run-time cap.</summary>
public sealed class SchedulingTests
{
    private const string Flooder = "flooder@deepnet.test";
    private const string Classmate = "classmate@deepnet.test";

    [Fact]
    public async Task AClassmatesJobStartsBeforeTheSecondOfFiftyFloodedJobs()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Jobs:MaxQueuedPerUser"] = "60" });
        var flooder = await app.CreateClientAsync(Flooder);
        var classmate = await app.CreateClientAsync(Classmate);

        var first = await SubmitAsync(flooder, TestApp.LongJob("flood 0"));
        await JobEvents.WaitAsync(app, first.Id, () => GetAsync(flooder, first.Id), j => j.Status == JobStatus.Running, "started", Flooder);
        var flood = new List<JobDto>();
        for (int i = 1; i < 50; i++)
        {
            flood.Add(await SubmitAsync(flooder, TestApp.SmallJob(epochs: 1, name: $"flood {i}")));
        }

        var single = await SubmitAsync(classmate, TestApp.SmallJob(epochs: 1, name: "one job"));

        // The queue already says so: the classmate's job is next, the flooder's second after it, start times in order.
        var singleQueued = await GetAsync(classmate, single.Id);
        var secondQueued = await GetAsync(flooder, flood[0].Id);
        Assert.Equal(1, singleQueued.Queue?.Position);
        Assert.Equal(2, secondQueued.Queue?.Position);
        // Start times in order within one forecast (two GETs are two forecasts, each from the running job's current ETA).
        var forecast = await app.Services.GetRequiredService<JobStore>().ForecastAsync();
        Assert.True(forecast[single.Id].EstimatedStartAt <= forecast[flood[0].Id].EstimatedStartAt);
        Assert.NotNull(singleQueued.Estimate);
        Assert.True(singleQueued.Estimate!.RunSeconds > 0);

        Assert.Equal(HttpStatusCode.Accepted, (await flooder.PostAsync($"/api/jobs/{first.Id}/cancel", null)).StatusCode);
        var done = await JobEvents.WaitAsync(app, single.Id, () => GetAsync(classmate, single.Id), j => j.Status == JobStatus.Succeeded, "succeeded", Classmate);
        var second = await GetAsync(flooder, flood[0].Id);
        Assert.True(second.StartedAt is null || second.StartedAt >= done.StartedAt, $"the flooder's second job started at {second.StartedAt}, the classmate's at {done.StartedAt}");

        foreach (var job in flood)
        {
            await flooder.PostAsync($"/api/jobs/{job.Id}/cancel", null);
        }
    }

    [Fact]
    public async Task AFullQueueRefusesWith409NamingTheLimitAndStoresNothing()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Jobs:MaxQueuedPerUser"] = "2" });
        var client = app.CreateClient();
        HttpResponseMessage? refused = null;
        var accepted = new List<JobDto>();
        for (int i = 0; i < 5 && refused is null; i++)
        {
            var response = await client.PostAsJsonAsync("/api/jobs", TestApp.LongJob($"long {i}"), TestApp.Json);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add((await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!);
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.Conflict, refused!.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<ProblemDetails>(TestApp.Json);
        Assert.Equal("Queue limit reached", problem!.Title);
        Assert.Contains("the limit is 2 per user", problem.Detail);

        var jobs = await client.GetFromJsonAsync<List<JobSummaryDto>>("/api/jobs", TestApp.Json);
        Assert.Equal(accepted.Select(j => j.Id).Order(), jobs!.Select(j => j.Id).Order());
        Assert.Equal(2, jobs!.Count(j => j.Status == JobStatus.Queued));
        foreach (var job in accepted)
        {
            await client.PostAsync($"/api/jobs/{job.Id}/cancel", null);
        }
    }

    public static TheoryData<string, object, string> OverBudgetSpecs() => new()
    {
        { "an RBM that would run for days", new { rbm = new { hiddenUnits = 4000, epochs = 1000 } }, "rbm.epochs" },
        { "a DBN of 8×4096 units", new { kind = "dbn", dbn = new { layers = Enumerable.Range(0, 8).Select(_ => new { hiddenUnits = 4096, epochs = 1 }) } }, "dbn.layers" },
        {
            "a wide CNN trained for 200 epochs",
            new
            {
                kind = "cnn",
                cnn = new
                {
                    epochs = 200,
                    batchSize = 16,
                    layers = new object[]
                    {
                        new { type = "conv", filters = 64, kernel = 3, padding = 1 }, new { type = "relu" },
                        new { type = "conv", filters = 64, kernel = 3, padding = 1 }, new { type = "relu" },
                        new { type = "maxPool", window = 2, stride = 2 },
                    },
                },
            },
            "cnn.epochs"
        },
    };

    [Fact]
    public void TheDbnEstimateOfTheLoadScriptsSpecCountsTheModelTheCheckpointAndTheTrainersCopies()
    {
        // tests/load/specs/dbn.json: 784-4096-4096-4096-10, no pre-training, one epoch of global fine-tuning on 300 digits.
        var spec = new DbnJobSpec
        {
            Layers = [new DbnLayerSpec { HiddenUnits = 4096 }, new DbnLayerSpec { HiddenUnits = 4096 }, new DbnLayerSpec { HiddenUnits = 4096 }],
            Pretraining = DbnSpecNames.None,
            FineTuning = DbnSpecNames.Global,
            Backprop = new DbnBackpropSpec { BatchSize = 50, Epochs = 1 },
            Validation = 100,
            TestLimit = 200,
        };
        long parameters = JobEstimate.Floats((784L * 4096) + (2L * 4096 * 4096) + (4096 * 10));

        JobEstimate estimate = DbnJobEstimate.Of(spec, new TrainingDataShape(300, 784));

        Assert.True(estimate.ModelBytes >= 2 * parameters, "the model file holds the stack and the fine-tuned network");
        Assert.True(estimate.CheckpointBytes >= 3 * parameters, "a checkpoint holds the stack, the network and its velocity");
        Assert.True(
            estimate.PeakMemoryBytes >= estimate.ModelBytes + estimate.CheckpointBytes + (2 * parameters),
            $"peak {estimate.PeakMemoryBytes / JobBudget.Megabyte} MB");
        Assert.True(
            estimate.PeakMemoryBytes >= (JobEstimate.StoredModelCopies * estimate.ModelBytes) + (6 * parameters),
            "the trainer's arrays and a checkpoint's copy are still held when SQLite stores the model");
    }

    [Theory]
    [MemberData(nameof(OverBudgetSpecs))]
    public async Task AnOverBudgetSpecIsRefusedWithTheEstimateAndTheLimit(string what, object request, string field)
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/jobs", request, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(TestApp.Json);
        Assert.True(problem!.Title == "Job over budget", $"{what}: {string.Join("; ", problem.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
        Assert.True(problem.Errors.TryGetValue(field, out var messages), $"{what}: errors {string.Join(", ", problem.Errors.Keys)}");
        Assert.All(messages, m => Assert.Matches(@"estimated .+; the limit (per job )?is ", m));
        Assert.Empty((await client.GetFromJsonAsync<List<JobSummaryDto>>("/api/jobs", TestApp.Json))!);
    }

    [Fact]
    public async Task ARunningJobPastTheRunTimeCapFailsWithThatReason()
    {
        // Estimates made tiny so the long job is admitted; the cap then stops it.
        await using var app = new TestApp(settings: new Dictionary<string, string>
        {
            ["Jobs:MaxRunTime"] = "00:00:02",
            ["Jobs:EffectiveGflops"] = "1000000",
        });
        var job = await app.SubmitAsync(TestApp.LongJob());
        var failed = await app.WaitForStatusAsync(job.Id, JobStatus.Failed);
        Assert.Contains("maximum run time of 2 s", failed.Error);
    }

    [Fact]
    public async Task TheInstructorSeesTheClassQueueAndNobodyElseDoes()
    {
        await using var app = new TestApp();
        var teacher = await app.NewUserAsync("teacher");
        var student = await app.NewUserAsync("student");
        var stranger = await app.NewUserAsync("stranger");
        var classroom = await teacher.CreateClassAsync();
        var asTeacher = await teacher.Client.GetFromJsonAsync<ClassDto>($"/api/classes/{classroom.Id}", TestApp.Json);
        await student.JoinAsync(asTeacher!.JoinCode!);

        var running = await SubmitAsync(student.Client, TestApp.LongJob("running"));
        var queued = await SubmitAsync(student.Client, TestApp.SmallJob(name: "queued"));
        var outsider = await SubmitAsync(stranger.Client, TestApp.SmallJob(name: "not in the class"));
        await JobEvents.WaitAsync(app, running.Id, () => GetAsync(student.Client, running.Id), j => j.Status == JobStatus.Running, "started", student.Email);

        var queue = await teacher.Client.GetFromJsonAsync<ClassQueueDto>($"/api/classes/{classroom.Id}/queue", TestApp.Json);
        Assert.Equal([running.Id, queued.Id], queue!.Jobs.Select(j => j.JobId));
        Assert.All(queue.Jobs, j => Assert.Equal(student.DisplayName, j.Owner));
        Assert.Equal(JobStatus.Running, queue.Jobs[0].Status);
        Assert.Null(queue.Jobs[0].Position);
        Assert.NotNull(queue.Jobs[1].Position);
        Assert.NotNull(queue.Jobs[1].EstimatedStartAt);
        Assert.DoesNotContain(queue.Jobs, j => j.JobId == outsider.Id);

        Assert.Equal(HttpStatusCode.Forbidden, (await student.Client.GetAsync($"/api/classes/{classroom.Id}/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/classes/{classroom.Id}/queue")).StatusCode);
        foreach (var job in new[] { running, queued })
        {
            await student.Client.PostAsync($"/api/jobs/{job.Id}/cancel", null);
        }

        await stranger.Client.PostAsync($"/api/jobs/{outsider.Id}/cancel", null);
    }

    private static async Task<JobDto> SubmitAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
    }

    private static async Task<JobDto> GetAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JobDto>($"/api/jobs/{id}", TestApp.Json))!;
}

/// <summary>The fair order itself, without a server.</summary>
public sealed class FairShareOrderTests
{
    private static readonly DateTime T0 = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void OwnersTakeTurnsInTheOrderTheyWereLastServed()
    {
        var flood = Enumerable.Range(0, 5).Select(i => new FairShareOrder.QueuedJob(Guid.NewGuid(), "a", T0.AddSeconds(i))).ToList();
        var b = new FairShareOrder.QueuedJob(Guid.NewGuid(), "b", T0.AddSeconds(10));
        var c1 = new FairShareOrder.QueuedJob(Guid.NewGuid(), "c", T0.AddSeconds(11));
        var c2 = new FairShareOrder.QueuedJob(Guid.NewGuid(), "c", T0.AddSeconds(12));
        var lastStarts = new Dictionary<string, DateTime> { ["a"] = T0.AddMinutes(-1), ["c"] = T0.AddMinutes(-2) };

        var order = FairShareOrder.Order([c2, .. flood, b, c1], lastStarts);

        // b was never served, c longer ago than a; then each owner's next job in the same turn order.
        Assert.Equal([b, c1, flood[0], c2, flood[1], flood[2], flood[3], flood[4]], order);
    }

    [Fact]
    public void AnEmptyQueueHasNoOrder() => Assert.Empty(FairShareOrder.Order([], new Dictionary<string, DateTime>()));
}
