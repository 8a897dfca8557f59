using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;
using DeepNet.Server.Tests.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>GET /api/jobs, /api/models and /api/gallery: summaries, paging, filters and conditional GETs.</summary>
public sealed class ListEndpointTests
{
    [Fact]
    public async Task JobListPagesNewestFirstWithTotalAndLinks()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var ids = await StoreFinishedJobsAsync(app, 7);

        using var first = await client.GetAsync("/api/jobs?pageSize=3");
        var page1 = (await first.Content.ReadFromJsonAsync<List<JobSummaryDto>>(TestApp.Json))!;
        Assert.Equal(ids.AsEnumerable().Reverse().Take(3), page1.Select(j => j.Id));
        Assert.Equal("7", Assert.Single(first.Headers.GetValues("X-Total-Count")));
        Assert.Equal("</api/jobs?pageSize=3&page=2>; rel=\"next\"", Assert.Single(first.Headers.GetValues("Link")));

        using var last = await client.GetAsync("/api/jobs?pageSize=3&page=3");
        Assert.Equal([ids[0]], (await last.Content.ReadFromJsonAsync<List<JobSummaryDto>>(TestApp.Json))!.Select(j => j.Id));
        Assert.Equal("</api/jobs?pageSize=3&page=2>; rel=\"prev\"", Assert.Single(last.Headers.GetValues("Link")));
    }

    [Fact]
    public async Task JobListFiltersByKindStatusNameAndExperiment()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var ids = await StoreFinishedJobsAsync(app, 6);
        var experimentId = await StoreExperimentAsync(app, "Bengio quick", ids[1], ids[4]);

        async Task<Guid[]> Listed(string query) =>
            [.. (await client.GetFromJsonAsync<List<JobSummaryDto>>($"/api/jobs?{query}", TestApp.Json))!.Select(j => j.Id).Order()];

        Guid[] Expected(params int[] indexes) => [.. indexes.Select(i => ids[i]).Order()];

        // StoreFinishedJobsAsync: even indexes are "dbn", every third is Failed, names "job 0".."job 5".
        Assert.Equal(Expected(0, 2, 4), await Listed("kind=dbn"));
        Assert.Equal(Expected(0, 3), await Listed("status=failed"));
        Assert.Equal(Expected(0), await Listed("kind=DBN&status=Failed"));
        Assert.Equal(Expected(5), await Listed("q=JOB%205"));
        Assert.Equal(Expected(1, 4), await Listed($"experiment={experimentId}"));

        var grouped = (await client.GetFromJsonAsync<List<JobSummaryDto>>("/api/jobs", TestApp.Json))!.Single(j => j.Id == ids[4]);
        Assert.Equal(new JobExperimentDto(experimentId, "Bengio quick", "row-4"), grouped.Experiment);
    }

    [Fact]
    public async Task JobListRefusesBadQueriesNamingTheField()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        await SharingTestKit.AssertInvalidAsync(await client.GetAsync("/api/jobs?status=Sleeping"), "status");
        await SharingTestKit.AssertInvalidAsync(await client.GetAsync("/api/jobs?status=2"), "status");
        await SharingTestKit.AssertInvalidAsync(await client.GetAsync("/api/jobs?kind=svm&page=0&pageSize=201"), "kind", "page", "pageSize");
        await SharingTestKit.AssertInvalidAsync(await client.GetAsync($"/api/jobs?q={new string('a', 201)}"), "q");
        string detail = await SharingTestKit.AssertProblemAsync(await client.GetAsync($"/api/jobs?experiment={Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.Contains("Experiment", detail);
        await SharingTestKit.AssertInvalidAsync(await client.GetAsync("/api/models?pageSize=0"), "pageSize");
        await SharingTestKit.AssertInvalidAsync(await client.GetAsync("/api/gallery?page=-1"), "page");
    }

    [Fact]
    public async Task UnchangedListsAnswerNotModifiedAndAChangeGivesANewTag()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var ids = await StoreFinishedJobsAsync(app, 2);

        foreach (string path in new[] { "/api/jobs", "/api/models", "/api/gallery" })
        {
            using var first = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var etag = first.Headers.ETag;
            Assert.NotNull(etag);
            Assert.True(first.Headers.CacheControl is { Private: true, NoCache: true }, $"Cache-Control: {first.Headers.CacheControl}");

            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(etag);
            using var notModified = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        var before = (await client.GetAsync("/api/jobs")).Headers.ETag!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/jobs/{ids[0]}")).StatusCode);
        using var changed = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        changed.Headers.IfNoneMatch.Add(before);
        using var response = await client.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(before, response.Headers.ETag);
    }

    [Fact]
    public async Task ListedJobsAndModelsAreSummariesAndThumbnailsAreCached()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var submitted = await app.SubmitAsync(TestApp.SmallJob(epochs: 1));
        var job = await app.WaitForStatusAsync(submitted.Id, JobStatus.Succeeded);

        using var jobs = JsonDocument.Parse(await client.GetStringAsync("/api/jobs"));
        var listed = Assert.Single(jobs.RootElement.EnumerateArray().ToList());
        Assert.False(listed.TryGetProperty("history", out _));
        Assert.False(listed.TryGetProperty("evaluations", out _));
        Assert.Equal(16, listed.GetProperty("rbm").GetProperty("hiddenUnits").GetInt32());
        Assert.Equal(1.0, listed.GetProperty("progress").GetProperty("fraction").GetDouble(), 3);

        var model = Assert.Single((await client.GetFromJsonAsync<List<ModelDto>>("/api/models", TestApp.Json))!);
        Assert.Equal(job.ModelId, model.Id);
        Assert.Null(model.Report);
        Assert.NotNull((await client.GetFromJsonAsync<ModelDto>($"/api/models/{model.Id}", TestApp.Json))!.Report);

        using var thumbnail = await client.GetAsync(ModelCards.ThumbnailUrl(model.Id));
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), thumbnail.Headers.CacheControl?.MaxAge);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, ModelCards.ThumbnailUrl(model.Id));
        revalidate.Headers.IfNoneMatch.Add(thumbnail.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(revalidate)).StatusCode);
    }

    /// <summary>Finished jobs of the default user as the worker leaves them, one millisecond apart, oldest first.</summary>
    private static async Task<List<Guid>> StoreFinishedJobsAsync(TestApp app, int count)
    {
        string owner = await app.UserIdAsync();
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        var jobs = Enumerable.Range(0, count).Select(i => new Job
        {
            Id = Guid.NewGuid(),
            Name = $"job {i}",
            Kind = i % 2 == 0 ? "dbn" : "rbm",
            OwnerId = owner,
            Status = i % 3 == 0 ? JobStatus.Failed : JobStatus.Succeeded,
            CreatedAt = start.AddMilliseconds(i),
            StartedAt = start.AddMilliseconds(i),
            FinishedAt = start.AddMilliseconds(i + 1),
            OptionsJson = "{}",
            DataSpecJson = "{}",
        }).ToList();
        db.Jobs.AddRange(jobs);
        await db.SaveChangesAsync();
        return jobs.Select(j => j.Id).ToList();
    }

    private static async Task<Guid> StoreExperimentAsync(TestApp app, string name, params Guid[] jobIds)
    {
        var experiment = new Experiment
        {
            Id = Guid.NewGuid(),
            OwnerId = await app.UserIdAsync(),
            Kind = "bengio2007",
            Name = name,
            Scale = "quick",
            CreatedAt = DateTime.UtcNow,
            RowsJson = ExperimentRows.Write(jobIds.Select(id => new ExperimentRow(id == jobIds[0] ? "row-1" : "row-4", id))),
        };
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        db.Experiments.Add(experiment);
        await db.SaveChangesAsync();
        return experiment.Id;
    }
}
