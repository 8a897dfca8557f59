using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DeepNet.Server.Contracts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using DeepNet.Server.Library;

namespace DeepNet.Server.Tests;

public sealed class ImagesApiTests
{
    [Fact]
    public async Task UploadedPngIsStoredAsGrayscaleListedAndFetchable()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();

        var response = await client.PostAsync("/api/images", ImageForm(TestImages.ColourPng(40, 30), "gradient.png", name: "My gradient"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var image = JsonSerializer.Deserialize<ImageDto>(text, TestApp.Json)!;
        Assert.Equal("My gradient", image.Name);
        Assert.Equal((40, 30), (image.Width, image.Height));
        Assert.Equal("upload", image.Source);
        Assert.Null(image.Licence);
        Assert.True(Guid.TryParse(image.Id, out _));
        Assert.Equal($"/api/images/{image.Id}", image.Url);
        Assert.Equal(image.Url, response.Headers.Location?.OriginalString);

        var list = await client.GetFromJsonAsync<ImageDto[]>("/api/images", TestApp.Json);
        Assert.Contains(list!, i => i.Id == image.Id && i.Source == "upload");

        var png = await client.GetAsync(image.Url);
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        byte[] bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.True(Png.HasSignature(bytes));
        using var decoded = Image.Load<Rgb24>(bytes);
        Assert.Equal((40, 30), (decoded.Width, decoded.Height));
        // Grayscale: every pixel has R = G = B, and the red-to-blue gradient became a grey ramp.
        Assert.All(Enumerable.Range(0, 40), x => Assert.True(decoded[x, 10].R == decoded[x, 10].G && decoded[x, 10].G == decoded[x, 10].B));
        Assert.NotEqual(decoded[0, 0].R, decoded[39, 0].R);
    }

    [Fact]
    public async Task UploadWithoutANameIsNamedAfterTheFile()
    {
        await using var app = new TestApp();
        var response = await app.CreateClient().PostAsync("/api/images", ImageForm(TestImages.ColourPng(8, 8), "holiday-photo.png"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var image = await response.Content.ReadFromJsonAsync<ImageDto>(TestApp.Json);
        Assert.Equal("holiday-photo", image!.Name);
    }

    [Fact]
    public async Task BuiltInPhotosAreListedFirstWithTheirLicencesAndAreFetchable()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        await client.PostAsync("/api/images", ImageForm(TestImages.ColourPng(8, 8), "upload.png"));

        var list = (await client.GetFromJsonAsync<ImageDto[]>("/api/images", TestApp.Json))!;
        var builtIns = list.TakeWhile(i => i.Source == "builtin").ToList();
        Assert.True(builtIns.Count >= 2, "at least two built-in photos");
        Assert.Equal("upload", list[^1].Source);
        var cat = Assert.Single(builtIns, i => i.Id == "builtin:chelsea");
        Assert.Contains("CC0", cat.Licence, StringComparison.Ordinal);
        Assert.All(builtIns, b => Assert.False(string.IsNullOrWhiteSpace(b.Licence)));
        Assert.All(builtIns, b => Assert.StartsWith("builtin:", b.Id, StringComparison.Ordinal));

        byte[] png = await client.GetByteArrayAsync(cat.Url);
        using var decoded = Image.Load<L8>(png);
        Assert.Equal((cat.Width, cat.Height), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task TextFileSentAsPngIsRefusedNamingTheProblemAndTheField()
    {
        await using var app = new TestApp();
        var response = await app.CreateClient().PostAsync("/api/images", ImageForm(Encoding.UTF8.GetBytes("this is not an image\n"), "notes.png"));
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("not a PNG or JPEG", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("not a PNG or JPEG", TestProblems.FieldError(problem, "file"), StringComparison.Ordinal);
        await AssertNoUploadsAsync(app);
    }

    [Fact]
    public async Task PngHeaderClaimingHugeDimensionsIsRefusedBeforeDecoding()
    {
        await using var app = new TestApp();
        var response = await app.CreateClient().PostAsync("/api/images", ImageForm(TestImages.PngHeaderOnly(100_000, 100_000), "huge.png"));
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.BadRequest);
        string detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("100000×100000", detail, StringComparison.Ordinal);
        Assert.Contains("4096", detail, StringComparison.Ordinal);
        await AssertNoUploadsAsync(app);
    }

    [Fact]
    public async Task TruncatedPngIsRefused()
    {
        await using var app = new TestApp();
        byte[] png = TestImages.ColourPng(64, 64);
        var response = await app.CreateClient().PostAsync("/api/images", ImageForm(png[..(png.Length / 2)], "cut.png"));
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.NotEmpty(TestProblems.FieldError(problem, "file"));
        await AssertNoUploadsAsync(app);
    }

    [Fact]
    public async Task UploadOverTenMegabytesIsRefusedAsTooLarge()
    {
        await using var app = new TestApp();
        var bytes = new byte[(10 * 1024 * 1024) + 100_000];
        TestImages.ColourPng(8, 8).CopyTo(bytes, 0);
        var response = await app.CreateClient().PostAsync("/api/images", ImageForm(bytes, "big.png"));
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("bytes", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNoUploadsAsync(app);
    }

    [Fact]
    public async Task UploadWithoutAFileIsRefusedNamingTheField()
    {
        await using var app = new TestApp();
        using var form = new MultipartFormDataContent { { new StringContent("nameless"), "name" } };
        var response = await app.CreateClient().PostAsync("/api/images", form);
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("required", TestProblems.FieldError(problem, "file"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedUploadIsGoneAndBuiltInsCannotBeDeleted()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var created = await (await client.PostAsync("/api/images", ImageForm(TestImages.ColourPng(8, 8), "a.png"))).Content.ReadFromJsonAsync<ImageDto>(TestApp.Json);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(created!.Url)).StatusCode);
        await TestProblems.ReadAsync(await client.GetAsync(created.Url), HttpStatusCode.NotFound);
        await TestProblems.ReadAsync(await client.DeleteAsync(created.Url), HttpStatusCode.NotFound);
        await AssertNoUploadsAsync(app);

        using var problem = await TestProblems.ReadAsync(await client.DeleteAsync("/api/images/builtin:chelsea"), HttpStatusCode.BadRequest);
        Assert.Contains("built-in", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/images/builtin:chelsea")).StatusCode);
    }

    [Theory]
    [InlineData("/api/images/builtin:no-such-photo")]
    [InlineData("/api/images/0d1f8a7e-58a4-4c55-9a38-2a3e4c1b9f00")]
    [InlineData("/api/images/not-an-id")]
    public async Task UnknownImageIsNotFound(string path)
    {
        await using var app = new TestApp();
        await TestProblems.ReadAsync(await app.CreateClient().GetAsync(path), HttpStatusCode.NotFound);
    }

    internal static MultipartFormDataContent ImageForm(byte[] bytes, string fileName, string? name = null)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        return form;
    }

    private static async Task AssertNoUploadsAsync(TestApp app)
    {
        var list = await app.CreateClient().GetFromJsonAsync<ImageDto[]>("/api/images", TestApp.Json);
        Assert.DoesNotContain(list!, i => i.Source == "upload");
    }
}

/// <summary>Image files for upload tests, made with ImageSharp or by hand.</summary>
internal static class TestImages
{
    /// <summary>A PNG with a red-to-blue horizontal gradient and a green vertical one.</summary>
    public static byte[] ColourPng(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(255 * x / Math.Max(1, width - 1)), (byte)(255 * y / Math.Max(1, height - 1)), (byte)(255 - (255 * x / Math.Max(1, width - 1))));
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A grey PNG whose intensity is <paramref name="pixel"/>(x, y) in [0,1].</summary>
    public static byte[] GrayPng(int width, int height, Func<int, int, double> pixel)
    {
        using var image = new Image<L8>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = new L8((byte)Math.Round(Math.Clamp(pixel(x, y), 0, 1) * 255));
            }
        }

        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>The PNG signature and a valid IHDR chunk (8-bit grey) claiming the given size, then IEND: no pixel data.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        WriteChunk(stream, "IHDR", header);
        WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    // The PNG chunk CRC (ISO-HDLC, polynomial 0xEDB88320), bit by bit: test data is small.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}

/// <summary>Reads RFC 7807 problem responses.</summary>
internal static class TestProblems
{
    public static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text);
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The first message under errors[field]; fails when the field is not named.</summary>
    public static string FieldError(JsonDocument problem, string field)
    {
        Assert.True(problem.RootElement.TryGetProperty("errors", out var errors), $"no errors in {problem.RootElement}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"errors do not name '{field}': {errors}");
        return messages[0].GetString()!;
    }
}
