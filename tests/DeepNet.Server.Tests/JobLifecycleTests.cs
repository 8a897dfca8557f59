using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests;

public sealed class JobLifecycleTests
{
    [Fact]
    public async Task SubmittedJobRunsToSuccessAndItsModelIsDownloadableAndLoadable()
    {
        await using var app = new TestApp();
        var submitted = await app.SubmitAsync(TestApp.SmallJob(epochs: 5, name: "Homework 1"));
        Assert.Equal(JobStatus.Queued, submitted.Status);
        Assert.Equal("rbm", submitted.Kind);
        Assert.Equal(16, submitted.Rbm!.HiddenUnits);
        Assert.Equal([1, 2, 3], submitted.Data.Classes!);

        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.FinishedAt);
        Assert.Null(job.Error);
        Assert.Null(job.ResumedFromEpoch);
        Assert.Equal([1, 2, 3, 4, 5], job.History.Select(m => m.Epoch));
        Assert.NotNull(job.Progress);
        Assert.Equal(1.0, job.Progress.Fraction, 3);
        Assert.NotNull(job.ModelId);

        var client = app.CreateClient();
        var models = await client.GetFromJsonAsync<List<ModelDto>>("/api/models", TestApp.Json);
        var listed = Assert.Single(models!);
        Assert.Equal(job.ModelId, listed.Id);

        var model = await client.GetFromJsonAsync<ModelDto>($"/api/models/{job.ModelId}", TestApp.Json);
        Assert.NotNull(model);
        Assert.Equal("Homework 1", model.Name);
        Assert.Equal(job.Id, model.JobId);
        Assert.Equal((256, 16, 16, 16), (model.VisibleUnits, model.HiddenUnits, model.ImageWidth, model.ImageHeight));
        Assert.Equal(job.History[^1].ReconstructionError, model.ReconstructionError);
        Assert.Equal($"/api/models/{model.Id}/file", model.FileUrl);

        var download = await client.GetAsync(model.FileUrl);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"Homework-1-{model.Id.ToString("N")[..8]}.safetensors", download.Content.Headers.ContentDisposition?.FileName);
        byte[] file = await download.Content.ReadAsByteArrayAsync();
        // The download is the stored file with author, parent and checksum added to its header.
        Assert.InRange(file.Length, model.SizeBytes, model.SizeBytes + 4096);

        var (rbm, metadata) = RbmModelFile.Load(file);
        Assert.Equal(256, rbm.VisibleUnits);
        Assert.Equal(16, rbm.HiddenUnits);
        Assert.Equal((16, 256), (rbm.Weights.Rows, rbm.Weights.Cols));
        Assert.Equal("1", metadata["format_version"]);
        Assert.Equal("rbm", metadata["model_type"]);
        Assert.StartsWith("sha256:", metadata["checksum"], StringComparison.Ordinal);
        Assert.Equal(job.Id.ToString("D"), metadata["job_id"]);
        Assert.Equal("Homework 1", metadata["name"]);
        Assert.Contains("\"hiddenUnits\":16", metadata["hyperparameters"], StringComparison.Ordinal);
        Assert.Contains("\"classes\":[1,2,3]", metadata["data_spec"], StringComparison.Ordinal);
        Assert.Contains("reconstructionError", metadata["metrics"], StringComparison.Ordinal);
        Assert.True(DateTime.TryParse(metadata["created_at"], out _));

        var filters = await client.GetAsync($"/api/jobs/{job.Id}/images/filters");
        Assert.Equal("image/png", filters.Content.Headers.ContentType?.MediaType);
        Assert.True(Png.HasSignature(await filters.Content.ReadAsByteArrayAsync()));
        var reconstructions = await client.GetAsync($"/api/jobs/{job.Id}/images/reconstructions");
        Assert.True(Png.HasSignature(await reconstructions.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task TrainingLowersTheReconstructionError()
    {
        await using var app = new TestApp();
        var submitted = await app.SubmitAsync(TestApp.SmallJob(epochs: 4));
        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);

        Assert.Equal(4, job.History.Count);
        Assert.True(
            job.History[^1].ReconstructionError < 0.9f * job.History[0].ReconstructionError,
            $"errors per epoch: {string.Join(", ", job.History.Select(m => m.ReconstructionError))}");
        Assert.All(job.History, m => Assert.True(m.SamplesPerSecond > 0 && m.Seconds > 0));
    }

    [Fact]
    public async Task CancelStopsRunningJobWithinOneBatch()
    {
        await using var app = new TestApp();
        var submitted = await app.SubmitAsync(TestApp.LongJob());
        await app.WaitForJobAsync(submitted.Id, j => j.Status == JobStatus.Running && j.Progress is not null, "reported progress");

        var clock = Stopwatch.StartNew();
        var response = await app.CreateClient().PostAsync($"/api/jobs/{submitted.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Canceled);
        // The AIS alone would run for minutes; a stop within 30 s shows the evaluation heeds the cancel even while the
        // parallel test classes load both cores (10 s proved too tight under CI's load).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"cancel took {clock.Elapsed}");
        Assert.NotNull(job.FinishedAt);
        Assert.Null(job.ModelId);

        var again = await app.CreateClient().PostAsync($"/api/jobs/{submitted.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task CancelDuringTheEvaluationStageStopsTheJobWithoutAModel()
    {
        await using var app = new TestApp();
        var submitted = await app.SubmitAsync(new
        {
            name = "evaluating",
            rbm = new { hiddenUnits = 16, epochs = 1, batchSize = 20 },
            data = new { classes = new[] { 1, 2 }, limit = 300, imageSize = 16, binarizeThreshold = 0.5 },
            evaluation = new { ais = new { runs = 1000, betas = 100000, testLimit = 100 } },
        });
        await app.WaitForJobAsync(submitted.Id, j => j.Progress?.Stage == "evaluating", "entered the evaluation stage");

        var clock = Stopwatch.StartNew();
        var response = await app.CreateClient().PostAsync($"/api/jobs/{submitted.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Canceled);
        // The AIS alone would run for minutes; a stop within 30 s shows the evaluation heeds the cancel even while the
        // parallel test classes load both cores (10 s proved too tight under CI's load).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"cancel took {clock.Elapsed}");
        Assert.Null(job.ModelId);
        Assert.Empty(job.Evaluations ?? []);
    }

    [Fact]
    public async Task CancelOfQueuedJobCancelsItAtOnceAndTheNextJobRuns()
    {
        await using var app = new TestApp();
        var running = await app.SubmitAsync(TestApp.LongJob("first"));
        var queued = await app.SubmitAsync(TestApp.SmallJob(epochs: 1, name: "second"));
        var third = await app.SubmitAsync(TestApp.SmallJob(epochs: 1, name: "third"));
        await app.WaitForStatusAsync(running.Id, JobStatus.Running);

        var client = app.CreateClient();
        var response = await client.PostAsync($"/api/jobs/{queued.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var canceled = await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json);
        Assert.Equal(JobStatus.Canceled, canceled!.Status);
        Assert.Null(canceled.StartedAt);

        await client.PostAsync($"/api/jobs/{running.Id}/cancel", null);
        await app.WaitForStatusAsync(running.Id, JobStatus.Canceled);
        await app.WaitForStatusAsync(third.Id, JobStatus.Succeeded);
        Assert.Equal(JobStatus.Canceled, (await app.GetJobAsync(queued.Id)).Status);

        var jobs = await client.GetFromJsonAsync<List<JobSummaryDto>>("/api/jobs", TestApp.Json);
        Assert.Equal([third.Id, queued.Id, running.Id], jobs!.Select(j => j.Id));
    }

    [Fact]
    public async Task CancelOfFinishedJobIsAConflict()
    {
        await using var app = new TestApp();
        var submitted = await app.SubmitAsync(TestApp.SmallJob(epochs: 1));
        await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);

        var response = await app.CreateClient().PostAsync($"/api/jobs/{submitted.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(submitted.Id.ToString(), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingJobIsMarkedFailedWithTheErrorAndTheWorkerGoesOn()
    {
        await using var app = new TestApp();
        var broken = new Job
        {
            Id = Guid.NewGuid(),
            Name = "broken",
            Kind = "rbm",
            OwnerId = await app.UserIdAsync(),
            Status = JobStatus.Queued,
            CreatedAt = DateTime.UtcNow.AddMinutes(-1),
            OptionsJson = "{}",
            // Submissions are validated, so only a row written some other way can carry a data set that does not exist.
            DataSpecJson = """{"dataset":"no-such-dataset"}""",
        };
        var contexts = app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Jobs.Add(broken);
            await db.SaveChangesAsync();
        }

        var good = await app.SubmitAsync(TestApp.SmallJob(epochs: 1));
        var failed = await app.WaitForStatusAsync(broken.Id, JobStatus.Failed);
        Assert.False(string.IsNullOrWhiteSpace(failed.Error));
        Assert.NotNull(failed.FinishedAt);
        await app.WaitForStatusAsync(good.Id, JobStatus.Succeeded);
    }
}

internal static class Png
{
    public static bool HasSignature(byte[] bytes) =>
        bytes.Length > 8 && bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
}
