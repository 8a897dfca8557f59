using System.Net;
using System.Text;
using System.Text.Json;

namespace DeepNet.Server.Tests;

public sealed class ValidationTests : IClassFixture<SharedApp>
{
    private readonly SharedApp _app;

    public ValidationTests(SharedApp app) => _app = app;

    [Theory]
    [InlineData("""{"rbm":{"epochs":-1}}""", "rbm.epochs")]
    [InlineData("""{"rbm":{"epochs":0}}""", "rbm.epochs")]
    [InlineData("""{"rbm":{"hiddenUnits":0}}""", "rbm.hiddenUnits")]
    [InlineData("""{"rbm":{"hiddenUnits":100000}}""", "rbm.hiddenUnits")]
    [InlineData("""{"rbm":{"k":0}}""", "rbm.k")]
    [InlineData("""{"rbm":{"learningRate":0}}""", "rbm.learningRate")]
    [InlineData("""{"rbm":{"batchSize":0}}""", "rbm.batchSize")]
    [InlineData("""{"data":{"classes":[1,11]}}""", "data.classes")]
    [InlineData("""{"data":{"classes":[]}}""", "data.classes")]
    [InlineData("""{"data":{"limit":1000000000}}""", "data.limit")]
    [InlineData("""{"data":{"imageSize":20}}""", "data.imageSize")]
    [InlineData("""{"data":{"dataset":"cifar"}}""", "data.dataset")]
    [InlineData("""{"data":{"split":"validation"}}""", "data.split")]
    [InlineData("""{"data":{"binarizeThreshold":2}}""", "data.binarizeThreshold")]
    public async Task InvalidFieldIsAValidationProblemNamingTheField(string body, string field)
    {
        using var problem = await PostProblemAsync(body, HttpStatusCode.BadRequest);
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"errors: {errors}");
        Assert.NotEqual(0, messages.GetArrayLength());
    }

    [Fact]
    public async Task TooLongNameIsAValidationProblem()
    {
        string body = JsonSerializer.Serialize(new { name = new string('x', 201) });
        using var problem = await PostProblemAsync(body, HttpStatusCode.BadRequest);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task SeveralInvalidFieldsAreAllReported()
    {
        using var problem = await PostProblemAsync("""{"rbm":{"hiddenUnits":0,"k":0},"data":{"classes":[11]}}""", HttpStatusCode.BadRequest);
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("rbm.hiddenUnits", out _));
        Assert.True(errors.TryGetProperty("rbm.k", out _));
        Assert.True(errors.TryGetProperty("data.classes", out _));
    }

    [Fact]
    public async Task MalformedJsonIsAProblemSayingSo()
    {
        using var problem = await PostProblemAsync("""{"rbm": {"epochs": 3""", HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("""{"rbm":{"epochs":"many"}}""", "rbm.epochs")]
    [InlineData("""{"rbm":{"k":1.5}}""", "rbm.k")]
    [InlineData("""{"data":{"classes":"1,2"}}""", "data.classes")]
    [InlineData("""{"name":42}""", "name")]
    public async Task ValueOfTheWrongTypeIsAProblemNamingTheField(string body, string field)
    {
        using var problem = await PostProblemAsync(body, HttpStatusCode.BadRequest);
        Assert.Contains($"'{field}'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task OversizedBodyIsRejected()
    {
        string body = JsonSerializer.Serialize(new { name = new string('x', 100_000) });
        using var problem = await PostProblemAsync(body, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("bytes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonDocument> PostProblemAsync(string body, HttpStatusCode expected)
    {
        var response = await _app.Client.PostAsync("/api/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text);
    }
}
