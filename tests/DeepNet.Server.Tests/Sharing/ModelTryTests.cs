using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>Training and fetching real models as a given user, for the try and fork tests.</summary>
public static class TrainedModels
{
    /// <summary>Submits a job as <paramref name="user"/> and waits until it succeeded; returns the finished job.</summary>
    public static async Task<JobDto> TrainAsync(this TestUser user, object body)
    {
        var response = await user.Client.PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var job = (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        return await user.WaitForSuccessAsync(job.Id);
    }

    public static async Task<JobDto> GetJobAsync(this TestUser user, Guid id) =>
        (await user.Client.GetFromJsonAsync<JobDto>($"/api/jobs/{id}", TestApp.Json))!;

    public static async Task<JobDto> WaitForSuccessAsync(this TestUser user, Guid jobId)
    {
        JobDto job = await JobEvents.WaitAsync(
            user.App,
            jobId,
            () => user.GetJobAsync(jobId),
            j =>
            {
                Assert.False(j.Status is JobStatus.Failed or JobStatus.Canceled, $"job {jobId} ended {j.Status}: {j.Error}");
                return j.Status == JobStatus.Succeeded;
            },
            "succeeded",
            user.Email);
        Assert.NotNull(job.ModelId);
        return job;
    }

    /// <summary>The first <paramref name="count"/> MNIST test digits (28×28, grey levels in [0, 1]) with their labels.</summary>
    public static Dataset TestDigits(int count, int imageSize = 28, int[]? classes = null) =>
        DatasetLoader.Load(new DataSpec { Split = DataSpecValidator.TestSplit, Limit = count, ImageSize = imageSize, Classes = classes });

    public static object Image(Dataset digits, int row) =>
        new { width = digits.Width, height = digits.Height, pixels = digits.Features.Row(row).ToArray() };

    /// <summary>Sum of squared differences.</summary>
    public static double SquaredError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }
}

/// <summary>One app with an RBM, two DBNs, a CNN and a patch RBM trained by one user.</summary>
public sealed class TryModelsFixture : IAsyncLifetime
{
    public TestApp App { get; } = new();

    public TestUser Owner { get; private set; } = null!;

    public Guid Rbm { get; private set; }

    public Guid Dbn { get; private set; }

    public Guid SupervisedDbn { get; private set; }

    public Guid Cnn { get; private set; }

    public Guid PatchRbm { get; private set; }

    public async Task InitializeAsync()
    {
        Owner = await App.NewUserAsync("trainer");
        Rbm = (await Owner.TrainAsync(new
        {
            name = "digits 1-3",
            rbm = new { hiddenUnits = 64, k = 1, learningRate = 0.1, batchSize = 20, epochs = 8, seed = 7 },
            data = new { classes = new[] { 1, 2, 3 }, limit = 2000, imageSize = 16 },
        })).ModelId!.Value;
        Dbn = (await Owner.TrainAsync(new
        {
            name = "dbn that classifies",
            kind = "dbn",
            data = new { limit = 2000, imageSize = 16 },
            dbn = new
            {
                layers = new[] { new { hiddenUnits = 48, epochs = 3, learningRate = 0.1, batchSize = 20, momentum = 0.5 }, new { hiddenUnits = 48, epochs = 2, learningRate = 0.1, batchSize = 20, momentum = 0.5 } },
                backprop = new { learningRate = 0.1, momentum = 0.9, batchSize = 20, epochs = 15 },
                testLimit = 200,
                seed = 3,
            },
        })).ModelId!.Value;
        SupervisedDbn = (await Owner.TrainAsync(DbnJobs.Tiny(pretraining: "supervised", name: "supervised dbn"))).ModelId!.Value;
        Cnn = (await Owner.TrainAsync(new
        {
            kind = "cnn",
            name = "tiny cnn",
            data = new { limit = 500, imageSize = 16 },
            cnn = new { preset = "small", epochs = 2, batchSize = 20, learningRate = 0.003, validation = 100, testLimit = 200, seed = 5 },
        })).ModelId!.Value;
        PatchRbm = (await Owner.TrainAsync(new
        {
            kind = "rbm-patches",
            name = "patches",
            rbm = new { hiddenUnits = 16, epochs = 2, batchSize = 50, learningRate = 0.01 },
            patches = new { trainImage = "builtin:chelsea", testImage = "builtin:coffee", patchSize = 8, patchCount = 2000, stride = 4 },
        })).ModelId!.Value;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class ModelTryTests(TryModelsFixture models) : IClassFixture<TryModelsFixture>
{
    private static async Task<TryResultDto> TryAsync(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TryResultDto>(TestApp.Json))!;
    }

    [Fact]
    public async Task TryOnAnRbmReconstructsARealTestDigitOfAnotherSizeCloseToTheDigit()
    {
        var digit28 = TrainedModels.TestDigits(1, classes: [2]);
        var digit16 = TrainedModels.TestDigits(1, imageSize: 16, classes: [2]);
        var others = TrainedModels.TestDigits(1, imageSize: 16, classes: [3]);

        var result = await TryAsync(models.Owner.Client, $"/api/models/{models.Rbm}/try", TrainedModels.Image(digit16, 0));
        var resized = await TryAsync(models.Owner.Client, $"/api/models/{models.Rbm}/try", TrainedModels.Image(digit28, 0));

        Assert.Equal((16, 16), (result.Width, result.Height));
        Assert.Equal((16, 16), (resized.Width, resized.Height));
        Assert.NotNull(result.Reconstruction);
        Assert.Equal(256, result.Reconstruction.Length);
        Assert.Null(result.Probabilities);
        Assert.Null(result.Predicted);
        double error = TrainedModels.SquaredError(result.Reconstruction, digit16.Features.Row(0));
        double energy = TrainedModels.SquaredError(new float[256], digit16.Features.Row(0));
        double toAThree = TrainedModels.SquaredError(result.Reconstruction, others.Features.Row(0));
        double resizedError = TrainedModels.SquaredError(resized.Reconstruction!, digit16.Features.Row(0));
        Assert.True(error < 0.5 * energy && error < 0.6 * toAThree,
            $"reconstruction error {error:F2}; the digit's squared norm {energy:F2}; distance to a test 3 {toAThree:F2}");
        // The 28×28 digit is resized by area averaging to the model's 16×16, as MNIST at imageSize 16 is.
        Assert.Equal(error, resizedError, 0.5);
        var image = ImageDecoder.Decode(Convert.FromBase64String(result.ReconstructionPngBase64!));
        Assert.True(image.Width >= TileImage.MinimumWidth / 2 && image.Height > image.Width, $"{image.Width}×{image.Height}: the input above its reconstruction");
    }

    [Fact]
    public async Task TryOnADbnClassifierPredictsRealTestDigitsAndReconstructsThroughTheStack()
    {
        var digits = TrainedModels.TestDigits(10);
        int correct = 0;
        for (int i = 0; i < digits.Count; i++)
        {
            var result = await TryAsync(models.Owner.Client, $"/api/models/{models.Dbn}/try", TrainedModels.Image(digits, i));
            Assert.NotNull(result.Probabilities);
            Assert.Equal(10, result.Probabilities.Length);
            Assert.Equal(1.0, result.Probabilities.Sum(p => (double)p), 4);
            Assert.All(result.Probabilities, p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(Array.IndexOf(result.Probabilities, result.Probabilities.Max()), result.Predicted);
            Assert.NotNull(result.Reconstruction);
            Assert.Equal(256, result.Reconstruction.Length);
            Assert.All(result.Reconstruction, v => Assert.InRange(v, 0f, 1f));
            correct += result.Predicted == digits.Labels[i] ? 1 : 0;
        }

        Assert.True(correct >= 8, $"{correct} of the first 10 test digits classified correctly");
    }

    [Fact]
    public async Task TryOnADbnWithSupervisedLayersGivesProbabilitiesButNoReconstruction()
    {
        var digits = TrainedModels.TestDigits(1);

        var result = await TryAsync(models.Owner.Client, $"/api/models/{models.SupervisedDbn}/try", TrainedModels.Image(digits, 0));

        Assert.Null(result.Reconstruction);
        Assert.Null(result.ReconstructionPngBase64);
        Assert.Equal(10, result.Probabilities!.Length);
        Assert.Equal(1.0, result.Probabilities.Sum(p => (double)p), 4);
    }

    [Fact]
    public async Task TryOnACnnGivesClassProbabilitiesThatSumToOne()
    {
        var digits = TrainedModels.TestDigits(1, imageSize: 16);

        var result = await TryAsync(models.Owner.Client, $"/api/models/{models.Cnn}/try", TrainedModels.Image(digits, 0));

        Assert.Equal((16, 16), (result.Width, result.Height));
        Assert.Null(result.Reconstruction);
        Assert.Equal(10, result.Probabilities!.Length);
        Assert.Equal(1.0, result.Probabilities.Sum(p => (double)p), 4);
        Assert.Equal(Array.IndexOf(result.Probabilities, result.Probabilities.Max()), result.Predicted);
    }

    [Fact]
    public async Task TryRejectsBadImagesNamingTheField()
    {
        var client = models.Owner.Client;
        string url = $"/api/models/{models.Rbm}/try";

        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync(url, new { height = 2, pixels = new float[4] }, TestApp.Json), "width");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync(url, new { width = 0, height = 2, pixels = new float[0] }, TestApp.Json), "width");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync(url, new { width = 2, height = 5000, pixels = new float[4] }, TestApp.Json), "height");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync(url, new { width = 2, height = 2, pixels = new float[5] }, TestApp.Json), "pixels");
        await SharingTestKit.AssertInvalidAsync(await client.PostAsJsonAsync(url, new { width = 2, height = 2 }, TestApp.Json), "pixels");
        await SharingTestKit.AssertInvalidAsync(
            await client.PostAsJsonAsync(url, new { width = 2, height = 2, pixels = new[] { 0f, 0.5f, 1.5f, 0f } }, TestApp.Json), "pixels[2]");
    }

    [Fact]
    public async Task AStrangerCannotTryAPrivateModelButAnUnlistedLinkWorksWithoutSigningIn()
    {
        var stranger = await models.App.NewUserAsync("stranger");
        var digits = TrainedModels.TestDigits(1);
        var body = TrainedModels.Image(digits, 0);

        await SharingTestKit.AssertProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/models/{models.Cnn}/try", body, TestApp.Json), HttpStatusCode.NotFound);
        await SharingTestKit.AssertProblemAsync(await stranger.Client.PostAsJsonAsync($"/api/models/{Guid.NewGuid()}/try", body, TestApp.Json), HttpStatusCode.NotFound);

        var link = await models.Owner.Client.PostAsync($"/api/models/{models.Cnn}/share-link", null);
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var token = (await link.Content.ReadFromJsonAsync<ShareLinkDto>(TestApp.Json))!.Token;
        var anonymous = models.App.CreateAnonymousClient();
        var result = await TryAsync(anonymous, $"/api/shared/{token}/try", body);
        Assert.Equal(10, result.Probabilities!.Length);
        await SharingTestKit.AssertProblemAsync(await anonymous.PostAsJsonAsync($"/api/shared/not-a-token/try", body, TestApp.Json), HttpStatusCode.NotFound);

        await models.Owner.Client.DeleteAsync($"/api/models/{models.Cnn}/share-link");
        await SharingTestKit.AssertProblemAsync(await anonymous.PostAsJsonAsync($"/api/shared/{token}/try", body, TestApp.Json), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TryImageReconstructsAnUploadedImageWithAPatchModel()
    {
        var photo = new GrayImage(40, 30, Enumerable.Range(0, 40 * 30).Select(i => (float)((i % 40) / 40.0 * 0.5 + (i / 40) / 30.0 * 0.5)).ToArray());
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo.ToPng());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "gradient.png");

        var response = await models.Owner.Client.PostAsync($"/api/models/{models.PatchRbm}/try-image", form);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var rendered = ImageDecoder.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.True(rendered.Width >= 3 * 40, $"original | binary | probabilities side by side, got {rendered.Width}×{rendered.Height}");

        // The drawing route also takes a patch model: the image as one standardized patch.
        var patch = await TryAsync(models.Owner.Client, $"/api/models/{models.PatchRbm}/try", new { width = 8, height = 8, pixels = photo.Resize(8, 8).Pixels });
        Assert.Equal(64, patch.Reconstruction!.Length);
    }

    [Fact]
    public async Task TryImageRejectsNonPatchModelsAndFilesThatAreNotImages()
    {
        using var png = new MultipartFormDataContent();
        png.Add(new ByteArrayContent(new GrayImage(20, 20, new float[400]).ToPng()), "file", "black.png");
        await SharingTestKit.AssertInvalidAsync(await models.Owner.Client.PostAsync($"/api/models/{models.Rbm}/try-image", png), "id");

        using var garbage = new MultipartFormDataContent();
        garbage.Add(new ByteArrayContent("not an image at all"u8.ToArray()), "file", "notes.png");
        await SharingTestKit.AssertInvalidAsync(await models.Owner.Client.PostAsync($"/api/models/{models.PatchRbm}/try-image", garbage), "file");

        using var empty = new MultipartFormDataContent();
        empty.Add(new StringContent("x"), "name");
        await SharingTestKit.AssertInvalidAsync(await models.Owner.Client.PostAsync($"/api/models/{models.PatchRbm}/try-image", empty), "file");
    }
}
