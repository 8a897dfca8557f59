using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DeepNet.Server.Contracts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using DeepNet.Server.Pooling;
using DeepNet.Server.Library;

namespace DeepNet.Server.Tests;

/// <summary>The pooling playground's API: the lecture's examples, and every refusal naming its field.</summary>
public sealed class PoolingApiTests : IClassFixture<SharedApp>
{
    private static readonly float[][] LectureMatrix = [[1, 2, 0, 3], [4, 3, 6, 5], [3, 4, 1, 2], [2, 7, 2, 0]];

    private readonly SharedApp _app;

    public PoolingApiTests(SharedApp app) => _app = app;

    [Theory]
    [InlineData("max", new float[] { 4, 6, 7, 2 })]
    [InlineData("average", new float[] { 2.5f, 3.5f, 4, 1.25f })]
    public async Task LectureMatrixPooledTwoByTwoWithStrideTwoGivesTheLecturesResult(string mode, float[] expected)
    {
        var result = await PoolMatrixAsync(new { values = LectureMatrix, mode, window = 2, stride = 2 });

        Assert.Equal(mode, result.Mode);
        Assert.Equal((2, 2, 4, 4, 2, 2), (result.Window, result.Stride, result.InputRows, result.InputCols, result.OutputRows, result.OutputCols));
        Assert.Equal(new[] { expected[..2], expected[2..] }, result.Values);
    }

    [Fact]
    public async Task MaxPoolingStepsNameEachWindowAndTheInputCellOfItsMaximum()
    {
        var result = await PoolMatrixAsync(new { values = LectureMatrix, window = 2 });

        Assert.Equal("max", result.Mode);
        Assert.Equal(2, result.Stride);
        Assert.Equal(
            new PoolingStep[] { new(0, 0, 0, 0, 1, 0), new(0, 1, 0, 2, 1, 2), new(1, 0, 2, 0, 3, 1), new(1, 1, 2, 2, 2, 3) },
            result.Steps!);
    }

    [Fact]
    public async Task AveragePoolingWithOverlappingWindowsAveragesEachWindow()
    {
        var result = await PoolMatrixAsync(new { values = LectureMatrix, mode = "average", window = 3, stride = 1 });

        Assert.Equal((2, 2), (result.OutputRows, result.OutputCols));
        Assert.Equal(24f / 9, result.Values[0][0], 5); // 1+2+0 + 4+3+6 + 3+4+1
        Assert.Equal(30f / 9, result.Values[1][1], 5); // 3+6+5 + 4+1+2 + 7+2+0
        Assert.All(result.Steps!, s => Assert.Null(s.ArgmaxRow));
        Assert.Equal((1, 1), (result.Steps![3].Top, result.Steps[3].Left));
    }

    [Fact]
    public async Task LargeInputIsPooledWithoutSteps()
    {
        float[][] values = [.. Enumerable.Range(0, 64).Select(r => Enumerable.Range(0, 64).Select(c => (float)(r * 64 + c)).ToArray())];

        var result = await PoolMatrixAsync(new { values, window = 4, stride = 4 });

        Assert.Equal((16, 16), (result.OutputRows, result.OutputCols));
        Assert.Equal(3 * 64 + 3, result.Values[0][0]);
        Assert.Equal(63 * 64 + 63, result.Values[15][15]);
        Assert.Null(result.Steps);
    }

    [Fact]
    public async Task RaggedRowIsRefusedNamingTheRow()
    {
        using var problem = await PoolMatrixProblemAsync(new { values = new[] { new float[] { 1, 2, 3 }, [4, 5, 6], [7, 8] }, window = 2 });
        Assert.Contains("same length", TestProblems.FieldError(problem, "values[2]"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"values":[[1,2],[3,"NaN"]]}""", "values[1][1]")]
    [InlineData("""{"values":[[1,2],[3,1e39]]}""", "values[1][1]")]
    [InlineData("""{"values":[[1,2],[3,NaN]]}""", "values")]
    [InlineData("""{"values":[[1,2],null]}""", "values[1]")]
    [InlineData("""{"values":[]}""", "values")]
    [InlineData("""{"values":[[]]}""", "values[0]")]
    [InlineData("""{"mode":"max"}""", "values")]
    public async Task MissingOrNonFiniteValuesAreRefusedNamingTheField(string json, string field)
    {
        var response = await _app.Client.PostAsync("/api/pooling/matrix", new StringContent(json, Encoding.UTF8, "application/json"));
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.NotEmpty(TestProblems.FieldError(problem, field));
    }

    [Theory]
    [InlineData(65, 4, "values")]
    [InlineData(4, 65, "values[0]")]
    public async Task MatrixOverSixtyFourBySixtyFourIsRefused(int rows, int cols, string field)
    {
        float[][] values = [.. Enumerable.Range(0, rows).Select(_ => new float[cols])];
        using var problem = await PoolMatrixProblemAsync(new { values, window = 2 });
        Assert.Contains("64", TestProblems.FieldError(problem, field), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WindowLargerThanTheInputIsRefusedWithBothShapes()
    {
        using var problem = await PoolMatrixProblemAsync(new { values = new[] { new float[] { 1, 2, 3 }, [4, 5, 6] }, window = 3 });
        string message = TestProblems.FieldError(problem, "window");
        Assert.Contains("3×3 window", message, StringComparison.Ordinal);
        Assert.Contains("2×3 input", message, StringComparison.Ordinal);
        Assert.Contains("window", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("min", 2, 2, "mode")]
    [InlineData("max", 0, 2, "window")]
    [InlineData("max", 17, 2, "window")]
    [InlineData("average", 2, 0, "stride")]
    [InlineData("average", 2, 17, "stride")]
    public async Task ModeWindowAndStrideOutOfRangeAreRefusedNamingTheField(string mode, int window, int stride, string field)
    {
        using var problem = await PoolMatrixProblemAsync(new { values = LectureMatrix, mode, window, stride });
        Assert.NotEmpty(TestProblems.FieldError(problem, field));
    }

    [Fact]
    public async Task BuiltInImageResizedTo200AndPooledFourByFourWithStrideFourIsFiftyByFifty()
    {
        var response = await _app.Client.PostAsJsonAsync("/api/pooling/image", new { image = "builtin:rocket", resize = 200, mode = "max", window = 4, stride = 4 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("200x200", Header(response, "X-Input-Size"));
        Assert.Equal("50x50", Header(response, "X-Output-Size"));
        using var pooled = Image.Load<L8>(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((50, 50), (pooled.Width, pooled.Height));
    }

    [Fact]
    public async Task JsonAnswerGivesBothImagesAndTheirSizes()
    {
        var response = await _app.Client.PostAsJsonAsync("/api/pooling/image?format=json", new { image = "builtin:chelsea", resize = 200, mode = "average", window = 4, stride = 4 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<PoolImageResponse>(TestApp.Json))!;

        Assert.Equal(("average", 4, 4, 200), (result.Mode, result.Window, result.Stride, result.Resize));
        Assert.Equal((200, 200, 50, 50), (result.InputWidth, result.InputHeight, result.OutputWidth, result.OutputHeight));
        using var input = Image.Load<L8>(Convert.FromBase64String(result.InputPng));
        using var output = Image.Load<L8>(Convert.FromBase64String(result.OutputPng));
        Assert.Equal((200, 200), (input.Width, input.Height));
        Assert.Equal((50, 50), (output.Width, output.Height));
    }

    [Fact]
    public async Task ImageWithoutResizeKeepsItsSizeAndNonDividingStrideDropsTheRemainder()
    {
        // Chelsea is 451×300: ⌊(451 − 3) / 2⌋ + 1 = 225, ⌊(300 − 3) / 2⌋ + 1 = 149.
        var response = await _app.Client.PostAsJsonAsync("/api/pooling/image", new { image = "builtin:chelsea", window = 3, stride = 2 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("451x300", Header(response, "X-Input-Size"));
        Assert.Equal("225x149", Header(response, "X-Output-Size"));
    }

    [Fact]
    public async Task UploadedFileIsPooledAndNotStored()
    {
        // 8×8 grey image: value (x + 8y) / 63, so each 2×2 window's maximum is its bottom-right pixel.
        byte[] png = TestImages.GrayPng(8, 8, (x, y) => (x + 8 * y) / 63.0);
        using var form = UploadForm(png, ("window", "2"), ("stride", "2"), ("mode", "max"));
        var response = await _app.Client.PostAsync("/api/pooling/image", form);

        string text = response.StatusCode == HttpStatusCode.OK ? "" : await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("8x8", Header(response, "X-Input-Size"));
        Assert.Equal("4x4", Header(response, "X-Output-Size"));
        using var pooled = Image.Load<L8>(await response.Content.ReadAsByteArrayAsync());
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                int expected = (int)Math.Round((2 * j + 1 + 8 * (2 * i + 1)) / 63.0 * 255);
                Assert.InRange((int)pooled[j, i].PackedValue, expected - 1, expected + 1);
            }
        }

        await AssertNoUploadsAsync();
    }

    [Fact]
    public async Task UploadedFileCanBeResizedAndAnsweredAsJson()
    {
        using var form = UploadForm(TestImages.ColourPng(300, 120), ("resize", "200"), ("window", "4"), ("mode", "average"));
        var response = await _app.Client.PostAsync("/api/pooling/image?format=json", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<PoolImageResponse>(TestApp.Json))!;
        Assert.Equal((200, 200, 50, 50, 4), (result.InputWidth, result.InputHeight, result.OutputWidth, result.OutputHeight, result.Stride));
    }

    [Fact]
    public async Task CorruptUploadIsRefusedSayingWhyAndNothingIsStored()
    {
        byte[] png = TestImages.ColourPng(64, 64);
        using var truncated = UploadForm(png[..(png.Length / 2)]);
        using var problem = await TestProblems.ReadAsync(await _app.Client.PostAsync("/api/pooling/image", truncated), HttpStatusCode.BadRequest);
        Assert.Contains("truncated", TestProblems.FieldError(problem, "file"), StringComparison.Ordinal);

        using var text = UploadForm(Encoding.UTF8.GetBytes("not an image at all"));
        using var notImage = await TestProblems.ReadAsync(await _app.Client.PostAsync("/api/pooling/image", text), HttpStatusCode.BadRequest);
        Assert.Contains("not a PNG or JPEG", TestProblems.FieldError(notImage, "file"), StringComparison.Ordinal);
        await AssertNoUploadsAsync();
    }

    [Fact]
    public async Task UploadWithoutAFileOrWithABadNumberIsRefusedNamingTheFields()
    {
        using var form = new MultipartFormDataContent { { new StringContent("two"), "window" } };
        using var problem = await TestProblems.ReadAsync(await _app.Client.PostAsync("/api/pooling/image", form), HttpStatusCode.BadRequest);
        Assert.Contains("required", TestProblems.FieldError(problem, "file"), StringComparison.Ordinal);
        Assert.Contains("whole number", TestProblems.FieldError(problem, "window"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadOverTenMegabytesIsRefusedAsTooLarge()
    {
        var bytes = new byte[(10 * 1024 * 1024) + 100_000];
        TestImages.ColourPng(8, 8).CopyTo(bytes, 0);
        using var form = UploadForm(bytes);
        await TestProblems.ReadAsync(await _app.Client.PostAsync("/api/pooling/image", form), HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("builtin:no-such-photo")]
    [InlineData("0d1f8a7e-58a4-4c55-9a38-2a3e4c1b9f00")]
    [InlineData("not-an-id")]
    public async Task UnknownImageIsNotFound(string image)
    {
        var response = await _app.Client.PostAsJsonAsync("/api/pooling/image", new { image, window = 2 });
        using var problem = await TestProblems.ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(image, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageRequestErrorsNameTheirFields()
    {
        var missing = await _app.Client.PostAsJsonAsync("/api/pooling/image", new { window = 2 });
        using (var problem = await TestProblems.ReadAsync(missing, HttpStatusCode.BadRequest))
        {
            Assert.Contains("required", TestProblems.FieldError(problem, "image"), StringComparison.Ordinal);
        }

        var tooSmall = await _app.Client.PostAsJsonAsync("/api/pooling/image", new { image = "builtin:rocket", resize = 8, window = 16 });
        using (var problem = await TestProblems.ReadAsync(tooSmall, HttpStatusCode.BadRequest))
        {
            Assert.Contains("8×8 image", TestProblems.FieldError(problem, "window"), StringComparison.Ordinal);
        }

        var badResize = await _app.Client.PostAsJsonAsync("/api/pooling/image", new { image = "builtin:rocket", resize = 5000 });
        using (var problem = await TestProblems.ReadAsync(badResize, HttpStatusCode.BadRequest))
        {
            Assert.NotEmpty(TestProblems.FieldError(problem, "resize"));
        }

        var tooCostly = await _app.Client.PostAsJsonAsync("/api/pooling/image", new { image = "builtin:rocket", resize = 1024, window = 16, stride = 1 });
        using (var problem = await TestProblems.ReadAsync(tooCostly, HttpStatusCode.BadRequest))
        {
            Assert.Contains("larger stride", TestProblems.FieldError(problem, "window"), StringComparison.Ordinal);
        }

        var badFormat = await _app.Client.PostAsJsonAsync("/api/pooling/image?format=gif", new { image = "builtin:rocket" });
        using (var problem = await TestProblems.ReadAsync(badFormat, HttpStatusCode.BadRequest))
        {
            Assert.NotEmpty(TestProblems.FieldError(problem, "format"));
        }
    }

    [Fact]
    public async Task PreviouslyUploadedImageIsPooledById()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var uploaded = await client.PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.ColourPng(40, 30), "a.png"));
        var image = (await uploaded.Content.ReadFromJsonAsync<ImageDto>(TestApp.Json))!;

        var response = await client.PostAsJsonAsync("/api/pooling/image", new { image = image.Id, window = 2 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("40x30", Header(response, "X-Input-Size"));
        Assert.Equal("20x15", Header(response, "X-Output-Size"));
    }

    [Fact]
    public async Task SwaggerDocumentsBothPoolingEndpoints()
    {
        using var document = JsonDocument.Parse(await _app.Client.GetStringAsync("/swagger/v1/swagger.json"));
        var paths = document.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/api/pooling/matrix", "/api/pooling/image" })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"missing {path}");
            var post = item.GetProperty("post");
            Assert.False(string.IsNullOrWhiteSpace(post.GetProperty("summary").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(post.GetProperty("description").GetString()));
            Assert.True(post.GetProperty("responses").TryGetProperty("400", out _), $"no 400 on {path}");
        }
    }

    private async Task<PoolMatrixResponse> PoolMatrixAsync(object body)
    {
        var response = await _app.Client.PostAsJsonAsync("/api/pooling/matrix", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonSerializer.Deserialize<PoolMatrixResponse>(text, TestApp.Json)!;
    }

    private async Task<JsonDocument> PoolMatrixProblemAsync(object body) =>
        await TestProblems.ReadAsync(await _app.Client.PostAsJsonAsync("/api/pooling/matrix", body), HttpStatusCode.BadRequest);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static MultipartFormDataContent UploadForm(byte[] bytes, params (string Name, string Value)[] fields)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var form = new MultipartFormDataContent { { file, "file", "upload.png" } };
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private async Task AssertNoUploadsAsync()
    {
        var list = await _app.Client.GetFromJsonAsync<ImageDto[]>("/api/images", TestApp.Json);
        Assert.DoesNotContain(list!, i => i.Source == "upload");
    }
}
