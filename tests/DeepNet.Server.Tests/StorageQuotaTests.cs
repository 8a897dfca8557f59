using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Accounts;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Tests;

/// <summary>Issue 11 point 3: the per-user storage quota over data sets, images and jobs, and the account page's figures.</summary>
public sealed class StorageQuotaTests
{
    private static readonly Dictionary<string, string> OneMegabyte = new() { ["Storage:QuotaMB"] = "1" };

    [Fact]
    public async Task StorageReportsEachKindAgainstTheQuotaAndCountsOnlyTheCallersOwn()
    {
        await using var app = new TestApp(settings: OneMegabyte);
        var client = app.CreateClient();
        var empty = await client.GetFromJsonAsync<StorageDto>("/api/storage", TestApp.Json);
        Assert.Equal(new StorageDto(1024 * 1024, 0, 0, 0, 0, 0, 0, 0), empty);

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/datasets", DatasetForms.Csv("1,2\n3,4\n", labelColumn: null))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.ColourPng(40, 30), "small.png"))).StatusCode);
        var used = await client.GetFromJsonAsync<StorageDto>("/api/storage", TestApp.Json);
        var datasets = await client.GetFromJsonAsync<DatasetDto[]>("/api/datasets", TestApp.Json);
        var images = await client.GetFromJsonAsync<ImageDto[]>("/api/images", TestApp.Json);
        Assert.Equal(datasets!.Single().SizeBytes, used!.DatasetBytes);
        Assert.Equal(images!.Single(i => i.Name == "small").SizeBytes, used.ImageBytes);
        Assert.Equal(used.DatasetBytes + used.ImageBytes, used.UsedBytes);

        var stranger = await app.CreateClientAsync("stranger@deepnet.test");
        Assert.Equal(0, (await stranger.GetFromJsonAsync<StorageDto>("/api/storage", TestApp.Json))!.UsedBytes);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateAnonymousClient().GetAsync("/api/storage")).StatusCode);
    }

    [Fact]
    public async Task UploadsPastTheQuotaAre409WithTheFiguresAndStoreNothing()
    {
        await using var app = new TestApp(settings: OneMegabyte);
        var client = app.CreateClient();

        // 1500 digits of 28×28 are stored as bytes (their natural type): 1.2 MB, over a 1 MB quota on their own.
        var dataset = await client.PostAsync("/api/datasets", DatasetForms.Idx(IdxFiles.Images(count: 1500, height: 28, width: 28, seed: 3), labels: null));
        await AssertOverQuotaAsync(dataset, "this data set");
        Assert.Empty((await client.GetFromJsonAsync<DatasetDto[]>("/api/datasets", TestApp.Json))!);

        var noise = new Random(5);
        byte[] png = TestImages.GrayPng(1100, 1100, (_, _) => noise.NextDouble());
        var image = await client.PostAsync("/api/images", ImagesApiTests.ImageForm(png, "noise.png"));
        await AssertOverQuotaAsync(image, "this image");
        Assert.DoesNotContain((await client.GetFromJsonAsync<ImageDto[]>("/api/images", TestApp.Json))!, i => i.Name == "noise");
        Assert.Equal(0, (await client.GetFromJsonAsync<StorageDto>("/api/storage", TestApp.Json))!.UsedBytes);
        BlobStoreTests.AssertEmpty(app);
    }

    [Fact]
    public async Task AJobReservesItsEstimatedModelAndCheckpointAndOneThatDoesNotFitIsRefused()
    {
        await using var app = new TestApp(settings: OneMegabyte);
        var client = app.CreateClient();

        // 784 × 500 weights: a 1.5 MB model before its checkpoint.
        var big = await client.PostAsJsonAsync("/api/jobs", new { name = "too big", rbm = new { hiddenUnits = 500, epochs = 1 }, data = new { limit = 100 } }, TestApp.Json);
        await AssertOverQuotaAsync(big, "this job's model and checkpoint");
        Assert.Empty((await client.GetFromJsonAsync<JobSummaryDto[]>("/api/jobs", TestApp.Json))!);

        var small = await app.SubmitAsync(TestApp.LongJob("reserves"));
        var reserving = await client.GetFromJsonAsync<StorageDto>("/api/storage", TestApp.Json);
        Assert.True(reserving!.ReservedBytes > 0, "a queued or running job reserves its estimate");

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/jobs/{small.Id}/cancel", null)).StatusCode);
        await app.WaitForStatusAsync(small.Id, JobStatus.Canceled);
        Assert.Equal(0, (await client.GetFromJsonAsync<StorageDto>("/api/storage", TestApp.Json))!.ReservedBytes);
    }

    private static async Task AssertOverQuotaAsync(HttpResponseMessage response, string what)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestApp.Json);
        Assert.Equal(StorageQuota.ExceededTitle, problem!.Title);
        Assert.Contains($"Storing {what}", problem.Detail);
        Assert.Contains("your quota is 1 MB", problem.Detail);
    }
}
