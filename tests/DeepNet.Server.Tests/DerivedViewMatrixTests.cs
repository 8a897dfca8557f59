using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;
using DeepNet.Server.Tests.Sharing;
using Microsoft.AspNetCore.SignalR.Client;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepNet.Server.Tests;

/// <summary>
/// The authorization matrix's derived-view cases: the owner uploads a private data set of unmistakable rows
/// (<see cref="PrivateRows"/>), trains an RBM, a DBN and a CNN on it and shares them publicly and by unlisted links; a
/// stranger and a link holder read every view of those models and jobs and find none of the rows in any image or stream
/// and none of their labels, while the owner finds them.
/// </summary>
public sealed class DerivedViewFixture : IAsyncLifetime
{
    public TestApp App { get; } = new(settings: new Dictionary<string, string> { ["Jobs:SourceCheckInterval"] = "00:00:01" });

    public TestUser Owner { get; private set; } = null!;

    public TestUser Stranger { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public Dictionary<string, string> Ids { get; } = [];

    public async Task InitializeAsync()
    {
        Owner = await App.NewUserAsync("owner");
        Stranger = await App.NewUserAsync("stranger");
        Anonymous = App.CreateAnonymousClient();

        using var upload = await Owner.Client.PostAsync("/api/datasets", DatasetForms.Idx(PrivateRows.Images(100), PrivateRows.Labels(100), "private rows"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var dataset = (await upload.Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!.Id;
        var data = new { dataset = "user", datasetId = dataset };

        var rbmPublic = await SubmitAsync(new { name = "rbm public", data, rbm = new { hiddenUnits = 16, batchSize = 10, epochs = 1, seed = 3 } });
        var rbmLink = await SubmitAsync(new { name = "rbm link", data, rbm = new { hiddenUnits = 16, batchSize = 10, epochs = 1, seed = 4 } });
        var dbn = await SubmitAsync(new
        {
            kind = "dbn",
            name = "dbn public",
            data,
            dbn = new { layers = new[] { new { hiddenUnits = 8, epochs = 1, batchSize = 10 } }, backprop = new { batchSize = 10, epochs = 1 } },
        });
        var cnn = await SubmitAsync(new
        {
            kind = "cnn",
            name = "cnn link",
            data,
            cnn = new { epochs = 1, batchSize = 10, validation = 20, layers = new object[] { new { type = "conv", filters = 4, kernel = 3 }, new { type = "relu" } } },
        });

        foreach (var (name, job) in new[] { ("rbmPublic", rbmPublic), ("rbmLink", rbmLink), ("dbn", dbn), ("cnn", cnn) })
        {
            var done = await Owner.WaitForSuccessAsync(job.Id);
            Ids[name + "Job"] = done.Id.ToString();
            Ids[name + "Model"] = done.ModelId!.Value.ToString();
        }

        await Owner.SetVisibilityAsync(Guid.Parse(Ids["rbmPublicModel"]), "Public");
        await Owner.SetVisibilityAsync(Guid.Parse(Ids["dbnModel"]), "Public");
        Ids["rbmToken"] = await ShareLinkAsync(Ids["rbmLinkModel"]);
        Ids["cnnToken"] = await ShareLinkAsync(Ids["cnnModel"]);
    }

    public HttpClient Client(string caller) => caller switch
    {
        "owner" => Owner.Client,
        "stranger" => Stranger.Client,
        "anonymous" => Anonymous,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    public string Resolve(string template) => MatrixIds.Resolve(template, Ids);

    public async Task DisposeAsync() => await App.DisposeAsync();

    private async Task<JobDto> SubmitAsync(object body)
    {
        using var response = await Owner.Client.PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
    }

    private async Task<string> ShareLinkAsync(string modelId)
    {
        using var response = await Owner.Client.PostAsync($"/api/models/{modelId}/share-link", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ShareLinkDto>(TestApp.Json))!.Token;
    }
}

public sealed class DerivedViewMatrixTests(DerivedViewFixture fixture) : IClassFixture<DerivedViewFixture>
{
    /// <summary>Images drawn from training rows, by route: the owner sees the rows in them; a stranger and a link holder get a 404 that says why.</summary>
    public static TheoryData<string, string, bool> Images => new()
    {
        { "owner", "/api/jobs/{rbmPublicJob}/images/reconstructions", true },
        { "stranger", "/api/jobs/{rbmPublicJob}/images/reconstructions", false },
        { "owner", "/api/shared/{rbmToken}/images/reconstructions", true },
        { "stranger", "/api/shared/{rbmToken}/images/reconstructions", false },
        { "anonymous", "/api/shared/{rbmToken}/images/reconstructions", false },
        { "owner", "/api/jobs/{dbnJob}/images/misclassified", true },
        { "stranger", "/api/jobs/{dbnJob}/images/misclassified", false },
        { "owner", "/api/jobs/{cnnJob}/images/feature-maps", true },
        { "owner", "/api/shared/{cnnToken}/images/feature-maps", true },
        { "stranger", "/api/shared/{cnnToken}/images/feature-maps", false },
        { "anonymous", "/api/shared/{cnnToken}/images/feature-maps", false },
        { "owner", "/api/jobs/{cnnJob}/images/misclassified", true },
        { "stranger", "/api/shared/{cnnToken}/images/misclassified", false },
        { "anonymous", "/api/shared/{cnnToken}/images/misclassified", false },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public async Task ImagesDrawnFromAPrivateDataSetShowItsRowsOnlyToItsOwner(string caller, string url, bool seesRows)
    {
        using var response = await fixture.Client(caller).GetAsync(fixture.Resolve(url));
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        if (seesRows)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(PrivateRows.AppearIn(body), $"{caller} {url}: the owner's image shows none of the owner's rows.");
            return;
        }

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("private data set", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stranger", "/api/jobs/{rbmPublicJob}/images/filters")]
    [InlineData("anonymous", "/api/shared/{rbmToken}/images/filters")]
    [InlineData("stranger", "/api/jobs/{dbnJob}/images/confusion")]
    [InlineData("anonymous", "/api/shared/{cnnToken}/images/filters-1")]
    public async Task TheSharedModelsOwnImagesStayReadable(string caller, string url)
    {
        using var response = await fixture.Client(caller).GetAsync(fixture.Resolve(url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task JobsAndModelCardsListNoRowsWithTheirLabelsToOthers()
    {
        var ownersModel = await GetJsonAsync("owner", "/api/models/{dbnModel}");
        Assert.True(ownersModel.GetProperty("metrics").GetProperty("misclassified").GetArrayLength() > 0);
        Assert.True(Property(ownersModel, "withheld").ValueKind is JsonValueKind.Undefined or JsonValueKind.Null);

        foreach (var (caller, url) in new[] { ("stranger", "/api/models/{dbnModel}"), ("anonymous", "/api/shared/{cnnToken}"), ("stranger", "/api/shared/{cnnToken}") })
        {
            var model = await GetJsonAsync(caller, url);
            Assert.False(model.GetProperty("metrics").TryGetProperty("misclassified", out _), $"{caller} {url} lists misclassified rows.");
            Assert.Contains("misclassified", model.GetProperty("withheld").GetProperty("metrics").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("private data set", model.GetProperty("withheld").GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        var ownersCnnJob = await GetJsonAsync("owner", "/api/jobs/{cnnJob}");
        Assert.Contains(Stages(ownersCnnJob), s => s.GetProperty("metrics").TryGetProperty("misclassified", out _));
        foreach (var (caller, url) in new[] { ("stranger", "/api/jobs/{dbnJob}"), ("anonymous", "/api/shared/{cnnToken}/job"), ("stranger", "/api/jobs/{rbmPublicJob}") })
        {
            var job = await GetJsonAsync(caller, url);
            Assert.DoesNotContain(Stages(job), s => s.GetProperty("metrics").TryGetProperty("misclassified", out _));
            Assert.NotEmpty(job.GetProperty("withheld").GetProperty("images").EnumerateArray());
        }

        string gallery = await fixture.Stranger.Client.GetStringAsync("/api/gallery?scope=public");
        Assert.Contains(fixture.Ids["dbnModel"], gallery, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("misclassified", gallery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AComparisonWithholdsWhatEachRunsPageWithholds()
    {
        var comparison = await GetJsonAsync("stranger", "/api/compare?jobs={rbmPublicJob},{dbnJob}");
        var runs = comparison.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, run => Assert.NotEmpty(run.GetProperty("withheld").GetProperty("images").EnumerateArray()));
        Assert.DoesNotContain(Stages(runs[1]), s => s.GetProperty("metrics").TryGetProperty("misclassified", out _));
        Assert.Contains(comparison.GetProperty("differences").EnumerateArray(), d => d.GetProperty("setting").GetString() == "kind");

        var owners = await GetJsonAsync("owner", "/api/compare?jobs={rbmPublicJob},{dbnJob}");
        Assert.All(owners.GetProperty("runs").EnumerateArray(), run => Assert.True(Property(run, "withheld").ValueKind is JsonValueKind.Undefined or JsonValueKind.Null));
    }

    [Theory]
    [InlineData("owner", "/api/models/{dbnModel}/file", true)]
    [InlineData("stranger", "/api/models/{dbnModel}/file", false)]
    [InlineData("anonymous", "/api/shared/{cnnToken}/file", false)]
    public async Task ADownloadedFileListsTheMisclassifiedRowsOnlyToTheOwner(string caller, string url, bool listsRows)
    {
        byte[] file = await fixture.Client(caller).GetByteArrayAsync(fixture.Resolve(url));
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        using var header = JsonDocument.Parse(file.AsMemory(8, headerLength));
        using var metrics = JsonDocument.Parse(header.RootElement.GetProperty("__metadata__").GetProperty("metrics").GetString()!);
        Assert.Equal(listsRows, metrics.RootElement.TryGetProperty("misclassified", out _));
    }

    [Theory]
    [InlineData("owner", true)]
    [InlineData("stranger", false)]
    public async Task WatchingTheJobOverTheHubShowsTheRowsOnlyToTheOwner(string caller, bool seesRows)
    {
        var user = caller == "owner" ? fixture.Owner : fixture.Stranger;
        await using var connection = fixture.App.CreateHubConnection(TrainingHub.Path, user.Email);
        var snapshot = new TaskCompletionSource<SnapshotMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<SnapshotMessage>(nameof(ITrainingClient.Snapshot), s => snapshot.TrySetResult(s));
        await connection.StartAsync();
        await connection.InvokeAsync(nameof(TrainingHub.WatchJob), fixture.Ids["rbmPublicJob"]);
        var received = await snapshot.Task.WaitAsync(TestApp.Timeout);

        Assert.Contains(received.Images, i => i.Kind == "filters");
        Assert.Equal(seesRows, received.Images.Any(i => i.Kind == "reconstructions"));
        Assert.Equal(seesRows, received.Images.Any(i => PrivateRows.AppearIn(Convert.FromBase64String(i.PngBase64)) && i.Kind != "filters"));
        Assert.Equal(seesRows, received.Job.Withheld is null);
    }

    [Fact]
    public async Task GibbsChainsFromDigitsStartFromThePrivateRowsOnlyForTheOwnerAndFromMnistTestDigitsForOthers()
    {
        var request = new GibbsRequest { ModelId = Guid.Parse(fixture.Ids["rbmPublicModel"]), Start = "digit", Chains = 2, Steps = 1, Every = 1 };

        var owners = await GibbsFramesAsync(fixture.Owner.Email, request);
        Assert.True(PrivateRows.AppearIn(Convert.FromBase64String(owners[0].PngBase64)), "the owner's chains do not start from the owner's rows.");

        var strangers = await GibbsFramesAsync(fixture.Stranger.Email, request);
        Assert.Equal([0, 1], strangers.Select(f => f.Step));
        Assert.All(strangers, f => Assert.False(PrivateRows.AppearIn(Convert.FromBase64String(f.PngBase64)), $"step {f.Step} shows the owner's rows."));
        var digits = DatasetLoader.Load(new DataSpec { Split = "test", Limit = 2, ImageSize = 16 });
        string expected = Convert.ToBase64String(TileImage.RenderRows(digits.Features.Data.AsSpan(0, 256), digits.Features.Data.AsSpan(256, 256), 1, 16, 16));
        Assert.Equal(expected, strangers[0].PngBase64);
    }

    [Fact]
    public async Task AQueuedForkWhoseSourceWasUnsharedFailsSayingSo()
    {
        var parent = await fixture.Owner.TrainAsync(TestApp.SmallJob(epochs: 1, name: "parent"));
        await fixture.Owner.SetVisibilityAsync(parent.ModelId!.Value, "Public");
        using var blocking = await fixture.Owner.Client.PostAsJsonAsync("/api/jobs", TestApp.LongJob(), TestApp.Json);
        var longJob = (await blocking.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        await WaitAsync(fixture.Owner, longJob.Id, j => j.Status == JobStatus.Running, "started");

        var fork = await ForkAsync(fixture.Stranger, parent.ModelId!.Value, epochs: 1);
        Assert.Equal(JobStatus.Queued, fork.Status);
        await fixture.Owner.SetVisibilityAsync(parent.ModelId!.Value, "Private");
        using var cancel = await fixture.Owner.Client.PostAsync($"/api/jobs/{longJob.Id}/cancel", null);

        var failed = await WaitAsync(fixture.Stranger, fork.Id, j => j.Status is JobStatus.Failed or JobStatus.Succeeded, "ended");
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("no longer readable", failed.Error, StringComparison.Ordinal);
        Assert.Null(failed.ModelId);
    }

    [Fact]
    public async Task ARunningForkWhoseSourceWasDeletedFailsSayingSo()
    {
        var parent = await fixture.Owner.TrainAsync(new
        {
            name = "big parent",
            rbm = new { hiddenUnits = 25, batchSize = 10, epochs = 1 },
            data = new { limit = 5000, imageSize = 28 },
        });
        await fixture.Owner.SetVisibilityAsync(parent.ModelId!.Value, "Public");
        var fork = await ForkAsync(fixture.Stranger, parent.ModelId!.Value, epochs: 1000);
        await WaitAsync(fixture.Stranger, fork.Id, j => j.History.Count >= 1, "trained an epoch");

        using var deleted = await fixture.Owner.Client.DeleteAsync($"/api/models/{parent.ModelId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        var failed = await WaitAsync(fixture.Stranger, fork.Id, j => j.Status is JobStatus.Failed or JobStatus.Succeeded or JobStatus.Canceled, "ended");
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("no longer readable", failed.Error, StringComparison.Ordinal);
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : default(JsonElement);

    private static IEnumerable<JsonElement> Stages(JsonElement job) =>
        Property(job, "stages") is { ValueKind: JsonValueKind.Array } stages ? stages.EnumerateArray() : [];

    private async Task<JsonElement> GetJsonAsync(string caller, string url)
    {
        using var response = await fixture.Client(caller).GetAsync(fixture.Resolve(url));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{caller} {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<List<GibbsFrame>> GibbsFramesAsync(string email, GibbsRequest request)
    {
        await using var connection = fixture.App.CreateHubConnection(DemosHub.Path, email);
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TestApp.Timeout);
        var frames = new List<GibbsFrame>();
        await foreach (var frame in connection.StreamAsync<GibbsFrame>("Gibbs", request, timeout.Token))
        {
            frames.Add(frame);
        }

        return frames;
    }

    private static async Task<JobDto> ForkAsync(TestUser user, Guid modelId, int epochs)
    {
        using var response = await user.Client.PostAsJsonAsync($"/api/models/{modelId}/fork", new { mode = "continue", epochs }, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
    }

    private Task<JobDto> WaitAsync(TestUser user, Guid jobId, Func<JobDto, bool> condition, string what) =>
        JobEvents.WaitAsync(fixture.App, jobId, () => user.GetJobAsync(jobId), condition, what, user.Email);
}

/// <summary>
/// A private data set no built-in image resembles: 16×16 checkerboards of 4×4 blocks, the odd rows inverted, labelled
/// 0, 1, 2 in turn (so a classifier cannot learn them and misclassifies some).
/// </summary>
internal static class PrivateRows
{
    public const int Side = 16;
    private const int Block = 4;

    public static byte[] Images(int count)
    {
        var bytes = new byte[16 + (count * Side * Side)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), Side);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), Side);
        for (int i = 0; i < count; i++)
        {
            for (int y = 0; y < Side; y++)
            {
                for (int x = 0; x < Side; x++)
                {
                    bytes[16 + (i * Side * Side) + (y * Side) + x] = Bit(y, x, inverted: i % 2 == 1) ? (byte)255 : (byte)0;
                }
            }
        }

        return bytes;
    }

    public static byte[] Labels(int count) => IdxFiles.Labels(Enumerable.Range(0, count).Select(i => (byte)(i % 3)).ToArray());

    /// <summary>
    /// Whether a PNG shows one of the rows anywhere, at any integer scale of 1–8 (tile grids scale small images up): a
    /// 16×16 grid of cells whose centres are white (&gt; 170) or black (&lt; 85) exactly as a row or its inverse.
    /// </summary>
    public static bool AppearIn(byte[] png)
    {
        using var image = Image.Load<L8>(png);
        int width = image.Width;
        int height = image.Height;
        var pixels = new byte[width * height];
        image.CopyPixelDataTo(pixels);
        for (int scale = 1; scale <= TileImage.MaxScale; scale++)
        {
            int size = Side * scale;
            for (int top = 0; top + size <= height; top++)
            {
                for (int left = 0; left + size <= width; left++)
                {
                    if (Matches(pixels, width, top, left, scale, inverted: false) || Matches(pixels, width, top, left, scale, inverted: true))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool Bit(int y, int x, bool inverted) => ((((y / Block) + (x / Block)) % 2) == 0) != inverted;

    private static bool Matches(byte[] pixels, int width, int top, int left, int scale, bool inverted)
    {
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                byte value = pixels[((top + (y * scale) + (scale / 2)) * width) + left + (x * scale) + (scale / 2)];
                if (Bit(y, x, inverted) ? value <= 170 : value >= 85)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
