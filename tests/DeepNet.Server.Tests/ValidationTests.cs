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
    [InlineData("""{"rbm":{"sigma":0}}""", "rbm.sigma")]
    [InlineData("""{"rbm":{"persistentChains":0}}""", "rbm.persistentChains")]
    [InlineData("""{"rbm":{"initialMomentum":1}}""", "rbm.initialMomentum")]
    [InlineData("""{"rbm":{"finalMomentum":-0.1}}""", "rbm.finalMomentum")]
    [InlineData("""{"rbm":{"momentumSwitchEpoch":1001}}""", "rbm.momentumSwitchEpoch")]
    [InlineData("""{"rbm":{"weightDecay":2}}""", "rbm.weightDecay")]
    [InlineData("""{"rbm":{"sparsityTarget":1}}""", "rbm.sparsityTarget")]
    [InlineData("""{"rbm":{"sparsityCost":-1}}""", "rbm.sparsityCost")]
    [InlineData("""{"rbm":{"sparsityDecay":1}}""", "rbm.sparsityDecay")]
    [InlineData("""{"rbm":{"learningRateDecay":0}}""", "rbm.learningRateDecay")]
    [InlineData("""{"rbm":{"initialWeightStdDev":0}}""", "rbm.initialWeightStdDev")]
    [InlineData("""{"kind":"gan"}""", "kind")]
    [InlineData("""{"kind":"rbm-patches"}""", "patches")]
    [InlineData("""{"patches":{"patchSize":10}}""", "patches")]
    [InlineData("""{"kind":"rbm-patches","patches":{"patchSize":1}}""", "patches.patchSize")]
    [InlineData("""{"kind":"rbm-patches","patches":{"patchSize":33}}""", "patches.patchSize")]
    [InlineData("""{"kind":"rbm-patches","patches":{"patchCount":0}}""", "patches.patchCount")]
    [InlineData("""{"kind":"rbm-patches","patches":{"patchCount":200001}}""", "patches.patchCount")]
    [InlineData("""{"kind":"rbm-patches","patches":{"patchSize":4,"stride":5}}""", "patches.stride")]
    [InlineData("""{"kind":"rbm-patches","patches":{"stride":0}}""", "patches.stride")]
    [InlineData("""{"kind":"rbm-patches","patches":{"trainImage":"builtin:dog"}}""", "patches.trainImage")]
    [InlineData("""{"kind":"rbm-patches","patches":{"testImage":"9b2f4a52-7d0e-4b9c-9d8e-3f1a2b3c4d5e"}}""", "patches.testImage")]
    [InlineData("""{"kind":"rbm-patches","patches":{"testImage":"nothing"}}""", "patches.testImage")]
    [InlineData("""{"kind":"rbm-patches","patches":{},"evaluation":{"ais":{}}}""", "evaluation.ais")]
    [InlineData("""{"kind":"rbm-patches","patches":{},"evaluation":{"perClass":true}}""", "evaluation.perClass")]
    [InlineData("""{"data":{"dataset":"user","datasetId":"9b2f4a52-7d0e-4b9c-9d8e-3f1a2b3c4d5e"}}""", "data.datasetId")]
    [InlineData("""{"data":{"dataset":"user"}}""", "data.datasetId")]
    [InlineData("""{"evaluation":{"ais":{"runs":0}}}""", "evaluation.ais.runs")]
    [InlineData("""{"evaluation":{"ais":{"runs":1001}}}""", "evaluation.ais.runs")]
    [InlineData("""{"evaluation":{"ais":{"betas":99}}}""", "evaluation.ais.betas")]
    [InlineData("""{"evaluation":{"ais":{"betas":100001}}}""", "evaluation.ais.betas")]
    [InlineData("""{"evaluation":{"ais":{"testLimit":0}}}""", "evaluation.ais.testLimit")]
    [InlineData("""{"evaluation":{"ais":{"testLimit":10001}}}""", "evaluation.ais.testLimit")]
    [InlineData("""{"evaluation":{"perClass":true,"perClassLimit":0}}""", "evaluation.perClassLimit")]
    [InlineData("""{"evaluation":{"perClassLimit":1001}}""", "evaluation.perClassLimit")]
    [InlineData("""{"rbm":{"visibleType":"Gaussian"},"evaluation":{"ais":{}}}""", "evaluation.ais")]
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
    [InlineData("""{"rbm":{"visibleType":"Poisson"}}""", "rbm.visibleType")]
    [InlineData("""{"rbm":{"persistent":"yes"}}""", "rbm.persistent")]
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
