using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>
/// Visibility transitions and who may read a model in each state: owner, classmate, member of another class, stranger,
/// anonymous with and without the unlisted token. Models are stored rows (training is not the point here).
/// </summary>
public sealed class ModelVisibilityTests : IClassFixture<SharedApp>
{
    private readonly TestApp _app;

    public ModelVisibilityTests(SharedApp shared) => _app = shared.App;

    private sealed record Cast(TestUser Owner, TestUser Classmate, TestUser OtherClass, TestUser Stranger, ClassDto Class, ClassDto Other, Guid ModelId);

    private async Task<Cast> CastAsync()
    {
        var owner = await _app.NewUserAsync("owner");
        var classmate = await _app.NewUserAsync("classmate");
        var otherClass = await _app.NewUserAsync("other-class");
        var stranger = await _app.NewUserAsync("stranger");
        var teacher = await _app.NewUserAsync("teacher");
        var course = await teacher.CreateClassAsync("Course");
        var other = await teacher.CreateClassAsync("Other course");
        await owner.JoinAsync(course.JoinCode!);
        await classmate.JoinAsync(course.JoinCode!);
        await otherClass.JoinAsync(other.JoinCode!);
        var modelId = await _app.InsertModelAsync(owner, "digits");
        return new Cast(owner, classmate, otherClass, stranger, course, other, modelId);
    }

    private static async Task AssertReadersAsync(Guid modelId, IEnumerable<TestUser> readers, IEnumerable<TestUser> nonReaders)
    {
        foreach (var reader in readers)
        {
            var response = await reader.Client.GetAsync($"/api/models/{modelId}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{reader.Email} should read the model, got {(int)response.StatusCode}");
        }

        foreach (var user in nonReaders)
        {
            var response = await user.Client.GetAsync($"/api/models/{modelId}");
            string detail = await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Equal($"Model {modelId} not found.", detail);
        }
    }

    [Fact]
    public async Task PrivateModelIsReadByItsOwnerAlone()
    {
        var cast = await CastAsync();

        await AssertReadersAsync(cast.ModelId, [cast.Owner], [cast.Classmate, cast.OtherClass, cast.Stranger]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateAnonymousClient().GetAsync($"/api/models/{cast.ModelId}")).StatusCode);
    }

    [Fact]
    public async Task ClassModelIsReadByClassmatesButNotByOtherClassesOrStrangers()
    {
        var cast = await CastAsync();

        var card = await cast.Owner.SetVisibilityAsync(cast.ModelId, "class", cast.Class.Id);

        Assert.Equal(ModelVisibility.Class, card.Sharing!.Visibility);
        Assert.Equal([cast.Class.Id], card.Sharing.ClassIds);
        Assert.True(card.Sharing.CanEdit);
        Assert.Null(card.Sharing.ShareToken);
        await AssertReadersAsync(cast.ModelId, [cast.Owner, cast.Classmate], [cast.OtherClass, cast.Stranger]);
    }

    [Fact]
    public async Task ModelSharedWithTwoClassesIsReadInBoth()
    {
        var cast = await CastAsync();
        await cast.Owner.JoinAsync(cast.Other.JoinCode!);

        var card = await cast.Owner.SetVisibilityAsync(cast.ModelId, "Class", cast.Class.Id, cast.Other.Id, cast.Class.Id);

        Assert.Equal(new[] { cast.Class.Id, cast.Other.Id }.Order(), card.Sharing!.ClassIds.Order());
        await AssertReadersAsync(cast.ModelId, [cast.Owner, cast.Classmate, cast.OtherClass], [cast.Stranger]);
    }

    [Fact]
    public async Task PublicModelIsReadByEverySignedInUserButNotAnonymously()
    {
        var cast = await CastAsync();

        await cast.Owner.SetVisibilityAsync(cast.ModelId, "public");

        await AssertReadersAsync(cast.ModelId, [cast.Owner, cast.Classmate, cast.OtherClass, cast.Stranger], []);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateAnonymousClient().GetAsync($"/api/models/{cast.ModelId}")).StatusCode);
    }

    [Fact]
    public async Task UnlistedModelIsReadThroughItsLinkOnly()
    {
        var cast = await CastAsync();
        var anonymous = _app.CreateAnonymousClient();

        var card = await cast.Owner.SetVisibilityAsync(cast.ModelId, "unlisted");

        string token = card.Sharing!.ShareToken!;
        Assert.Equal(43, token.Length);
        await AssertReadersAsync(cast.ModelId, [cast.Owner], [cast.Classmate, cast.OtherClass, cast.Stranger]);
        var shared = await anonymous.GetFromJsonAsync<ModelDto>($"/api/shared/{token}", TestApp.Json);
        Assert.Equal(cast.ModelId, shared!.Id);
        Assert.Equal(cast.Owner.DisplayName, shared.Sharing!.Owner);
        Assert.False(shared.Sharing.CanEdit);
        Assert.Null(shared.Sharing.ShareToken);
        var asStranger = await cast.Stranger.Client.GetFromJsonAsync<ModelDto>($"/api/shared/{token}", TestApp.Json);
        Assert.False(asStranger!.Sharing!.CanEdit);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/models/{cast.ModelId}")).StatusCode);
        await SharingTestKit.AssertProblemAsync(await anonymous.GetAsync($"/api/shared/{token[..^1]}x"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SettingUnlistedAgainKeepsTheToken()
    {
        var cast = await CastAsync();

        var first = await cast.Owner.SetVisibilityAsync(cast.ModelId, "unlisted");
        var second = await cast.Owner.SetVisibilityAsync(cast.ModelId, "unlisted");

        Assert.Equal(first.Sharing!.ShareToken, second.Sharing!.ShareToken);
    }

    [Fact]
    public async Task RotatingTheLinkRetiresTheOldToken()
    {
        var cast = await CastAsync();
        var anonymous = _app.CreateAnonymousClient();
        string old = (await cast.Owner.SetVisibilityAsync(cast.ModelId, "unlisted")).Sharing!.ShareToken!;

        var response = await cast.Owner.Client.PostAsync($"/api/models/{cast.ModelId}/share-link", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var link = (await response.Content.ReadFromJsonAsync<ShareLinkDto>(TestApp.Json))!;
        Assert.NotEqual(old, link.Token);
        Assert.Equal($"/#/shared/{link.Token}", link.Url);
        await SharingTestKit.AssertProblemAsync(await anonymous.GetAsync($"/api/shared/{old}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/shared/{link.Token}")).StatusCode);
    }

    [Fact]
    public async Task RotatingTheLinkOfAPrivateModelMakesItUnlisted()
    {
        var cast = await CastAsync();

        var link = await (await cast.Owner.Client.PostAsync($"/api/models/{cast.ModelId}/share-link", null)).Content.ReadFromJsonAsync<ShareLinkDto>(TestApp.Json);

        var shared = await _app.CreateAnonymousClient().GetFromJsonAsync<ModelDto>($"/api/shared/{link!.Token}", TestApp.Json);
        Assert.Equal(ModelVisibility.Unlisted, shared!.Sharing!.Visibility);
    }

    [Fact]
    public async Task RevokingTheLinkMakesTheModelPrivate()
    {
        var cast = await CastAsync();
        string token = (await cast.Owner.SetVisibilityAsync(cast.ModelId, "unlisted")).Sharing!.ShareToken!;

        var response = await cast.Owner.Client.DeleteAsync($"/api/models/{cast.ModelId}/share-link");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await SharingTestKit.AssertProblemAsync(await _app.CreateAnonymousClient().GetAsync($"/api/shared/{token}"), HttpStatusCode.NotFound);
        var card = await cast.Owner.SetVisibilityAsync(cast.ModelId, "private");
        Assert.Equal(ModelVisibility.Private, card.Sharing!.Visibility);
        Assert.Null(card.Sharing.ShareToken);
    }

    [Fact]
    public async Task LeavingUnlistedDropsTheToken()
    {
        var cast = await CastAsync();
        string token = (await cast.Owner.SetVisibilityAsync(cast.ModelId, "unlisted")).Sharing!.ShareToken!;

        var card = await cast.Owner.SetVisibilityAsync(cast.ModelId, "public");

        Assert.Null(card.Sharing!.ShareToken);
        await SharingTestKit.AssertProblemAsync(await _app.CreateAnonymousClient().GetAsync($"/api/shared/{token}"), HttpStatusCode.NotFound);
        string fresh = (await cast.Owner.SetVisibilityAsync(cast.ModelId, "unlisted")).Sharing!.ShareToken!;
        Assert.NotEqual(token, fresh);
    }

    [Fact]
    public async Task GoingFromClassToPrivateHidesTheModelFromClassmatesAgain()
    {
        var cast = await CastAsync();
        await cast.Owner.SetVisibilityAsync(cast.ModelId, "class", cast.Class.Id);

        var card = await cast.Owner.SetVisibilityAsync(cast.ModelId, "private");

        Assert.Empty(card.Sharing!.ClassIds);
        await AssertReadersAsync(cast.ModelId, [cast.Owner], [cast.Classmate]);
    }

    [Fact]
    public async Task OwnerLeavingTheClassUnsharesTheModel()
    {
        var cast = await CastAsync();
        await cast.Owner.SetVisibilityAsync(cast.ModelId, "class", cast.Class.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await cast.Owner.Client.PostAsync($"/api/classes/{cast.Class.Id}/leave", null)).StatusCode);

        await AssertReadersAsync(cast.ModelId, [cast.Owner], [cast.Classmate]);
        var card = await cast.Owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{cast.ModelId}", TestApp.Json);
        Assert.Equal(ModelVisibility.Private, card!.Sharing!.Visibility);
    }

    [Fact]
    public async Task InstructorRemovingTheOwnerUnsharesTheModel()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var owner = await _app.NewUserAsync("owner");
        var classmate = await _app.NewUserAsync("classmate");
        var course = await teacher.CreateClassAsync();
        await owner.JoinAsync(course.JoinCode!);
        await classmate.JoinAsync(course.JoinCode!);
        var modelId = await _app.InsertModelAsync(owner, "digits");
        await owner.SetVisibilityAsync(modelId, "class", course.Id);
        await AssertReadersAsync(modelId, [teacher, classmate], []);

        Assert.Equal(HttpStatusCode.NoContent, (await teacher.Client.DeleteAsync($"/api/classes/{course.Id}/members/{owner.Id}")).StatusCode);

        await AssertReadersAsync(modelId, [owner], [teacher, classmate]);
    }

    [Fact]
    public async Task ClassmateWhoLeavesLosesAccess()
    {
        var cast = await CastAsync();
        await cast.Owner.SetVisibilityAsync(cast.ModelId, "class", cast.Class.Id);

        await cast.Classmate.Client.PostAsync($"/api/classes/{cast.Class.Id}/leave", null);

        await AssertReadersAsync(cast.ModelId, [cast.Owner], [cast.Classmate]);
    }

    [Fact]
    public async Task ModelCardTellsReadersWhoOwnsItButNotItsClasses()
    {
        var cast = await CastAsync();
        await cast.Owner.SetVisibilityAsync(cast.ModelId, "class", cast.Class.Id);

        var asOwner = await cast.Owner.Client.GetFromJsonAsync<ModelDto>($"/api/models/{cast.ModelId}", TestApp.Json);
        var asClassmate = await cast.Classmate.Client.GetFromJsonAsync<ModelDto>($"/api/models/{cast.ModelId}", TestApp.Json);

        Assert.Equal(cast.Owner.DisplayName, asOwner!.Sharing!.Owner);
        Assert.True(asOwner.Sharing.CanEdit);
        Assert.Equal([cast.Class.Id], asOwner.Sharing.ClassIds);
        Assert.Equal(cast.Owner.DisplayName, asClassmate!.Sharing!.Owner);
        Assert.False(asClassmate.Sharing.CanEdit);
        Assert.Empty(asClassmate.Sharing.ClassIds);
        Assert.Equal(ModelVisibility.Class, asClassmate.Sharing.Visibility);
        Assert.Equal("training", asClassmate.Sharing.Source);
    }

    [Theory]
    [InlineData("friends")]
    [InlineData("1")]
    [InlineData("")]
    public async Task UnknownVisibilityIsAValidationProblem(string visibility)
    {
        var cast = await CastAsync();

        var response = await cast.Owner.Client.PutAsJsonAsync($"/api/models/{cast.ModelId}/visibility", new { visibility }, TestApp.Json);

        await SharingTestKit.AssertInvalidAsync(response, "visibility");
    }

    [Fact]
    public async Task ClassVisibilityWithoutClassesIsAValidationProblem()
    {
        var cast = await CastAsync();

        var response = await cast.Owner.Client.PutAsJsonAsync($"/api/models/{cast.ModelId}/visibility", new { visibility = "class" }, TestApp.Json);

        await SharingTestKit.AssertInvalidAsync(response, "classIds");
    }

    [Fact]
    public async Task ClassesTheOwnerIsNotInAreNamedByIndex()
    {
        var cast = await CastAsync();

        var response = await cast.Owner.Client.PutAsJsonAsync(
            $"/api/models/{cast.ModelId}/visibility",
            new { visibility = "class", classIds = new[] { cast.Class.Id, cast.Other.Id, Guid.NewGuid() } },
            TestApp.Json);

        await SharingTestKit.AssertInvalidAsync(response, "classIds[1]", "classIds[2]");
        await AssertReadersAsync(cast.ModelId, [cast.Owner], [cast.Classmate, cast.OtherClass]);
    }

    [Fact]
    public async Task ClassIdsWithAnotherVisibilityAreAValidationProblem()
    {
        var cast = await CastAsync();

        var response = await cast.Owner.Client.PutAsJsonAsync(
            $"/api/models/{cast.ModelId}/visibility", new { visibility = "public", classIds = new[] { cast.Class.Id } }, TestApp.Json);

        await SharingTestKit.AssertInvalidAsync(response, "classIds");
    }

    [Fact]
    public async Task OnlyTheOwnerChangesVisibilityAndTheLink()
    {
        var cast = await CastAsync();
        await cast.Owner.SetVisibilityAsync(cast.ModelId, "class", cast.Class.Id);

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Put, $"/api/models/{cast.ModelId}/visibility", new { visibility = "public" }),
            (HttpMethod.Post, $"/api/models/{cast.ModelId}/share-link", null),
            (HttpMethod.Delete, $"/api/models/{cast.ModelId}/share-link", null),
        })
        {
            var asClassmate = await cast.Classmate.Client.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });
            string detail = await SharingTestKit.AssertProblemAsync(asClassmate, HttpStatusCode.Forbidden);
            Assert.StartsWith($"Only the owner of model {cast.ModelId} can", detail, StringComparison.Ordinal);
            var asStranger = await cast.Stranger.Client.SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });
            Assert.Equal($"Model {cast.ModelId} not found.", await SharingTestKit.AssertProblemAsync(asStranger, HttpStatusCode.NotFound));
        }

        await AssertReadersAsync(cast.ModelId, [cast.Owner, cast.Classmate], [cast.Stranger]);
    }
}
