using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Library;

namespace DeepNet.Server.Tests;

public sealed class DatasetsApiTests
{
    [Fact]
    public async Task CsvWithALabelColumnIsStoredWithItsCountsAndClasses()
    {
        await using var app = new TestApp();
        var response = await app.CreateClient().PostAsync("/api/datasets", DatasetForms.Csv("3,0.5,0.25,1\n1,1,2,3\n3,-1,0,0.125\n", labelColumn: "true", name: "points"));
        var dataset = await ReadCreatedAsync(response);
        Assert.Equal(("points", "csv", 3, 3), (dataset.Name, dataset.Kind, dataset.Count, dataset.Features));
        Assert.Equal((0, 0), (dataset.Width, dataset.Height));
        Assert.True(dataset.HasLabels);
        Assert.Equal(new[] { 1, 3 }, dataset.Classes);
        Assert.True(dataset.SizeBytes > 3 * 3 * 4);

        var stored = await LoadStoredAsync(app, dataset.Id);
        Assert.Equal([0.5f, 0.25f, 1f, 1f, 2f, 3f, -1f, 0f, 0.125f], stored.Features.Data);
        Assert.Equal(new byte[] { 3, 1, 3 }, stored.Labels);
    }

    [Fact]
    public async Task CsvWithoutLabelsHasNoClasses()
    {
        await using var app = new TestApp();
        var dataset = await ReadCreatedAsync(await app.CreateClient().PostAsync("/api/datasets", DatasetForms.Csv("1,2\n3,4\n", labelColumn: null, fileName: "pairs.csv")));
        Assert.Equal(("pairs", 2, 2, false), (dataset.Name, dataset.Count, dataset.Features, dataset.HasLabels));
        Assert.Null(dataset.Classes);
    }

    [Fact]
    public async Task IdxImagesWithLabelsAreStoredAsImagesScaledToTheUnitInterval()
    {
        await using var app = new TestApp();
        byte[] images = IdxFiles.Images(count: 3, height: 4, width: 5, seed: 1);
        var response = await app.CreateClient().PostAsync("/api/datasets", DatasetForms.Idx(images, IdxFiles.Labels([7, 2, 7]), name: "tiny digits"));
        var dataset = await ReadCreatedAsync(response);
        Assert.Equal(("idx", 3, 20, 5, 4), (dataset.Kind, dataset.Count, dataset.Features, dataset.Width, dataset.Height));
        Assert.True(dataset.HasLabels);
        Assert.Equal(new[] { 2, 7 }, dataset.Classes);

        var stored = await LoadStoredAsync(app, dataset.Id);
        Assert.Equal(images[16] / 255f, stored.Features[0, 0]);
        Assert.Equal(images[^1] / 255f, stored.Features[2, 19]);
    }

    [Fact]
    public async Task GzipIdxImagesWithoutLabelsAreAccepted()
    {
        await using var app = new TestApp();
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Images(count: 2, height: 3, width: 3, seed: 2));
        var dataset = await ReadCreatedAsync(await app.CreateClient().PostAsync("/api/datasets", DatasetForms.Idx(gzip, labels: null)));
        Assert.Equal((2, 9, 3, 3, false), (dataset.Count, dataset.Features, dataset.Width, dataset.Height, dataset.HasLabels));
        Assert.Null(dataset.Classes);
    }

    [Fact]
    public async Task ImageFilesAreConvertedToGraySquaresOfTheRequestedSize()
    {
        await using var app = new TestApp();
        var form = DatasetForms.Images([TestImages.ColourPng(30, 20), TestImages.GrayPng(12, 12, (x, y) => x / 11.0)], size: "8", name: "photos");
        var dataset = await ReadCreatedAsync(await app.CreateClient().PostAsync("/api/datasets", form));
        Assert.Equal(("images", 2, 64, 8, 8, false), (dataset.Kind, dataset.Count, dataset.Features, dataset.Width, dataset.Height, dataset.HasLabels));

        var stored = await LoadStoredAsync(app, dataset.Id);
        Assert.True(stored.Features[1, 0] < 0.1f && stored.Features[1, 7] > 0.9f, "the grey ramp survives resizing");
    }

    [Fact]
    public async Task ImageFilesDefaultToTwentyEightPixelSquares()
    {
        await using var app = new TestApp();
        var dataset = await ReadCreatedAsync(await app.CreateClient().PostAsync("/api/datasets", DatasetForms.Images([TestImages.ColourPng(10, 10)], size: null)));
        Assert.Equal((28, 28, 784), (dataset.Width, dataset.Height, dataset.Features));
    }

    public static TheoryData<string, string, string> MalformedUploads() => new()
    {
        { "ragged csv", "file", "Line 2 has 2 values" },
        { "csv with NaN", "file", "not a finite number" },
        { "csv with a word", "file", "'abc' is not a number" },
        { "empty csv", "file", "empty" },
        { "csv label not an integer", "file", "label" },
        { "csv without file", "file", "required" },
        { "csv bad labelColumn", "labelColumn", "true or false" },
        { "truncated idx", "images", "truncated" },
        { "idx wrong magic", "images", "not a valid IDX file" },
        { "idx dimension overflow", "images", "not a valid IDX file" },
        { "idx label count mismatch", "labels", "3 images but the labels file holds 2 labels" },
        { "idx labels wrong magic", "labels", "labels file" },
        { "idx corrupt gzip", "images", "images file" },
        { "idx without images", "images", "required" },
        { "text file as png", "files", "not a PNG or JPEG" },
        { "png claiming huge size", "files", "100000×100000" },
        { "images without files", "files", "required" },
        { "images size too large", "size", "between 4 and 128" },
        { "unknown kind", "kind", "not a data set kind" },
        { "missing kind", "kind", "required" },
        { "name too long", "name", "at most 200 characters" },
    };

    [Theory]
    [MemberData(nameof(MalformedUploads))]
    public async Task MalformedUploadIsRefusedNamingTheFieldAndNothingIsStored(string upload, string field, string message)
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var response = await client.PostAsync("/api/datasets", DatasetForms.Malformed(upload));
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(message, TestProblems.FieldError(problem, field), StringComparison.Ordinal);
        Assert.Contains(field, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await client.GetFromJsonAsync<DatasetDto[]>("/api/datasets", TestApp.Json))!);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.UserDatasets.CountAsync());
    }

    [Fact]
    public async Task UploadOverFiftyMegabytesIsRefusedAsTooLarge()
    {
        await using var app = new TestApp();
        var form = DatasetForms.Idx(new byte[(50 * 1024 * 1024) + 1], labels: null);
        var response = await app.CreateClient().PostAsync("/api/datasets", form);
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(DatasetsApi.MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataSetsAreListedNewestFirstWithoutTheirDataAndCanBeDeleted()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var first = await ReadCreatedAsync(await client.PostAsync("/api/datasets", DatasetForms.Csv("1,2\n", null, name: "first")));
        var second = await ReadCreatedAsync(await client.PostAsync("/api/datasets", DatasetForms.Csv("1,2,3\n", null, name: "second")));

        string json = await client.GetStringAsync("/api/datasets");
        var list = JsonSerializer.Deserialize<DatasetDto[]>(json, TestApp.Json)!;
        Assert.Equal([second.Id, first.Id], list.Select(d => d.Id));
        using (var document = JsonDocument.Parse(json))
        {
            Assert.All(document.RootElement.EnumerateArray(), d => Assert.False(d.TryGetProperty("blob", out _)));
        }

        var one = await client.GetFromJsonAsync<DatasetDto>($"/api/datasets/{first.Id}", TestApp.Json);
        Assert.Equal(first, one);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/datasets/{first.Id}")).StatusCode);
        await TestProblems.ReadAsync(await client.GetAsync($"/api/datasets/{first.Id}"), HttpStatusCode.NotFound);
        await TestProblems.ReadAsync(await client.DeleteAsync($"/api/datasets/{first.Id}"), HttpStatusCode.NotFound);
        Assert.Equal([second.Id], (await client.GetFromJsonAsync<DatasetDto[]>("/api/datasets", TestApp.Json))!.Select(d => d.Id));
    }

    [Fact]
    public async Task SwaggerDocumentsTheUploadEndpointsAndTheirForms()
    {
        await using var app = new TestApp();
        using var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"));
        var paths = document.RootElement.GetProperty("paths");
        (string Path, string Method, string Status)[] expected =
        [
            ("/api/datasets", "post", "201"), ("/api/datasets", "get", "200"), ("/api/datasets/{id}", "get", "404"),
            ("/api/datasets/{id}", "delete", "204"), ("/api/images", "post", "201"), ("/api/images", "get", "200"),
            ("/api/images/{id}", "get", "200"), ("/api/images/{id}", "delete", "400"), ("/api/demos/feature-maps", "post", "200"),
        ];
        foreach (var (path, method, status) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"missing {path}");
            Assert.True(item.TryGetProperty(method, out var operation), $"missing {method} {path}");
            Assert.True(operation.TryGetProperty("summary", out _), $"no summary on {method} {path}");
            Assert.True(operation.GetProperty("responses").TryGetProperty(status, out _), $"no {status} response on {method} {path}");
        }

        var upload = paths.GetProperty("/api/datasets").GetProperty("post");
        Assert.True(upload.GetProperty("responses").TryGetProperty("400", out _));
        var form = upload.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetRawText();
        foreach (string field in new[] { "name", "kind", "images", "labels", "file", "labelColumn", "files", "size" })
        {
            Assert.Contains($"\"{field}\"", form, StringComparison.Ordinal);
        }

        string imageForm = paths.GetProperty("/api/images").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetRawText();
        Assert.Contains("\"file\"", imageForm, StringComparison.Ordinal);

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        foreach (string schema in new[] { "DatasetDto", "ImageDto", "FeatureMapsRequest" })
        {
            Assert.True(schemas.TryGetProperty(schema, out _), $"missing schema {schema}");
        }
    }

    private static async Task<DatasetDto> ReadCreatedAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {text}");
        var dataset = JsonSerializer.Deserialize<DatasetDto>(text, TestApp.Json)!;
        Assert.Equal($"/api/datasets/{dataset.Id}", response.Headers.Location?.OriginalString);
        return dataset;
    }

    private static async Task<Dataset> LoadStoredAsync(TestApp app, Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        var dataset = await db.LoadDatasetAsync(id, CancellationToken.None);
        Assert.NotNull(dataset);
        return dataset;
    }
}

/// <summary>Multipart forms for POST /api/datasets.</summary>
internal static class DatasetForms
{
    public static MultipartFormDataContent Csv(string csv, string? labelColumn, string? name = null, string fileName = "data.csv")
    {
        var form = Form("csv", name);
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", fileName);
        if (labelColumn is not null)
        {
            form.Add(new StringContent(labelColumn), "labelColumn");
        }

        return form;
    }

    public static MultipartFormDataContent Idx(byte[] images, byte[]? labels, string? name = null)
    {
        var form = Form("idx", name);
        form.Add(new ByteArrayContent(images), "images", "images-idx3-ubyte");
        if (labels is not null)
        {
            form.Add(new ByteArrayContent(labels), "labels", "labels-idx1-ubyte");
        }

        return form;
    }

    public static MultipartFormDataContent Images(IReadOnlyList<byte[]> files, string? size, string? name = null)
    {
        var form = Form("images", name);
        for (int i = 0; i < files.Count; i++)
        {
            form.Add(new ByteArrayContent(files[i]), "files", $"image{i}.png");
        }

        if (size is not null)
        {
            form.Add(new StringContent(size), "size");
        }

        return form;
    }

    public static MultipartFormDataContent Malformed(string upload)
    {
        byte[] images = IdxFiles.Images(count: 3, height: 2, width: 2, seed: 3);
        byte[] labelsWrongMagic = IdxFiles.Labels([1, 2, 3]);
        labelsWrongMagic[2] = 0x0D;
        byte[] overflow = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(overflow, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(overflow.AsSpan(4), int.MaxValue);
        BinaryPrimitives.WriteInt32BigEndian(overflow.AsSpan(8), int.MaxValue);
        BinaryPrimitives.WriteInt32BigEndian(overflow.AsSpan(12), int.MaxValue);
        byte[] wrongMagic = (byte[])images.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(wrongMagic, 0x12345678);
        byte[] corruptGzip = IdxFiles.Gzip(images);
        Array.Fill(corruptGzip, (byte)0x55, 10, corruptGzip.Length - 10);
        return upload switch
        {
            "ragged csv" => Csv("1,2,3\n4,5\n", null),
            "csv with NaN" => Csv("1,2\nNaN,3\n", null),
            "csv with a word" => Csv("1,abc\n", null),
            "empty csv" => Csv("", null),
            "csv label not an integer" => Csv("0.5,1,2\n", "true"),
            "csv without file" => Form("csv", null),
            "csv bad labelColumn" => Csv("1,2\n", "maybe"),
            "truncated idx" => Idx(images[..^3], null),
            "idx wrong magic" => Idx(wrongMagic, null),
            "idx dimension overflow" => Idx(overflow, null),
            "idx label count mismatch" => Idx(images, IdxFiles.Labels([1, 2])),
            "idx labels wrong magic" => Idx(images, labelsWrongMagic),
            "idx corrupt gzip" => Idx(corruptGzip, null),
            "idx without images" => Form("idx", null),
            "text file as png" => Images([TestImages.ColourPng(4, 4), Encoding.UTF8.GetBytes("plain text, not a picture")], null),
            "png claiming huge size" => Images([TestImages.PngHeaderOnly(100_000, 100_000)], null),
            "images without files" => Form("images", null),
            "images size too large" => Images([TestImages.ColourPng(4, 4)], "1000"),
            "unknown kind" => Form("parquet", null),
            "missing kind" => new MultipartFormDataContent { { new StringContent("x"), "name" } },
            "name too long" => Csv("1,2\n", null, name: new string('n', 201)),
            _ => throw new ArgumentOutOfRangeException(nameof(upload), upload, "unknown case"),
        };
    }

    private static MultipartFormDataContent Form(string kind, string? name)
    {
        var form = new MultipartFormDataContent { { new StringContent(kind), "kind" } };
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        return form;
    }
}

/// <summary>IDX files built byte by byte.</summary>
internal static class IdxFiles
{
    public static byte[] Images(int count, int height, int width, int seed)
    {
        var bytes = new byte[16 + (count * height * width)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), height);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), width);
        new Random(seed).NextBytes(bytes.AsSpan(16));
        return bytes;
    }

    public static byte[] Labels(byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest))
        {
            gzip.Write(raw);
        }

        return memory.ToArray();
    }
}
