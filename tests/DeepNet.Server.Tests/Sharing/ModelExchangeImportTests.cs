using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Data;
using DeepNet.Models.ModelExchange;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using static DeepNet.Server.Tests.Sharing.ModelExchangeClient;
using DeepNet.Server.Sharing;
using static DeepNet.Tests.SafeTensorsTestFile;

namespace DeepNet.Server.Tests.Sharing;

[Collection(ModelExchangeCollection.Name)]
public sealed class ModelExchangeImportTests(ModelExchangeFixture models)
{
    private static async Task<TryResultDto> TryAsync(HttpClient client, Guid modelId, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/models/{modelId}/try", body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TryResultDto>(TestApp.Json))!;
    }

    private static object Digit(int imageSize, int row = 0)
    {
        var digits = TrainedModels.TestDigits(row + 1, imageSize, classes: [2]);
        return TrainedModels.Image(digits, row);
    }

    private async Task<ModelDto> GetModelAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<ModelDto>($"/api/models/{id}", TestApp.Json))!;

    [Fact]
    public async Task AnImportedRbmIsAPrivateModelOfTheImporterWithTheSameWeightsAndTheSameTryResult()
    {
        await models.Owner.SetVisibilityAsync(models.Rbm, "public");
        TestUser importer = await models.App.NewUserAsync("importer");
        byte[] downloaded = await importer.Client.DownloadAsync(models.Rbm);

        ModelDto imported = await importer.Client.ImportOkAsync(downloaded);

        ModelDto original = await GetModelAsync(models.Owner.Client, models.Rbm);
        Assert.NotEqual(models.Rbm, imported.Id);
        Assert.Equal("digits 1-3", imported.Name);
        Assert.Equal("rbm", imported.Kind);
        Assert.Null(imported.JobId);
        Assert.Equal((original.VisibleUnits, original.HiddenUnits, original.ImageWidth, original.ImageHeight),
            (imported.VisibleUnits, imported.HiddenUnits, imported.ImageWidth, imported.ImageHeight));
        Assert.Equal(original.ReconstructionError, imported.ReconstructionError);
        Assert.Equal(JsonSerializer.Serialize(original.Rbm, TestApp.Json), JsonSerializer.Serialize(imported.Rbm, TestApp.Json));
        Assert.Equal(JsonSerializer.Serialize(original.Data, TestApp.Json), JsonSerializer.Serialize(imported.Data, TestApp.Json));
        Assert.Equal(downloaded.LongLength, imported.SizeBytes);
        ModelSharingDto sharing = imported.Sharing!;
        Assert.Equal(importer.DisplayName, sharing.Owner);
        Assert.Equal(ModelVisibility.Private, sharing.Visibility);
        Assert.Equal("import", sharing.Source);
        Assert.Equal(models.Rbm, sharing.ParentModelId);
        Assert.Equal("digits 1-3", sharing.ParentName);
        Assert.True(sharing.CanEdit);

        // Listed like a trained model, readable by the importer only.
        var mine = await importer.Client.GetFromJsonAsync<List<ModelDto>>("/api/models", TestApp.Json);
        Assert.Contains(mine!, m => m.Id == imported.Id);
        await SharingTestKit.AssertProblemAsync(await models.Owner.Client.GetAsync($"/api/models/{imported.Id}"), HttpStatusCode.NotFound);

        // Export again: the same tensors, now authored by the importer, with the original as parent.
        byte[] again = await importer.Client.DownloadAsync(imported.Id);
        Assert.Equal(Split(downloaded).Data, Split(again).Data);
        ModelExchangeContents contents = ModelExchangeFile.Read(again);
        Assert.Equal(importer.DisplayName, contents.Metadata["author"]);
        Assert.Equal(models.Rbm.ToString("D"), contents.Metadata["parent"]);
        Assert.Equal("import", contents.Metadata["source"]);

        object digit = Digit(16);
        TryResultDto fromOriginal = await TryAsync(models.Owner.Client, models.Rbm, digit);
        TryResultDto fromImport = await TryAsync(importer.Client, imported.Id, digit);
        Assert.Equal(fromOriginal.Reconstruction, fromImport.Reconstruction);
    }

    [Fact]
    public async Task ADbnAndACnnImportWithTheirArchitectureTestErrorAndPredictions()
    {
        foreach (Guid id in new[] { models.Dbn, models.Cnn })
        {
            ModelDto original = await GetModelAsync(models.Owner.Client, id);
            ModelDto imported = await models.Owner.Client.ImportOkAsync(await models.Owner.Client.DownloadAsync(id), name: $"copy of {original.Name}");

            Assert.Equal($"copy of {original.Name}", imported.Name);
            Assert.Equal(original.Kind, imported.Kind);
            Assert.Equal(original.Architecture, imported.Architecture);
            Assert.Equal(original.TestError, imported.TestError);
            Assert.Equal((original.VisibleUnits, original.HiddenUnits, original.ImageWidth, original.ImageHeight),
                (imported.VisibleUnits, imported.HiddenUnits, imported.ImageWidth, imported.ImageHeight));
            Assert.Equal(JsonSerializer.Serialize(original.Metrics), JsonSerializer.Serialize(imported.Metrics));
            Assert.Equal(id, imported.Sharing!.ParentModelId);

            object digit = Digit(16);
            TryResultDto a = await TryAsync(models.Owner.Client, id, digit);
            TryResultDto b = await TryAsync(models.Owner.Client, imported.Id, digit);
            Assert.Equal(a.Probabilities, b.Probabilities);
            Assert.Equal(a.Predicted, b.Predicted);
            Assert.Equal(a.Reconstruction, b.Reconstruction);
        }
    }

    [Fact]
    public async Task APatchRbmImportsWithItsStandardizerAndReconstructsTheSameImage()
    {
        ModelDto original = await GetModelAsync(models.Owner.Client, models.PatchRbm);
        ModelDto imported = await models.Owner.Client.ImportOkAsync(await models.Owner.Client.DownloadAsync(models.PatchRbm));

        Assert.Equal("rbm-patches", imported.Kind);
        Assert.NotNull(imported.Patches);
        Assert.Equal(original.Patches!.Spec, imported.Patches.Spec);
        Assert.Equal(original.Patches.Standardizer.GetRawText(), imported.Patches.Standardizer.GetRawText());
        Assert.All(imported.Evaluations ?? [], e => Assert.Null(e.ImageUrl));

        var photo = new GrayImage(24, 16, Enumerable.Range(0, 24 * 16).Select(i => (float)((i % 24) / 24.0 * 0.6 + (i / 24) / 16.0 * 0.4)).ToArray());
        async Task<byte[]> TryImageAsync(Guid id)
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(photo.ToPng());
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", "gradient.png");
            var response = await models.Owner.Client.PostAsync($"/api/models/{id}/try-image", form);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await response.Content.ReadAsByteArrayAsync();
        }

        Assert.Equal(await TryImageAsync(models.PatchRbm), await TryImageAsync(imported.Id));
    }

    [Fact]
    public async Task TheRawFileCanBePostedAsOctetStreamWithANameInTheQuery()
    {
        byte[] file = await models.Owner.Client.DownloadAsync(models.Rbm);
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var response = await models.Owner.Client.PostAsync("/api/models/import?name=raw%20upload", content);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        ModelDto model = (await response.Content.ReadFromJsonAsync<ModelDto>(TestApp.Json))!;
        Assert.Equal("raw upload", model.Name);
    }

    [Fact]
    public async Task AFileOfAModelTheImporterCannotReadImportsWithoutAParent()
    {
        var privateModel = (await models.Owner.TrainAsync(TestApp.SmallJob(epochs: 1, name: "kept private"))).ModelId!.Value;
        byte[] file = await models.Owner.Client.DownloadAsync(privateModel);
        TestUser classmate = await models.App.NewUserAsync("classmate");

        ModelDto imported = await classmate.Client.ImportOkAsync(file);

        Assert.Null(imported.Sharing!.ParentModelId);
        Assert.Null(imported.Sharing.ParentName);
        Assert.Equal(classmate.DisplayName, imported.Sharing.Owner);
    }

    [Theory]
    [InlineData("empty", "is empty")]
    [InlineData("truncated", "truncated")]
    [InlineData("cut inside the header", "points past the end of the file")]
    [InlineData("absurd header length", "exceeds the limit")]
    [InlineData("header length zero", "at least 2 bytes")]
    [InlineData("bad json", "not valid JSON")]
    [InlineData("wrong dtype", "has dtype F16; only F32")]
    [InlineData("overlapping offsets", "overlap")]
    [InlineData("trailing bytes", "trailing bytes belong to no tensor")]
    [InlineData("shape mismatch", "Shape mismatch: visible_bias is [255]")]
    [InlineData("NaN", "Tensor 'weights' holds NaN")]
    [InlineData("infinity", "Tensor 'visible_bias' holds +infinity")]
    [InlineData("unknown version", "Unknown format_version '2'")]
    [InlineData("no version", "no format_version")]
    [InlineData("checksum mismatch", "Checksum mismatch")]
    [InlineData("no checksum", "no checksum")]
    [InlineData("missing tensor", "Missing tensor 'hidden_bias'")]
    [InlineData("unknown model type", "Unknown model_type 'gpt'")]
    [InlineData("image size", "image_width 15 × image_height 16 = 240 but the model has 256 visible units")]
    [InlineData("hyperparameters not json", "hyperparameters is not valid JSON")]
    [InlineData("job kind of another type", "job_kind 'cnn' does not fit model_type rbm")]
    [InlineData("hyperparameters of the wrong type", "does not describe a model of kind rbm")]
    [InlineData("evaluation with a number beyond float range", "Metadata evaluations holds the number 1e400")]
    [InlineData("metrics with a number beyond float range", "Metadata metrics holds the number -2e308")]
    public async Task AHostileFileIsRefusedWithTheReasonAndNothingIsStored(string damage, string reason)
    {
        byte[] good = await models.Owner.Client.DownloadAsync(models.Rbm);
        byte[] file = Damage(good, damage);
        int before = await models.ModelCountAsync();

        var response = await models.Owner.Client.ImportAsync(file);

        await SharingTestKit.AssertInvalidAsync(response, "file");
        string detail = await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, detail);
        Assert.Equal(before, await models.ModelCountAsync());
    }

    /// <summary>The RBM of 256 visible and 16 hidden units: weights bytes 0–16384, visible_bias 16384–17408, hidden_bias 17408–17472.</summary>
    private static byte[] Damage(byte[] good, string damage)
    {
        switch (damage)
        {
            case "empty":
                return [];
            case "truncated":
                return good[..^100];
            case "cut inside the header":
                return good[..100];
            case "absurd header length":
            case "header length zero":
                byte[] copy = (byte[])good.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(copy, damage == "header length zero" ? 0 : 1UL << 40);
                return copy;
            case "bad json":
                byte[] broken = (byte[])good.Clone();
                broken[8] = (byte)'[';
                return broken;
            default:
                return damage switch
                {
                    "wrong dtype" => Rewrite(good, h => h["hidden_bias"]!["dtype"] = "F16"),
                    "overlapping offsets" => Rewrite(good, h => h["visible_bias"]!["data_offsets"] = new JsonArray(16380, 17404)),
                    "trailing bytes" => Rewrite(good, editData: d => [.. d, 0, 0, 0, 0, 0, 0, 0, 0]),
                    "shape mismatch" => Rewrite(good, h =>
                    {
                        h["visible_bias"]!["shape"] = new JsonArray(255);
                        h["visible_bias"]!["data_offsets"] = new JsonArray(16384, 17404);
                        h["hidden_bias"]!["shape"] = new JsonArray(17);
                        h["hidden_bias"]!["data_offsets"] = new JsonArray(17404, 17472);
                        Metadata(h).Remove("tensor_shapes");
                    }),
                    "NaN" => Rewrite(good, editData: SetFloat(10, float.NaN)),
                    "infinity" => Rewrite(good, editData: SetFloat(4096 + 3, float.PositiveInfinity)),
                    "unknown version" => Rewrite(good, h => Metadata(h)["format_version"] = "2"),
                    "no version" => Rewrite(good, h => Metadata(h).Remove("format_version")),
                    "checksum mismatch" => Rewrite(good, editData: SetFloat(0, 123f), fixChecksum: false),
                    "no checksum" => Rewrite(good, h => Metadata(h).Remove("checksum"), fixChecksum: false),
                    "missing tensor" => Rewrite(good, h =>
                    {
                        h.Remove("hidden_bias");
                        Metadata(h).Remove("tensor_shapes");
                    }, d => d[..^64]),
                    "unknown model type" => Rewrite(good, h => Metadata(h)["model_type"] = "gpt"),
                    "image size" => Rewrite(good, h => Metadata(h)["image_width"] = "15"),
                    "hyperparameters not json" => Rewrite(good, h => Metadata(h)["hyperparameters"] = "{not json"),
                    "job kind of another type" => Rewrite(good, h => Metadata(h)["job_kind"] = "cnn"),
                    "hyperparameters of the wrong type" => Rewrite(good, h => Metadata(h)["hyperparameters"] = "{\"hiddenUnits\":\"many\"}"),
                    "evaluation with a number beyond float range" => Rewrite(good, h => Metadata(h)["evaluations"] =
                        "[{\"kind\":\"ais\",\"createdAt\":\"2026-11-27T10:00:00Z\",\"result\":{\"avgTestLogProbability\":1e400},\"imageUrl\":null}]"),
                    "metrics with a number beyond float range" => Rewrite(good, h => Metadata(h)["metrics"] = "{\"reconstructionError\":-2e308}"),
                    _ => throw new ArgumentException(damage),
                };
        }
    }

    [Fact]
    public async Task AFileLargerThan64MiBIsRefusedWith413AndNothingIsStored()
    {
        var huge = new byte[ModelExchangeFormat.MaxFileBytes + 1];
        int before = await models.ModelCountAsync();

        await SharingTestKit.AssertProblemAsync(await models.Owner.Client.ImportAsync(huge), HttpStatusCode.RequestEntityTooLarge);
        var raw = new ByteArrayContent(huge);
        raw.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await SharingTestKit.AssertProblemAsync(await models.Owner.Client.PostAsync("/api/models/import", raw), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(before, await models.ModelCountAsync());
    }

    [Fact]
    public async Task AnImportWithoutAFileOrOfAnotherMediaTypeIsRefused()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "name" } };
        await SharingTestKit.AssertInvalidAsync(await models.Owner.Client.PostAsync("/api/models/import", form), "file");

        var json = await models.Owner.Client.PostAsJsonAsync("/api/models/import", new { file = "AAAA" });
        await SharingTestKit.AssertProblemAsync(json, HttpStatusCode.UnsupportedMediaType);

        byte[] file = await models.Owner.Client.DownloadAsync(models.Rbm);
        await SharingTestKit.AssertInvalidAsync(await models.Owner.Client.ImportAsync(file, name: new string('n', 201)), "name");
    }

    [Fact]
    public async Task ImportingRequiresASignedInUser()
    {
        byte[] file = await models.Owner.Client.DownloadAsync(models.Rbm);

        var response = await models.App.CreateAnonymousClient().ImportAsync(file);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
