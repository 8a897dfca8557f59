using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using DeepNet.Models.ModelExchange;
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

/// <summary>Downloading, importing and damaging model files over HTTP.</summary>
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

    public static (JsonObject Header, byte[] Data) Split(byte[] file)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (JsonNode.Parse(Encoding.UTF8.GetString(file, 8, headerLength).TrimEnd(' '))!.AsObject(), file[(8 + headerLength)..]);
    }

    /// <summary>The file with its header and/or data changed; the checksum is recomputed unless told otherwise.</summary>
    public static byte[] Rewrite(byte[] file, Action<JsonObject>? editHeader = null, Func<byte[], byte[]>? editData = null, bool fixChecksum = true)
    {
        (JsonObject header, byte[] data) = Split(file);
        editHeader?.Invoke(header);
        data = editData?.Invoke(data) ?? data;
        if (fixChecksum)
        {
            header["__metadata__"]!["checksum"] = ModelExchangeFormat.Checksum(data);
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var result = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        data.CopyTo(result, 8 + json.Length);
        return result;
    }

    public static JsonObject Metadata(JsonObject header) => header["__metadata__"]!.AsObject();

    public static Func<byte[], byte[]> SetFloat(int index, float value) => data =>
    {
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(index * 4), value);
        return data;
    };
}

[CollectionDefinition(Name)]
public sealed class ModelExchangeCollection : ICollectionFixture<ModelExchangeFixture>
{
    public const string Name = "model exchange";
}
