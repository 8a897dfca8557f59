using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DeepNet.Data;
using DeepNet.Server.Accounts;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepNet.Server.Tests;

/// <summary>The server's files in the blob store: the move out of an old database, natural-type data sets, uploads that store nothing, streamed downloads, the orphan sweep.</summary>
public sealed class BlobStorageTests
{
    private static readonly Dictionary<string, string> NoGrace = new() { ["Blobs:OrphanGrace"] = "00:00:00" };

    [Fact]
    public async Task AnOldDatabaseWithBlobsInItsRowsHasThemMovedIntoTheStoreAtStartup()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            var model = RandomBytes(3_000_017, seed: 1);
            var state = RandomBytes(1_000_003, seed: 2);
            var dataset = DatasetFile.Save(new Dataset(new DeepNet.Numerics.Matrix(2, 2, [0.5f, 1f, 2f, 3f]), [1, 2]));
            var png = TestImages.GrayPng(30, 20, (x, y) => (x + y) / 50.0);
            const string owner = "owner";
            // A database of the schema before the blob store, its blobs in its rows as that schema kept them.
            await using (var old = OpenWithoutTheApp(directory))
            {
                if (old.GetService<IRelationalDatabaseCreator>() is { } creator && !await creator.ExistsAsync())
                {
                    await creator.CreateAsync();
                }

                var migrations = old.Database.GetMigrations().ToList();
                await old.GetService<IMigrator>().MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith(LegacyBlobMove.AddHashesMigration, StringComparison.Ordinal)) - 1]);
                object job = Key(Guid.NewGuid());
                var now = DateTime.UtcNow;
                await old.Database.ExecuteSqlRawAsync(
                    """INSERT INTO "Jobs" ("Id", "Name", "Kind", "OwnerId", "Status", "CreatedAt", "FinishedAt", "OptionsJson", "DataSpecJson") VALUES ({0}, 'legacy', 'rbm', 'owner', 'Failed', {1}, {1}, '{{}}', '{{}}')""",
                    job, now);
                await old.Database.ExecuteSqlRawAsync(
                    """INSERT INTO "JobCheckpoints" ("JobId", "CompletedEpochs", "State", "UpdatedAt") VALUES ({0}, 2, {1}, {2})""", job, state, now);
                await old.Database.ExecuteSqlRawAsync(
                    """
                    INSERT INTO "TrainedModels" ("Id", "Name", "Kind", "OwnerId", "Visibility", "Source", "CreatedAt", "InputUnits", "OutputUnits", "ImageWidth", "ImageHeight",
                        "OptionsJson", "DataSpecJson", "MetricsJson", "SizeBytes", "File")
                    VALUES ({0}, 'legacy', 'rbm', 'owner', 'Private', 'training', {1}, 4, 2, 2, 2, '{{}}', '{{}}', '{{}}', {2}, {3})
                    """,
                    Key(Guid.NewGuid()), now, (long)model.Length, model);
                await old.Database.ExecuteSqlRawAsync(
                    """
                    INSERT INTO "UserDatasets" ("Id", "OwnerId", "Name", "Kind", "Count", "Features", "Width", "Height", "HasLabels", "SizeBytes", "CreatedAt", "Blob")
                    VALUES ({0}, {1}, 'legacy', 'csv', 2, 2, 0, 0, {2}, {3}, {4}, {5})
                    """,
                    Key(Guid.NewGuid()), owner, true, (long)dataset.Length, now, dataset);
                await old.Database.ExecuteSqlRawAsync(
                    """INSERT INTO "UserImages" ("Id", "OwnerId", "Name", "Width", "Height", "SizeBytes", "CreatedAt", "Png") VALUES ({0}, 'owner', 'legacy', 30, 20, {1}, {2}, {3})""",
                    Key(Guid.NewGuid()), (long)png.Length, now, png);
            }

            await using var second = new TestApp(directory);
            await using (var db = await second.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync())
            {
                Assert.Empty(db.Database.GetPendingMigrations());
                var blobs = second.Services.GetRequiredService<IBlobStore>();
                await AssertMovedAsync(blobs, model, await db.TrainedModels.Where(m => m.Name == "legacy").Select(m => new { m.FileHash, m.SizeBytes }).SingleAsync() is var m ? (m.FileHash, m.SizeBytes) : default);
                await AssertMovedAsync(blobs, state, await db.JobCheckpoints.Select(c => new { c.StateHash, c.SizeBytes }).SingleAsync() is var c ? (c.StateHash, c.SizeBytes) : default);
                await AssertMovedAsync(blobs, dataset, await db.UserDatasets.Where(d => d.Name == "legacy").Select(d => new { d.BlobHash, d.SizeBytes }).SingleAsync() is var d ? (d.BlobHash, d.SizeBytes) : default);
                await AssertMovedAsync(blobs, png, await db.UserImages.Where(i => i.Name == "legacy").Select(i => new { i.PngHash, i.SizeBytes }).SingleAsync() is var i ? (i.PngHash, i.SizeBytes) : default);

                // Nothing is left to move: a second start (or one after an interrupted move) only applies what is pending.
                Assert.Equal(0, LegacyBlobMove.Migrate(db, blobs, NullLogger.Instance));
            }

            // The moved files serve as before.
            var client = second.CreateClient();
            await using (var db = await second.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync())
            {
                string user = await second.UserIdAsync();
                await db.UserDatasets.ExecuteUpdateAsync(set => set.SetProperty(d => d.OwnerId, user));
            }

            var datasetId = (await client.GetFromJsonAsync<DatasetDto[]>("/api/datasets", TestApp.Json))!.Single(x => x.Name == "legacy").Id;
            Assert.Equal(dataset, await client.GetByteArrayAsync($"/api/datasets/{datasetId}/file"));
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    [Fact]
    public async Task AnIdxUploadIsStoredAsBytesAndLoadsAsTheFloatsTheReaderMakes()
    {
        await using var app = new TestApp();
        byte[] images = IdxFiles.Images(count: 100, height: 28, width: 28, seed: 4);
        byte[] labels = IdxFiles.Labels(Enumerable.Range(0, 100).Select(k => (byte)(k % 10)).ToArray());

        var response = await app.CreateClient().PostAsync("/api/datasets", DatasetForms.Idx(images, labels));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dto = (await response.Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!;

        // One byte per pixel (the upload's own type), not four.
        Assert.Equal(DatasetFile.HeaderBytes + (100 * 784) + 100, dto.SizeBytes);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync();
        var stored = await db.LoadDatasetAsync(dto.Id, CancellationToken.None);
        var read = IdxDatasetReader.Read(new MemoryStream(images), new MemoryStream(labels));
        Assert.Equal(read.Features.Data, stored!.Features.Data);
        Assert.Equal(read.Labels, stored.Labels);
        Assert.Equal(dto.SizeBytes, (await app.CreateClient().GetFromJsonAsync<StorageDto>("/api/storage", TestApp.Json))!.DatasetBytes);
    }

    [Fact]
    public async Task MalformedUploadsAreRefusedAndLeaveNothingInTheStore()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        byte[] truncated = IdxFiles.Images(count: 10, height: 28, width: 28, seed: 5)[..^7];

        var dataset = await client.PostAsync("/api/datasets", DatasetForms.Idx(truncated, labels: null));
        var image = await client.PostAsync("/api/images", ImagesApiTests.ImageForm([0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3], "broken.png"));

        Assert.Equal(HttpStatusCode.BadRequest, dataset.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, image.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<DatasetDto[]>("/api/datasets", TestApp.Json))!);
        BlobStoreTests.AssertEmpty(app);
    }

    [Fact]
    public async Task DataSetAndImageDownloadsStreamWithTheirHashAsETagAndAnswerRanges()
    {
        await using var app = new TestApp();
        var client = app.CreateClient();
        var dataset = (await (await client.PostAsync("/api/datasets", DatasetForms.Idx(IdxFiles.Images(50, 28, 28, seed: 6), labels: null)))
            .Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!;
        var image = (await (await client.PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.ColourPng(60, 40), "photo.png")))
            .Content.ReadFromJsonAsync<ImageDto>(TestApp.Json))!;

        await AssertStreamedAsync(client, $"/api/datasets/{dataset.Id}/file", dataset.SizeBytes);
        await AssertStreamedAsync(client, image.Url, image.SizeBytes!.Value);
        await AssertStreamedAsync(client, "/api/images/builtin:" + BuiltInImages.All[0].Name, length: null);

        var stranger = await app.CreateClientAsync("stranger@deepnet.test");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/datasets/{dataset.Id}/file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(image.Url)).StatusCode);
    }

    [Fact]
    public async Task TheSweepRemovesADeletedUploadsBlobButNotOneAnotherRowStillNames()
    {
        await using var app = new TestApp(settings: NoGrace);
        var client = app.CreateClient();
        var form = () => DatasetForms.Csv("1,2\n3,4\n", labelColumn: null);
        var first = (await (await client.PostAsync("/api/datasets", form())).Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!;
        var second = (await (await client.PostAsync("/api/datasets", form())).Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!;
        var other = (await (await client.PostAsync("/api/datasets", DatasetForms.Csv("5,6\n", labelColumn: null))).Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!;
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var sweeper = app.Services.GetRequiredService<RetentionSweeper>();
        Assert.Equal(2, blobs.List().Count());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/datasets/{first.Id}")).StatusCode);
        Assert.Equal(0, (await sweeper.SweepAsync()).OrphanedBlobs);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/datasets/{second.Id}/file")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/datasets/{second.Id}")).StatusCode);
        var swept = await sweeper.SweepAsync();
        Assert.Equal((1, first.SizeBytes), (swept.OrphanedBlobs, swept.OrphanedBlobBytes));
        Assert.Single(blobs.List());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/datasets/{other.Id}/file")).StatusCode);
    }

    [Fact]
    public async Task AJobKeepsOneCheckpointBlobNotOnePerEpoch()
    {
        await using var app = new TestApp();
        var job = await app.SubmitAsync(TestApp.SmallJob(epochs: 5));
        await app.WaitForStatusAsync(job.Id, JobStatus.Succeeded);

        // The model and at most the last checkpoint (its row went with the success; the sweep takes its blob).
        var blobs = app.Services.GetRequiredService<IBlobStore>().List().ToList();
        Assert.InRange(blobs.Count, 1, 2);
    }

    /// <summary>A key as the provider stores EF's Guids: uuid on PostgreSQL, upper-case text on SQLite.</summary>
    private static object Key(Guid id) => TestApp.OnPostgres ? id : id.ToString("D").ToUpperInvariant();

    private static async Task AssertStreamedAsync(HttpClient client, string url, long? length)
    {
        using var whole = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        byte[] bytes = await whole.Content.ReadAsByteArrayAsync();
        if (length is { } expected)
        {
            Assert.Equal(expected, bytes.Length);
        }

        var etag = whole.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"", etag.Tag);
        Assert.Contains("bytes", whole.Headers.AcceptRanges);

        using var unchanged = new HttpRequestMessage(HttpMethod.Get, url);
        unchanged.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(unchanged)).StatusCode);

        using var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(10, 29);
        using var partial = await client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[10..30], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(bytes.Length, partial.Content.Headers.ContentRange?.Length);
    }

    private static async Task AssertMovedAsync(IBlobStore blobs, byte[] original, (string Hash, long Size) row)
    {
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(original)), row.Hash);
        Assert.Equal(original.Length, row.Size);
        Assert.Equal(original, await blobs.ReadAllBytesAsync(row.Hash));
    }

    /// <summary>A context on the test app's database of <paramref name="directory"/> with no app running (and no blob store).</summary>
    private static DeepNetDbContext OpenWithoutTheApp(string directory)
    {
        var settings = new Dictionary<string, string?> { [SqliteStorage.DataDirectoryKey] = directory };
        if (TestApp.OnPostgres)
        {
            settings[DatabaseSettings.ProviderKey] = "postgres";
            settings[$"ConnectionStrings:{DatabaseSettings.ConnectionStringName}"] = TestApp.PostgresConnectionString(directory);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return DatabaseSettings.CreateContext(new DatabaseSettings(configuration, new SqliteStorage(configuration)).CreateOptions());
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
