using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using DeepNet.Server.Library;

namespace DeepNet.Server.Tests;

public sealed class DemosApiTests
{
    [Fact]
    public async Task FeatureMapsOfSixteenPixelFiltersOnAFortyPixelImageAreTwentyFivePixelsEach()
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(visible: 256, hidden: 16, seed: 1), 16, 16);

        var response = await app.CreateClient().PostAsJsonAsync("/api/demos/feature-maps", new { modelId, image = "builtin:chelsea", size = 40 }, TestApp.Json);
        var png = await ReadPngAsync(response);

        // 16 maps of 25×25 in a 4×4 grid; the tile renderer scales narrow grids up by an integer factor.
        var expected = Image.Identify(TileImage.RenderFilters(new float[16 * 25 * 25], 16, 25, 25));
        using var image = Image.Load(png);
        Assert.Equal((expected.Width, expected.Height), (image.Width, image.Height));
        Assert.Equal(((4 * 25 * 2) + 3, (4 * 25 * 2) + 3), (image.Width, image.Height));
    }

    [Fact]
    public async Task FeatureMapsOfAModelTrainedThroughTheJobsApiAreRendered()
    {
        await using var app = new TestApp();
        var job = await app.SubmitAsync(TestApp.SmallJob(epochs: 1));
        var done = await app.WaitForStatusAsync(job.Id, JobStatus.Succeeded);

        var upload = await app.CreateClient().PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.ColourPng(64, 48), "photo.png"));
        var image = await upload.Content.ReadFromJsonAsync<ImageDto>(TestApp.Json);
        var response = await app.CreateClient().PostAsJsonAsync("/api/demos/feature-maps", new { modelId = done.ModelId, image = image!.Id, size = 40 }, TestApp.Json);
        using var maps = Image.Load(await ReadPngAsync(response));
        Assert.Equal((203, 203), (maps.Width, maps.Height));
    }

    [Fact]
    public async Task FeatureMapsDefaultToTheCatAtTheLecturesSize()
    {
        await using var app = new TestApp();
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(visible: 100, hidden: 49, seed: 2, VisibleUnitType.Gaussian), 10, 10);

        var response = await app.CreateClient().PostAsJsonAsync("/api/demos/feature-maps", new { modelId }, TestApp.Json);
        using var maps = Image.Load(await ReadPngAsync(response));
        // The lecture: 49 maps of 166×166 (10×10 filters on a 175×175 image), 7 per row with 1-pixel gaps.
        Assert.Equal(((7 * 166) + 6, (7 * 166) + 6), (maps.Width, maps.Height));
    }

    [Fact]
    public async Task FeatureMapsOfAPatchModelUseItsStandardizer()
    {
        await using var app = new TestApp();
        var rng = new Xoshiro256StarStar(5);
        var patches = Patches.Sample(BuiltInImages.Load("chelsea"), 6, 500, rng);
        var standardizer = PatchStandardizer.Fit(patches, StandardizationMode.PerPatch, zca: true);
        string patchesJson = JsonSerializer.Serialize(
            new { spec = new PatchesSpec { PatchSize = 6 }, standardizer = JsonDocument.Parse(standardizer.ToJson()).RootElement }, JsonDefaults.Options);
        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(36, 9, 3, VisibleUnitType.Gaussian), 6, 6, kind: "rbm-patches", patchesJson: patchesJson);

        var response = await app.CreateClient().PostAsJsonAsync("/api/demos/feature-maps", new { modelId, image = "builtin:coffee", size = 60 }, TestApp.Json);
        using var maps = Image.Load(await ReadPngAsync(response));
        var expected = Image.Identify(TileImage.RenderFilters(new float[9 * 55 * 55], 9, 55, 55));
        Assert.Equal((expected.Width, expected.Height), (maps.Width, maps.Height));
    }

    [Theory]
    [InlineData(StandardizationMode.PerPatch, false)]
    [InlineData(StandardizationMode.PerPatch, true)]
    [InlineData(StandardizationMode.PerPixel, false)]
    [InlineData(StandardizationMode.PerPixel, true)]
    public void StandardizedFeatureMapsEqualTheFiltersAppliedToEveryStandardizedWindow(StandardizationMode mode, bool zca)
    {
        const int side = 5;
        var rng = new Xoshiro256StarStar(11);
        var image = BuiltInImages.Load("chelsea").Resize(23, 19);
        var standardizer = PatchStandardizer.Fit(Patches.Sample(image, side, 400, rng), mode, zca);
        var rbm = DemoTestModels.RandomRbm(side * side, 7, 4, VisibleUnitType.Gaussian);

        float[] maps = FeatureMaps.Compute(image, rbm, side, standardizer);

        int mapWidth = 23 - side + 1;
        int mapHeight = 19 - side + 1;
        var windows = new Matrix(mapWidth * mapHeight, side * side);
        for (int i = 0; i < mapHeight; i++)
        {
            for (int j = 0; j < mapWidth; j++)
            {
                Patches.Copy(image, j, i, side, windows.Row(i * mapWidth + j));
            }
        }

        var standardized = standardizer.Transform(windows, out _);
        var expected = new Matrix(rbm.HiddenUnits, windows.Rows);
        Gemm.Multiply(rbm.Weights, Transpose.No, standardized, Transpose.Yes, expected);
        Assert.Equal(expected.Length, maps.Length);
        double scale = expected.Data.Max(v => Math.Abs(v));
        for (int k = 0; k < maps.Length; k++)
        {
            Assert.True(Math.Abs(maps[k] - expected.Data[k]) <= 1e-3 * scale, $"value {k}: {maps[k]} vs {expected.Data[k]}");
        }
    }

    [Fact]
    public void UnstandardizedFeatureMapsAreTheValidCorrelationOfThePixels()
    {
        var image = new GrayImage(4, 3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        var rbm = new Rbm(new Matrix(1, 4, [1, 0, 0, -1]), new float[4], new float[1]);

        float[] maps = FeatureMaps.Compute(image, rbm, 2, standardizer: null);

        // A_ij = X(i, j) − X(i+1, j+1) = −5 everywhere: a 2×3 map.
        Assert.Equal(Enumerable.Repeat(-5f, 6), maps);
    }

    [Fact]
    public async Task UnknownModelOrImageIsNotFound()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var missing = Guid.NewGuid();
        using (var problem = await TestProblems.ReadAsync(await client.PostAsJsonAsync("/api/demos/feature-maps", new { modelId = missing }, TestApp.Json), HttpStatusCode.NotFound))
        {
            Assert.Contains(missing.ToString(), problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var modelId = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(16, 4, 1), 4, 4);
        foreach (string image in new[] { "builtin:dog", Guid.NewGuid().ToString(), "nonsense" })
        {
            using var problem = await TestProblems.ReadAsync(await client.PostAsJsonAsync("/api/demos/feature-maps", new { modelId, image }, TestApp.Json), HttpStatusCode.NotFound);
            Assert.Contains(image, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvalidFeatureMapRequestsNameTheField()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var square = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(784, 4, 1), 28, 28);
        var notSquare = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(20, 4, 1), 0, 0);
        var huge = await DemoTestModels.InsertAsync(app, DemoTestModels.RandomRbm(16, 4096, 1), 4, 4);

        (object Body, string Field, string Message)[] cases =
        [
            (new { modelId = square, size = 15 }, "size", "between 16 and 512"),
            (new { modelId = square, size = 513 }, "size", "between 16 and 512"),
            (new { size = 100 }, "modelId", "required"),
            (new { modelId = notSquare }, "modelId", "not a square image"),
            (new { modelId = square, size = 20 }, "size", "28×28"),
            (new { modelId = huge, size = 512 }, "size", "smaller size"),
        ];
        foreach (var (body, field, message) in cases)
        {
            using var problem = await TestProblems.ReadAsync(await client.PostAsJsonAsync("/api/demos/feature-maps", body, TestApp.Json), HttpStatusCode.BadRequest);
            Assert.Contains(message, TestProblems.FieldError(problem, field), StringComparison.Ordinal);
        }
    }

    private static async Task<byte[]> ReadPngAsync(HttpResponseMessage response)
    {
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.True(Png.HasSignature(bytes));
        return bytes;
    }
}

/// <summary>Trained models written straight into the database, as the job runner stores them.</summary>
internal static class DemoTestModels
{
    /// <summary>Weights N(0, 0.1²), small random biases.</summary>
    public static Rbm RandomRbm(int visible, int hidden, ulong seed, VisibleUnitType type = VisibleUnitType.Bernoulli)
    {
        var rng = new Xoshiro256StarStar(seed);
        var rbm = new Rbm(visible, hidden, type);
        for (int i = 0; i < rbm.Weights.Length; i++)
        {
            rbm.Weights.Data[i] = 0.1f * rng.NextGaussian();
        }

        for (int i = 0; i < visible; i++)
        {
            rbm.VisibleBias[i] = 0.1f * rng.NextGaussian();
        }

        return rbm;
    }

    public static async Task<Guid> InsertAsync(TestApp app, Rbm rbm, int width, int height, DataSpec? data = null, string kind = "rbm", string? patchesJson = null)
    {
        var id = Guid.NewGuid();
        string specJson = JsonSerializer.Serialize(data ?? new DataSpec { ImageSize = width > 0 ? width : 28 }, JsonDefaults.Options);
        string optionsJson = JsonSerializer.Serialize(new RbmOptions { HiddenUnits = rbm.HiddenUnits, VisibleType = rbm.VisibleType }, JsonDefaults.Options);
        byte[] file = RbmModelFile.Save(rbm, new Dictionary<string, string> { ["model_type"] = "rbm", ["model_id"] = id.ToString("D") });
        var contexts = app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        db.TrainedModels.Add(new TrainedModel
        {
            Id = id,
            Name = "test model",
            Kind = kind,
            JobId = Guid.NewGuid(),
            OwnerId = await app.UserIdAsync(),
            CreatedAt = DateTime.UtcNow,
            InputUnits = rbm.VisibleUnits,
            OutputUnits = rbm.HiddenUnits,
            ImageWidth = width,
            ImageHeight = height,
            OptionsJson = optionsJson,
            DataSpecJson = specJson,
            MetricsJson = "{}",
            SizeBytes = file.LongLength,
            FileHash = (await db.Blobs.WriteAsync(file)).Hash,
            PatchesJson = patchesJson,
        });
        await db.SaveChangesAsync();
        return id;
    }
}
