using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>Issue 11 point 3: the caps on live connections per user and on images decoded at once.</summary>
public sealed class ConcurrencyCapTests
{
    [Fact]
    public async Task LiveConnectionsPastTheCapAre429UntilOneCloses()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Concurrency:HubConnectionsPerUser"] = "3" });
        var mine = new List<HubConnection>();
        for (int i = 0; i < 3; i++)
        {
            var connection = app.CreateHubConnection(TrainingHub.Path);
            await connection.StartAsync();
            mine.Add(connection);
        }

        // A client's start completes with the handshake, before the server's connect handler has taken the slot.
        var cap = app.Services.GetRequiredService<HubConnectionCap>();
        string me = await app.UserIdAsync();
        await Eventually.TrueAsync(() => Task.FromResult(cap.HeldBy(me) == 3), () => $"{cap.HeldBy(me)} connections held", TimeSpan.FromSeconds(10));
        await using var fourth = app.CreateHubConnection(TrainingHub.Path);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => fourth.StartAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // Another student is not affected.
        await using var classmate = app.CreateHubConnection(TrainingHub.Path, "classmate@deepnet.test");
        await classmate.StartAsync();

        await mine[0].DisposeAsync();
        await Eventually.TrueAsync(() => Task.FromResult(cap.HeldBy(me) == 2), () => $"{cap.HeldBy(me)} connections still held", TimeSpan.FromSeconds(10));
        await using var again = app.CreateHubConnection(TrainingHub.Path);
        await again.StartAsync();
        Assert.Equal(HubConnectionState.Connected, again.State);
        foreach (var connection in mine.Skip(1))
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnUploadThatFindsNoDecodeSlotIs503AndStoresNothing()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string>
        {
            ["Concurrency:ImageDecodes"] = "1",
            ["Concurrency:ImageDecodeWait"] = "00:00:00.200",
        });
        var client = app.CreateClient();
        var slots = app.Services.GetRequiredService<ImageDecodeSlots>();
        using (var held = await slots.TryEnterAsync(CancellationToken.None))
        {
            Assert.NotNull(held);
            var busy = await client.PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.ColourPng(40, 30), "waits.png"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            var problem = await busy.Content.ReadFromJsonAsync<ProblemDetails>(TestApp.Json);
            Assert.Equal("Server busy", problem!.Title);
            Assert.Contains("1 images are being decoded", problem.Detail);
            Assert.DoesNotContain((await client.GetFromJsonAsync<ImageDto[]>("/api/images", TestApp.Json))!, i => i.Name == "waits");
        }

        var stored = await client.PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.ColourPng(40, 30), "waits.png"));
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        Assert.Equal(0, slots.Running);
    }
}
