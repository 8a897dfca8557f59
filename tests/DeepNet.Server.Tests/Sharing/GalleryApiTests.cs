using System.Net;
using System.Net.Http.Json;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;
using DeepNet.Server.Cnn;
using DeepNet.Server.Dbn;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>
/// The gallery's scopes, search, type and class filters, sort orders and card fields. Models are stored rows (their
/// weights do not matter here); each test tags its model names so public models of other tests stay out of its results.
/// </summary>
public sealed class GalleryApiTests : IClassFixture<SharedApp>
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 1, 2, 3];
    private readonly TestApp _app;

    public GalleryApiTests(SharedApp shared) => _app = shared.App;

    private static string NewTag() => "t" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task MineListsEveryOwnModelWhateverItsVisibility()
    {
        var owner = await _app.NewUserAsync("owner");
        var other = await _app.NewUserAsync("other");
        var priv = await _app.InsertModelAsync(owner, "private one");
        var pub = await _app.InsertModelAsync(owner, "public one");
        var unlisted = await _app.InsertModelAsync(owner, "unlisted one");
        await owner.SetVisibilityAsync(pub, "public");
        await owner.SetVisibilityAsync(unlisted, "unlisted");
        var othersPublic = await _app.InsertModelAsync(other, "someone else's");
        await other.SetVisibilityAsync(othersPublic, "public");

        var mine = await owner.GalleryAsync("scope=mine");
        var byDefault = await owner.GalleryAsync("");

        Assert.Equal(new[] { priv, pub, unlisted }.Order(), mine.Select(c => c.Id).Order());
        Assert.Equal(mine.Select(c => c.Id), byDefault.Select(c => c.Id));
        Assert.Equal(ModelVisibility.Unlisted, mine.Single(c => c.Id == unlisted).Visibility);
    }

    [Fact]
    public async Task ClassesListsModelsSharedWithMyClassesAndClassIdNarrowsToOne()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var alice = await _app.NewUserAsync("alice");
        var bob = await _app.NewUserAsync("bob");
        var carol = await _app.NewUserAsync("carol");
        var k1 = await teacher.CreateClassAsync("K1");
        var k2 = await teacher.CreateClassAsync("K2");
        await alice.JoinAsync(k1.JoinCode!);
        await bob.JoinAsync(k2.JoinCode!);
        await carol.JoinAsync(k1.JoinCode!);
        await carol.JoinAsync(k2.JoinCode!);
        var m1 = await _app.InsertModelAsync(alice, "alice's rbm");
        var m2 = await _app.InsertModelAsync(bob, "bob's rbm");
        await _app.InsertModelAsync(alice, "alice's private rbm");
        var alicePublic = await _app.InsertModelAsync(alice, "alice's public rbm");
        await alice.SetVisibilityAsync(m1, "class", k1.Id);
        await bob.SetVisibilityAsync(m2, "class", k2.Id);
        await alice.SetVisibilityAsync(alicePublic, "public");

        Assert.Equal(new[] { m1, m2 }.Order(), (await carol.GalleryAsync("scope=classes")).Select(c => c.Id).Order());
        Assert.Equal([m1], (await carol.GalleryAsync($"scope=classes&classId={k1.Id}")).Select(c => c.Id));
        Assert.Equal([m2], (await carol.GalleryAsync($"classId={k2.Id}")).Select(c => c.Id));
        Assert.Equal([m1], (await alice.GalleryAsync("scope=classes")).Select(c => c.Id));
        Assert.Equal(new[] { m1, m2 }.Order(), (await teacher.GalleryAsync("scope=classes")).Select(c => c.Id).Order());
        Assert.Equal([m1], (await teacher.Client.GetFromJsonAsync<List<GalleryCardDto>>($"/api/classes/{k1.Id}/models", TestApp.Json))!.Select(c => c.Id));
        string detail = await SharingTestKit.AssertProblemAsync(await alice.Client.GetAsync($"/api/gallery?scope=classes&classId={k2.Id}"), HttpStatusCode.NotFound);
        Assert.Equal($"Class {k2.Id} not found.", detail);
    }

    [Fact]
    public async Task PublicListsThePublicModelsOfEveryone()
    {
        string tag = NewTag();
        var alice = await _app.NewUserAsync("alice");
        var bob = await _app.NewUserAsync("bob");
        var stranger = await _app.NewUserAsync("stranger");
        var a = await _app.InsertModelAsync(alice, $"{tag} a");
        var b = await _app.InsertModelAsync(bob, $"{tag} b");
        var hidden = await _app.InsertModelAsync(bob, $"{tag} hidden");
        await alice.SetVisibilityAsync(a, "public");
        await bob.SetVisibilityAsync(b, "public");
        await bob.SetVisibilityAsync(hidden, "unlisted");

        var cards = await stranger.GalleryAsync($"scope=public&q={tag}");

        Assert.Equal(new[] { a, b }.Order(), cards.Select(c => c.Id).Order());
        Assert.Equal(alice.DisplayName, cards.Single(c => c.Id == a).Author);
        Assert.Equal(bob.DisplayName, cards.Single(c => c.Id == b).Author);
    }

    [Fact]
    public async Task TypeFilterKeepsOneKindOfModel()
    {
        var owner = await _app.NewUserAsync("owner");
        var rbm = await _app.InsertModelAsync(owner, "rbm");
        var dbn = await _app.InsertModelAsync(owner, "dbn", kind: DbnJobKind.Name, architecture: "256-100-10", testError: 5f);
        var cnn = await _app.InsertModelAsync(owner, "cnn", kind: CnnJobKind.Name, architecture: "LeNet-5", testError: 1f);

        Assert.Equal([rbm], (await owner.GalleryAsync("type=rbm")).Select(c => c.Id));
        Assert.Equal([dbn], (await owner.GalleryAsync("type=DBN")).Select(c => c.Id));
        Assert.Equal([cnn], (await owner.GalleryAsync("scope=mine&type=cnn")).Select(c => c.Id));
        Assert.Empty(await owner.GalleryAsync("type=rbm-patches"));
    }

    [Fact]
    public async Task SearchFindsNameDescriptionArchitectureAndAuthorIgnoringCase()
    {
        string tag = NewTag();
        var owner = await _app.NewUserAsync($"{tag}-author");
        var byName = await _app.InsertModelAsync(owner, "Digits ONE to three");
        var byDescription = await _app.InsertModelAsync(owner, "second", description: "Trained for HOMEWORK 1");
        var byArchitecture = await _app.InsertModelAsync(owner, "third", kind: DbnJobKind.Name, architecture: "784-500-500-2000-10", testError: 1.2f);
        await owner.SetVisibilityAsync(byName, "public");
        await owner.SetVisibilityAsync(byDescription, "public");
        await owner.SetVisibilityAsync(byArchitecture, "public");
        var reader = await _app.NewUserAsync("reader");

        Assert.Equal([byName], (await owner.GalleryAsync("q=one%20TO")).Select(c => c.Id));
        Assert.Equal([byDescription], (await owner.GalleryAsync("q=homework")).Select(c => c.Id));
        Assert.Equal([byArchitecture], (await owner.GalleryAsync("q=500-2000")).Select(c => c.Id));
        Assert.Equal(3, (await reader.GalleryAsync($"scope=public&q={tag.ToUpperInvariant()}-AUTHOR")).Count);
        Assert.Empty(await owner.GalleryAsync("q=nothing-like-this"));
    }

    [Fact]
    public async Task SortOrdersByDateNameOrMetric()
    {
        var owner = await _app.NewUserAsync("owner");
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string Ais(double value) => $$"""[{"kind":"ais","createdAt":"2026-01-01T00:00:00Z","result":{"logZ":1,"avgTestLogProbability":{{value}}},"imageUrl":null}]""";
        var worseClassifier = await _app.InsertModelAsync(owner, "delta", kind: DbnJobKind.Name, createdAt: t0.AddMinutes(1), testError: 1.2f);
        var betterClassifier = await _app.InsertModelAsync(owner, "Charlie", kind: CnnJobKind.Name, createdAt: t0.AddMinutes(2), testError: 0.8f);
        var worseAis = await _app.InsertModelAsync(owner, "bravo", createdAt: t0.AddMinutes(3), reconstructionError: 0.001f, evaluationsJson: Ais(-90.5));
        var betterAis = await _app.InsertModelAsync(owner, "alpha", createdAt: t0.AddMinutes(4), reconstructionError: 0.5f, evaluationsJson: Ais(-85.25));
        var worseReconstruction = await _app.InsertModelAsync(owner, "echo", createdAt: t0.AddMinutes(5), reconstructionError: 0.03f);
        var betterReconstruction = await _app.InsertModelAsync(owner, "Foxtrot", createdAt: t0.AddMinutes(6), reconstructionError: 0.01f);
        var noMetric = await _app.InsertModelAsync(owner, "golf", createdAt: t0.AddMinutes(7), reconstructionError: null);
        Guid[] byDate = [worseClassifier, betterClassifier, worseAis, betterAis, worseReconstruction, betterReconstruction, noMetric];

        Assert.Equal(byDate.Reverse(), (await owner.GalleryAsync("sort=newest")).Select(c => c.Id));
        Assert.Equal(byDate, (await owner.GalleryAsync("sort=oldest")).Select(c => c.Id));
        Assert.Equal(
            [betterAis, worseAis, betterClassifier, worseClassifier, worseReconstruction, betterReconstruction, noMetric],
            (await owner.GalleryAsync("sort=name")).Select(c => c.Id));
        Assert.Equal(
            [betterClassifier, worseClassifier, betterAis, worseAis, betterReconstruction, worseReconstruction, noMetric],
            (await owner.GalleryAsync("sort=metric")).Select(c => c.Id));
    }

    [Fact]
    public async Task CardsCarryTheHeadlineMetricDatasetAndArchitecture()
    {
        var owner = await _app.NewUserAsync("owner");
        string ais = """[{"kind":"perClass","createdAt":"2026-01-01T00:00:00Z","result":{"classes":[]},"imageUrl":null},{"kind":"ais","createdAt":"2026-01-01T00:00:00Z","result":{"avgTestLogProbability":-86.5},"imageUrl":null}]""";
        var rbm = await _app.InsertModelAsync(owner, "rbm", reconstructionError: 0.25f, data: new DataSpec { ImageSize = 16, Classes = [3, 1, 2], Limit = 1000 });
        var aisRbm = await _app.InsertModelAsync(owner, "ais", reconstructionError: 0.25f, evaluationsJson: ais, data: new DataSpec { BinarizeThreshold = 0.5f });
        var dbn = await _app.InsertModelAsync(owner, "dbn", kind: DbnJobKind.Name, testError: 1.5f, architecture: "784-500-10", data: new DataSpec { Classes = [1, 5, 7], Split = "test" });

        var cards = (await owner.GalleryAsync("")).ToDictionary(c => c.Id);

        var rbmCard = cards[rbm];
        Assert.Equal(("reconstruction error", 0.25), (rbmCard.MetricName, Math.Round(rbmCard.MetricValue!.Value, 6)));
        Assert.Equal("MNIST 16×16, digits 1-3, 1000 images", rbmCard.Dataset);
        Assert.Equal("256-16", rbmCard.Architecture);
        Assert.Equal((owner.DisplayName, "rbm", ModelVisibility.Private), (rbmCard.Author, rbmCard.Kind, rbmCard.Visibility));
        Assert.Null(rbmCard.ThumbnailUrl);
        Assert.Equal(("AIS log-likelihood", -86.5), (cards[aisRbm].MetricName, cards[aisRbm].MetricValue));
        Assert.Equal("MNIST 28×28, digits 0-9, binarized", cards[aisRbm].Dataset);
        Assert.Equal(("test error", 1.5), (cards[dbn].MetricName, cards[dbn].MetricValue));
        Assert.Equal("MNIST 28×28, digits 1, 5, 7, test split", cards[dbn].Dataset);
        Assert.Equal("784-500-10", cards[dbn].Architecture);
    }

    [Fact]
    public async Task ThumbnailIsTheJobsFiltersImageAndCnnsUseTheFirstConvolution()
    {
        var owner = await _app.NewUserAsync("owner");
        var classmate = await _app.NewUserAsync("classmate");
        var stranger = await _app.NewUserAsync("stranger");
        var course = await owner.CreateClassAsync();
        await classmate.JoinAsync(course.JoinCode!);
        var rbmJob = await _app.InsertJobWithImageAsync(owner, "filters", Png);
        var cnnJob = await _app.InsertJobWithImageAsync(owner, "filters-1", Png);
        var rbm = await _app.InsertModelAsync(owner, "rbm", jobId: rbmJob);
        var cnn = await _app.InsertModelAsync(owner, "cnn", kind: CnnJobKind.Name, testError: 1f, jobId: cnnJob);
        var imported = await _app.InsertModelAsync(owner, "imported");
        await owner.SetVisibilityAsync(rbm, "class", course.Id);

        var cards = (await owner.GalleryAsync("")).ToDictionary(c => c.Id);

        Assert.Equal($"/api/models/{rbm}/thumbnail", cards[rbm].ThumbnailUrl);
        Assert.Equal($"/api/models/{cnn}/thumbnail", cards[cnn].ThumbnailUrl);
        Assert.Null(cards[imported].ThumbnailUrl);
        foreach (var (user, id) in new[] { (owner, rbm), (owner, cnn), (classmate, rbm) })
        {
            var response = await user.Client.GetAsync($"/api/models/{id}/thumbnail");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Png, await response.Content.ReadAsByteArrayAsync());
        }

        await SharingTestKit.AssertProblemAsync(await owner.Client.GetAsync($"/api/models/{imported}/thumbnail"), HttpStatusCode.NotFound);
        Assert.Equal($"Model {rbm} not found.", await SharingTestKit.AssertProblemAsync(await stranger.Client.GetAsync($"/api/models/{rbm}/thumbnail"), HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.NotFound, (await classmate.Client.GetAsync($"/api/models/{cnn}/thumbnail")).StatusCode);
    }

    [Theory]
    [InlineData("scope=everyone", "scope")]
    [InlineData("sort=best", "sort")]
    [InlineData("type=gan", "type")]
    [InlineData("scope=public&classId=0d1f8a7e-58a4-4c55-9a38-2a3e4c1b9f00", "classId")]
    [InlineData("scope=mine&sort=worst&type=svm", "sort", "type")]
    public async Task BadQueryIsAValidationProblemNamingTheParameter(string query, params string[] fields)
    {
        var user = await _app.NewUserAsync("user");

        await SharingTestKit.AssertInvalidAsync(await user.Client.GetAsync($"/api/gallery?{query}"), fields);
    }

    [Fact]
    public async Task OverlongSearchIsAValidationProblem()
    {
        var user = await _app.NewUserAsync("user");

        await SharingTestKit.AssertInvalidAsync(await user.Client.GetAsync($"/api/gallery?q={new string('a', 201)}"), "q");
    }

    [Fact]
    public async Task AnonymousCallerGetsUnauthorized()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateAnonymousClient().GetAsync("/api/gallery?scope=public")).StatusCode);
    }
}
