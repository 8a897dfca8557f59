using System.Net;
using System.Text.Json;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Tests;

public sealed class NotFoundTests : IClassFixture<SharedApp>
{
    private static readonly Guid Missing = Guid.Parse("0d1f8a7e-58a4-4c55-9a38-2a3e4c1b9f00");
    private readonly SharedApp _app;

    public NotFoundTests(SharedApp app) => _app = app;

    [Theory]
    [InlineData("GET", "/api/jobs/{0}")]
    [InlineData("POST", "/api/jobs/{0}/cancel")]
    [InlineData("GET", "/api/jobs/{0}/images/filters")]
    [InlineData("GET", "/api/models/{0}")]
    [InlineData("GET", "/api/models/{0}/file")]
    public async Task UnknownIdIsAProblemNamingTheId(string method, string path)
    {
        var response = await _app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(path, Missing)));
        using var problem = await ReadProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(Missing.ToString(), problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownImageKindIsAProblemNamingTheValidKinds()
    {
        var job = await _app.App.SubmitAsync(new { rbm = new { epochs = 1 }, data = new { limit = 1 } });
        var response = await _app.Client.GetAsync($"/api/jobs/{job.Id}/images/samples");
        using var problem = await ReadProblemAsync(response, HttpStatusCode.NotFound);
        string detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("filters", detail, StringComparison.Ordinal);
        Assert.Contains("reconstructions", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageOfAJobThatHasNotRenderedOneIsNotFound()
    {
        var response = await _app.Client.GetAsync($"/api/jobs/{Missing}/images/reconstructions");
        await ReadProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MalformedIdIsNotFound()
    {
        var response = await _app.Client.GetAsync("/api/jobs/not-a-guid");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task EmptyBodyQueuesAJobWithDefaults()
    {
        var response = await _app.Client.PostAsync("/api/jobs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = JsonSerializer.Deserialize<Contracts.JobDto>(await response.Content.ReadAsStringAsync(), TestApp.Json)!;
        Assert.Equal("RBM job", job.Name);
        Assert.Equal(49, job.Rbm!.HiddenUnits);
        Assert.Equal("mnist", job.Data.Dataset);
        Assert.Contains(job.Status, new[] { JobStatus.Queued, JobStatus.Running });
        await _app.Client.PostAsync($"/api/jobs/{job.Id}/cancel", null);
        await _app.App.WaitForJobAsync(job.Id, j => j.Status == JobStatus.Canceled, "was canceled");
    }

    private static async Task<JsonDocument> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text);
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        return problem;
    }
}
