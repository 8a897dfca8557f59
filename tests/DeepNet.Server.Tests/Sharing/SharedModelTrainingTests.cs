using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>
/// A really trained tiny RBM (TestApp.SmallJob, a few seconds) in the gallery, shared with a class and by link:
/// its card, thumbnail (the job's filters image), job and images reach exactly the users they should.
/// </summary>
public sealed class SharedModelTrainingTests : IAsyncLifetime
{
    private readonly TestApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TrainedModelIsSharedWithItsThumbnailJobAndImages()
    {
        var owner = await _app.NewUserAsync("owner");
        var classmate = await _app.NewUserAsync("classmate");
        var stranger = await _app.NewUserAsync("stranger");
        var anonymous = _app.CreateAnonymousClient();
        var course = await owner.CreateClassAsync();
        await classmate.JoinAsync(course.JoinCode!);

        var submitted = await owner.Client.PostAsJsonAsync("/api/jobs", TestApp.SmallJob(epochs: 2, name: "shared digits"), TestApp.Json);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = (await submitted.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        var modelId = (await owner.WaitForSuccessAsync(job.Id)).ModelId!.Value;

        var card = Assert.Single(await owner.GalleryAsync("scope=mine"));
        Assert.Equal((modelId, "shared digits", "rbm", "256-16"), (card.Id, card.Name, card.Kind, card.Architecture));
        Assert.Equal("MNIST 16×16, digits 1-3, 1000 images", card.Dataset);
        Assert.Equal("reconstruction error", card.MetricName);
        Assert.True(card.MetricValue > 0);
        Assert.Equal(owner.DisplayName, card.Author);
        Assert.Equal($"/api/models/{modelId}/thumbnail", card.ThumbnailUrl);
        await AssertPngAsync(await owner.Client.GetAsync(card.ThumbnailUrl));

        // Private: the classmate sees nothing of it, not even the job.
        Assert.Equal(HttpStatusCode.NotFound, (await classmate.Client.GetAsync(card.ThumbnailUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await classmate.Client.GetAsync($"/api/jobs/{job.Id}")).StatusCode);

        await owner.SetVisibilityAsync(modelId, "class", course.Id);
        Assert.Equal(modelId, Assert.Single(await classmate.GalleryAsync("scope=classes")).Id);
        await AssertPngAsync(await classmate.Client.GetAsync(card.ThumbnailUrl));
        var seenJob = await classmate.Client.GetFromJsonAsync<JobDto>($"/api/jobs/{job.Id}", TestApp.Json);
        Assert.Equal(2, seenJob!.History.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync(card.ThumbnailUrl)).StatusCode);

        string token = (await owner.SetVisibilityAsync(modelId, "unlisted")).Sharing!.ShareToken!;
        var shared = await anonymous.GetFromJsonAsync<ModelDto>($"/api/shared/{token}", TestApp.Json);
        Assert.Equal((modelId, job.Id), (shared!.Id, shared.JobId));
        await AssertPngAsync(await anonymous.GetAsync($"/api/shared/{token}/thumbnail"));
        await AssertPngAsync(await anonymous.GetAsync($"/api/shared/{token}/images/reconstructions"));
        var sharedJob = await anonymous.GetFromJsonAsync<JobDto>($"/api/shared/{token}/job", TestApp.Json);
        Assert.Equal((job.Id, 2), (sharedJob!.Id, sharedJob.History.Count));
        Assert.Equal(HttpStatusCode.NotFound, (await classmate.Client.GetAsync(card.ThumbnailUrl)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/models/{modelId}/share-link")).StatusCode);
        foreach (string path in new[] { "", "/thumbnail", "/job", "/images/filters" })
        {
            await SharingTestKit.AssertProblemAsync(await anonymous.GetAsync($"/api/shared/{token}{path}"), HttpStatusCode.NotFound);
        }
    }

    private static async Task AssertPngAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        byte[] png = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
