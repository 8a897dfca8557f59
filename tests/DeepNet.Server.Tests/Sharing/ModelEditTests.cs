using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>Editing and deleting a model: the owner may, a reader gets 403, a stranger 404. Models are stored rows.</summary>
public sealed class ModelEditTests : IClassFixture<SharedApp>
{
    private readonly TestApp _app;

    public ModelEditTests(SharedApp shared) => _app = shared.App;

    [Fact]
    public async Task OwnerRenamesAndDescribesTheModel()
    {
        var owner = await _app.NewUserAsync("owner");
        var id = await _app.InsertModelAsync(owner, "old name");

        var response = await owner.Client.PatchAsJsonAsync($"/api/models/{id}", new { name = "  digits 1-3  ", description = "CD-1, 16 hidden units." }, TestApp.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = (await response.Content.ReadFromJsonAsync<ModelDto>(TestApp.Json))!;
        Assert.Equal("digits 1-3", card.Name);
        Assert.Equal("CD-1, 16 hidden units.", card.Sharing!.Description);
        var reread = await owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{id}", TestApp.Json);
        Assert.Equal(("digits 1-3", "CD-1, 16 hidden units."), (reread!.Name, reread.Sharing!.Description));
    }

    [Fact]
    public async Task AbsentFieldsStayAndAnEmptyDescriptionClearsIt()
    {
        var owner = await _app.NewUserAsync("owner");
        var id = await _app.InsertModelAsync(owner, "name", description: "first");

        var renamed = await (await owner.Client.PatchAsJsonAsync($"/api/models/{id}", new { name = "renamed" }, TestApp.Json)).Content.ReadFromJsonAsync<ModelDto>(TestApp.Json);
        Assert.Equal(("renamed", "first"), (renamed!.Name, renamed.Sharing!.Description));

        var cleared = await (await owner.Client.PatchAsJsonAsync($"/api/models/{id}", new { description = "" }, TestApp.Json)).Content.ReadFromJsonAsync<ModelDto>(TestApp.Json);
        Assert.Equal(("renamed", null), (cleared!.Name, cleared.Sharing!.Description));
    }

    [Theory]
    [InlineData("""{"name":"  "}""", new[] { "name" })]
    [InlineData("""{"name":""}""", new[] { "name" })]
    [InlineData("""{"name":"NAME201"}""", new[] { "name" })]
    [InlineData("""{"description":"DESCRIPTION4001"}""", new[] { "description" })]
    [InlineData("""{"name":"","description":"DESCRIPTION4001"}""", new[] { "name", "description" })]
    public async Task InvalidEditIsAValidationProblemAndChangesNothing(string body, string[] fields)
    {
        var owner = await _app.NewUserAsync("owner");
        var id = await _app.InsertModelAsync(owner, "kept", description: "kept too");
        string json = body.Replace("NAME201", new string('n', 201), StringComparison.Ordinal)
            .Replace("DESCRIPTION4001", new string('d', 4001), StringComparison.Ordinal);

        var response = await owner.Client.PatchAsync($"/api/models/{id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await SharingTestKit.AssertInvalidAsync(response, fields);
        var model = await owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{id}", TestApp.Json);
        Assert.Equal(("kept", "kept too"), (model!.Name, model.Sharing!.Description));
    }

    [Fact]
    public async Task DescriptionOf4000CharactersIsAccepted()
    {
        var owner = await _app.NewUserAsync("owner");
        var id = await _app.InsertModelAsync(owner, "name");

        var response = await owner.Client.PatchAsJsonAsync($"/api/models/{id}", new { description = new string('d', 4000) }, TestApp.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ReaderGetsForbiddenAndStrangerNotFoundForEditAndDelete()
    {
        var owner = await _app.NewUserAsync("owner");
        var classmate = await _app.NewUserAsync("classmate");
        var stranger = await _app.NewUserAsync("stranger");
        var course = await owner.CreateClassAsync();
        await classmate.JoinAsync(course.JoinCode!);
        var id = await _app.InsertModelAsync(owner, "shared");
        await owner.SetVisibilityAsync(id, "class", course.Id);

        string editRefusal = await SharingTestKit.AssertProblemAsync(
            await classmate.Client.PatchAsJsonAsync($"/api/models/{id}", new { name = "mine now" }, TestApp.Json), HttpStatusCode.Forbidden);
        string deleteRefusal = await SharingTestKit.AssertProblemAsync(await classmate.Client.DeleteAsync($"/api/models/{id}"), HttpStatusCode.Forbidden);
        string strangerEdit = await SharingTestKit.AssertProblemAsync(
            await stranger.Client.PatchAsJsonAsync($"/api/models/{id}", new { name = "mine now" }, TestApp.Json), HttpStatusCode.NotFound);
        string strangerDelete = await SharingTestKit.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/models/{id}"), HttpStatusCode.NotFound);

        Assert.Equal($"Only the owner of model {id} can edit it.", editRefusal);
        Assert.Equal($"Only the owner of model {id} can delete it.", deleteRefusal);
        Assert.Equal($"Model {id} not found.", strangerEdit);
        Assert.Equal($"Model {id} not found.", strangerDelete);
        var model = await owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{id}", TestApp.Json);
        Assert.Equal("shared", model!.Name);
    }

    [Fact]
    public async Task InvalidEditByAStrangerIsStillNotFound()
    {
        var owner = await _app.NewUserAsync("owner");
        var stranger = await _app.NewUserAsync("stranger");
        var id = await _app.InsertModelAsync(owner, "name");

        var response = await stranger.Client.PatchAsJsonAsync($"/api/models/{id}", new { name = "" }, TestApp.Json);

        await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task OwnerDeletesTheModelWithItsSharesAndItsJobForgetsIt()
    {
        var owner = await _app.NewUserAsync("owner");
        var classmate = await _app.NewUserAsync("classmate");
        var course = await owner.CreateClassAsync();
        await classmate.JoinAsync(course.JoinCode!);
        var jobId = await _app.InsertJobWithImageAsync(owner, "filters", [1, 2, 3]);
        var id = await _app.InsertModelAsync(owner, "doomed", jobId: jobId);
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync())
        {
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.ModelId, id));
        }

        await owner.SetVisibilityAsync(id, "class", course.Id);

        var response = await owner.Client.DeleteAsync($"/api/models/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.GetAsync($"/api/models/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await classmate.Client.GetAsync($"/api/models/{id}")).StatusCode);
        Assert.Empty(await classmate.GalleryAsync("scope=classes"));
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.ModelClassShares.AnyAsync(s => s.ModelId == id));
            Assert.Null((await db.Jobs.SingleAsync(j => j.Id == jobId)).ModelId);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.DeleteAsync($"/api/models/{id}")).StatusCode);
    }

    [Fact]
    public async Task ForkOfADeletedModelKeepsItsParentIdWithoutAName()
    {
        var owner = await _app.NewUserAsync("owner");
        var parent = await _app.InsertModelAsync(owner, "parent");
        var child = await _app.InsertModelAsync(owner, "child");
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync())
        {
            await db.TrainedModels.Where(m => m.Id == child).ExecuteUpdateAsync(s => s.SetProperty(m => m.ParentModelId, parent));
        }

        var before = await owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{child}", TestApp.Json);
        Assert.Equal((parent, "parent"), (before!.Sharing!.ParentModelId, before.Sharing.ParentName));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/models/{parent}")).StatusCode);

        var after = await owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{child}", TestApp.Json);
        Assert.Equal((parent, (string?)null), (after!.Sharing!.ParentModelId, after.Sharing.ParentName));
    }

    [Fact]
    public async Task ParentNameIsShownOnlyToWhoMayReadTheParent()
    {
        var alice = await _app.NewUserAsync("alice");
        var bob = await _app.NewUserAsync("bob");
        var parent = await _app.InsertModelAsync(alice, "alice's parent");
        var child = await _app.InsertModelAsync(bob, "bob's fork");
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContextAsync())
        {
            await db.TrainedModels.Where(m => m.Id == child).ExecuteUpdateAsync(s => s.SetProperty(m => m.ParentModelId, parent));
        }

        var hidden = await bob.Client.GetFromJsonAsync<ModelDto>($"/api/models/{child}", TestApp.Json);
        await alice.SetVisibilityAsync(parent, "public");
        var shown = await bob.Client.GetFromJsonAsync<ModelDto>($"/api/models/{child}", TestApp.Json);

        Assert.Equal((parent, (string?)null), (hidden!.Sharing!.ParentModelId, hidden.Sharing.ParentName));
        Assert.Equal("alice's parent", shown!.Sharing!.ParentName);
    }
}
