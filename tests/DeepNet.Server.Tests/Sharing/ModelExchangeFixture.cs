using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>One app with an RBM, a DBN, a CNN and a patch RBM trained by one user (seconds each), for export and import.</summary>
public sealed class ModelExchangeFixture : IAsyncLifetime
{
    public TestApp App { get; } = new();

    public TestUser Owner { get; private set; } = null!;

    public Guid Rbm { get; private set; }

    public Guid Dbn { get; private set; }

    public Guid Cnn { get; private set; }

    public Guid PatchRbm { get; private set; }

    public async Task InitializeAsync()
    {
        Owner = await App.NewUserAsync("exporter");
        Rbm = (await Owner.TrainAsync(TestApp.SmallJob(epochs: 3, name: "digits 1-3"))).ModelId!.Value;
        Dbn = (await Owner.TrainAsync(DbnJobs.Tiny(name: "tiny dbn"))).ModelId!.Value;
        Cnn = (await Owner.TrainAsync(new
        {
            kind = "cnn",
            name = "tiny cnn",
            data = new { limit = 300, imageSize = 16 },
            cnn = new { preset = "small", epochs = 1, batchSize = 20, learningRate = 0.003, validation = 50, testLimit = 100, seed = 5 },
        })).ModelId!.Value;
        PatchRbm = (await Owner.TrainAsync(new
        {
            kind = "rbm-patches",
            name = "patches",
            rbm = new { hiddenUnits = 16, epochs = 1, batchSize = 50, learningRate = 0.01 },
            patches = new { trainImage = "builtin:chelsea", testImage = "builtin:coffee", patchSize = 8, patchCount = 1000, stride = 8 },
        })).ModelId!.Value;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>How many models are stored, whoever owns them.</summary>
    public async Task<int> ModelCountAsync()
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        return await db.TrainedModels.IgnoreQueryFilters().CountAsync();
    }
}

/// <summary>Downloading and importing model files over HTTP (damage them with <see cref="DeepNet.Tests.SafeTensorsTestFile"/>).</summary>
public static class ModelExchangeClient
{
    public static async Task<byte[]> DownloadAsync(this HttpClient client, Guid modelId)
    {
        var response = await client.GetAsync($"/api/models/{modelId}/file");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static Task<HttpResponseMessage> ImportAsync(this HttpClient client, byte[] file, string? name = null, string fileName = "model.safetensors")
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName);
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        return client.PostAsync("/api/models/import", form);
    }

    public static async Task<ModelDto> ImportOkAsync(this HttpClient client, byte[] file, string? name = null)
    {
        var response = await client.ImportAsync(file, name);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var model = (await response.Content.ReadFromJsonAsync<ModelDto>(TestApp.Json))!;
        Assert.Equal($"/api/models/{model.Id}", response.Headers.Location?.OriginalString);
        return model;
    }
}

[CollectionDefinition(Name)]
public sealed class ModelExchangeCollection : ICollectionFixture<ModelExchangeFixture>
{
    public const string Name = "model exchange";
}
