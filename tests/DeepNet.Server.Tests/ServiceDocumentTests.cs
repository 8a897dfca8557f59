using System.Net;
using System.Text.Json;

namespace DeepNet.Server.Tests;

public sealed class ServiceDocumentTests : IClassFixture<SharedApp>
{
    private readonly SharedApp _app;

    public ServiceDocumentTests(SharedApp app) => _app = app;

    [Fact]
    public async Task SwaggerDocumentListsEveryEndpoint()
    {
        var response = await _app.Client.GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        (string Path, string Method)[] expected =
        [
            ("/api/jobs", "post"),
            ("/api/jobs", "get"),
            ("/api/jobs/{id}", "get"),
            ("/api/jobs/{id}/cancel", "post"),
            ("/api/jobs/{id}/images/{kind}", "get"),
            ("/api/models", "get"),
            ("/api/models/{id}", "get"),
            ("/api/models/{id}/file", "get"),
        ];
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"missing {path}");
            Assert.True(item.TryGetProperty(method, out var operation), $"missing {method} {path}");
            Assert.True(operation.TryGetProperty("summary", out _), $"no summary on {method} {path}");
        }

        var responses = paths.GetProperty("/api/jobs").GetProperty("post").GetProperty("responses");
        Assert.True(responses.TryGetProperty("202", out _));
        Assert.True(responses.TryGetProperty("400", out _));
        Assert.True(paths.GetProperty("/api/jobs/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (string schema in new[] { "JobDto", "ModelDto", "CreateJobRequest", "ProgressDto", "RbmOptions", "DataSpec" })
        {
            Assert.True(schemas.TryGetProperty(schema, out _), $"missing schema {schema}");
        }

        var status = schemas.GetProperty("JobStatus").GetProperty("enum");
        Assert.Contains("Running", status.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        var response = await _app.Client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HealthIsHealthy()
    {
        var response = await _app.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task IndexPageIsServed()
    {
        var response = await _app.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task JsonUsesCamelCaseAndEnumNames()
    {
        var job = await _app.App.SubmitAsync(new { rbm = new { epochs = 1 }, data = new { limit = 1 } });
        string json = await _app.Client.GetStringAsync($"/api/jobs/{job.Id}");
        using var document = JsonDocument.Parse(json);
        var status = document.RootElement.GetProperty("status").GetString();
        Assert.Contains(status, new[] { "Queued", "Running", "Succeeded" });
        Assert.True(document.RootElement.GetProperty("rbm").TryGetProperty("hiddenUnits", out _));
        Assert.True(document.RootElement.TryGetProperty("resumedFromEpoch", out _));
    }
}
