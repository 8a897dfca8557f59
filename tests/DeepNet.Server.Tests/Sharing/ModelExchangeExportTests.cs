using System.Net;
using System.Net.Http.Json;
using DeepNet.Models;
using DeepNet.Models.ModelExchange;
using DeepNet.Server.Contracts;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

[Collection(ModelExchangeCollection.Name)]
public sealed class ModelExchangeExportTests(ModelExchangeFixture models)
{
    [Fact]
    public async Task ADownloadedRbmCarriesTheExchangeMetadataAndAnIntactChecksum()
    {
        byte[] file = await models.Owner.Client.DownloadAsync(models.Rbm);

        ModelExchangeContents contents = ModelExchangeFile.Read(file);

        IReadOnlyDictionary<string, string> m = contents.Metadata;
        Assert.Equal("1", m["format_version"]);
        Assert.Equal("rbm", m["model_type"]);
        Assert.Equal(models.Owner.DisplayName, m["author"]);
        Assert.Equal("", m["parent"]);
        Assert.Equal(models.Rbm.ToString("D"), m["model_id"]);
        Assert.Equal("digits 1-3", m["name"]);
        Assert.Matches("^sha256:[0-9a-f]{64}$", m["checksum"]);
        Assert.Equal("{\"weights\":[16,256],\"visible_bias\":[256],\"hidden_bias\":[16]}", m["tensor_shapes"]);
        foreach (string key in new[] { "hyperparameters", "data_spec", "metrics", "created_at", "job_id", "job_kind", "image_width", "image_height", "visible_type", "sigma" })
        {
            Assert.True(m.ContainsKey(key), $"metadata '{key}' is missing");
        }

        Assert.True(DateTime.TryParse(m["created_at"], out _));
        Assert.Equal((256, 16, 16, 16), (contents.VisibleUnits, contents.HiddenUnits, contents.ImageWidth, contents.ImageHeight));
    }

    [Fact]
    public async Task EveryModelTypeDownloadsAsAValidExchangeFile()
    {
        foreach ((Guid id, string type) in new[] { (models.Dbn, "dbn"), (models.Cnn, "cnn"), (models.PatchRbm, "rbm") })
        {
            ModelExchangeContents contents = ModelExchangeFile.Read(await models.Owner.Client.DownloadAsync(id));
            Assert.Equal(type, contents.ModelType);
            Assert.Equal(id.ToString("D"), contents.Metadata["model_id"]);
        }

        ModelExchangeContents patch = ModelExchangeFile.Read(await models.Owner.Client.DownloadAsync(models.PatchRbm));
        Assert.Equal(VisibleUnitType.Gaussian, patch.Rbm!.VisibleType);
        Assert.Equal("rbm-patches", patch.Metadata["job_kind"]);
        Assert.True(patch.Metadata.ContainsKey("patches"));
    }

    [Fact]
    public async Task TheFileIsNamedAfterTheModel()
    {
        var response = await models.Owner.Client.GetAsync($"/api/models/{models.Rbm}/file");

        Assert.Equal($"digits-1-3-{models.Rbm.ToString("N")[..8]}.safetensors", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task TheFileStreamsWithAnETagConditionalGetsAndRanges()
    {
        var client = models.Owner.Client;
        string url = $"/api/models/{models.Dbn}/file";
        var whole = await client.GetAsync(url);
        byte[] file = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal(file.Length, whole.Content.Headers.ContentLength);
        var etag = whole.Headers.ETag;
        Assert.NotNull(etag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(etag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);

        // A range across the end of the stamped header and into the stored data reads the same bytes as the whole file.
        int headerEnd = 8 + (int)BitConverter.ToUInt64(file, 0);
        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(headerEnd - 100, headerEnd + 999);
        var partial = await client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(file.AsSpan(headerEnd - 100, 1100).ToArray(), await partial.Content.ReadAsByteArrayAsync());

        // Renaming the model changes the header, so the ETag changes with it.
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync($"/api/models/{models.Dbn}", new { name = "renamed dbn" }, TestApp.Json)).StatusCode);
        using var stale = new HttpRequestMessage(HttpMethod.Get, url);
        stale.Headers.IfNoneMatch.Add(etag!);
        var fresh = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual(etag, fresh.Headers.ETag);
        Assert.Equal("renamed dbn", ModelExchangeFile.Read(await fresh.Content.ReadAsByteArrayAsync()).Metadata["name"]);
    }

    [Fact]
    public async Task SomeoneWhoCannotReadTheModelGetsNotFoundUntilItIsPublic()
    {
        var model = (await models.Owner.TrainAsync(TestApp.SmallJob(epochs: 1, name: "private then public"))).ModelId!.Value;
        TestUser stranger = await models.App.NewUserAsync("stranger");

        var refused = await stranger.Client.GetAsync($"/api/models/{model}/file");
        string detail = await SharingTestKit.AssertProblemAsync(refused, HttpStatusCode.NotFound);
        Assert.Equal($"Model {model} not found.", detail);

        await models.Owner.SetVisibilityAsync(model, "public");
        byte[] file = await stranger.Client.DownloadAsync(model);
        Assert.Equal(models.Owner.DisplayName, ModelExchangeFile.Read(file).Metadata["author"]);
    }

    [Fact]
    public async Task AnUnlistedLinkDownloadsTheFileWithoutSignInUntilItIsRevoked()
    {
        var model = (await models.Owner.TrainAsync(TestApp.SmallJob(epochs: 1, name: "unlisted"))).ModelId!.Value;
        ModelDto unlisted = await models.Owner.SetVisibilityAsync(model, "unlisted");
        string token = unlisted.Sharing!.ShareToken!;
        var anonymous = models.App.CreateAnonymousClient();

        var response = await anonymous.GetAsync($"/api/shared/{token}/file");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ModelExchangeContents contents = ModelExchangeFile.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(model.ToString("D"), contents.Metadata["model_id"]);

        var revoke = await models.Owner.Client.DeleteAsync($"/api/models/{model}/share-link");
        Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        await SharingTestKit.AssertProblemAsync(await anonymous.GetAsync($"/api/shared/{token}/file"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/models/{model}/file")).StatusCode);
    }
}
