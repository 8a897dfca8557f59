using System.Net;
using System.Net.Http.Json;
using System.Text;
using DeepNet.Server.Assignments;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Tests.Sharing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using DeepNet.Server.Demos;
using DeepNet.Server.Experiments;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;

namespace DeepNet.Server.Tests;

/// <summary>
/// One owner's resources — a private model and its job, a model shared with a class and its job, an uploaded data set
/// and image, an experiment — against four callers (the owner, a classmate, a stranger, nobody signed in) and every
/// action, over HTTP and the training hub. Trained for real (two tiny RBMs), so the jobs, images and files exist.
/// </summary>
public sealed class AuthorizationMatrixFixture : IAsyncLifetime
{
    public TestApp App { get; } = new();

    public TestUser Owner { get; private set; } = null!;

    public TestUser Classmate { get; private set; } = null!;

    public TestUser Stranger { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public Dictionary<string, string> Ids { get; } = [];

    public async Task InitializeAsync()
    {
        Owner = await App.NewUserAsync("owner");
        Classmate = await App.NewUserAsync("classmate");
        Stranger = await App.NewUserAsync("stranger");
        Anonymous = App.CreateAnonymousClient();

        var privateJob = await SubmitAndWaitAsync(TestApp.SmallJob(epochs: 1, name: "private"));
        var classJob = await SubmitAndWaitAsync(TestApp.SmallJob(epochs: 1, name: "class"));
        var classroom = await Owner.CreateClassAsync();
        await Classmate.JoinAsync(classroom.JoinCode!);
        await Owner.SetVisibilityAsync(classJob.ModelId!.Value, "Class", classroom.Id);

        using var dataset = await Owner.Client.PostAsync("/api/datasets", DatasetForms.Csv("1,0,1,0,1\n0,1,0,1,0\n", "true", "owner's data"));
        Assert.Equal(HttpStatusCode.Created, dataset.StatusCode);
        using var image = await Owner.Client.PostAsync("/api/images", ImagesApiTests.ImageForm(TestImages.GrayPng(32, 32, (x, y) => (x + y) % 2), "photo.png"));
        Assert.Equal(HttpStatusCode.Created, image.StatusCode);
        using var experiment = await Owner.Client.PostAsJsonAsync("/api/experiments", new { kind = "bengio2007", scale = "quick" }, TestApp.Json);
        Assert.Equal(HttpStatusCode.Created, experiment.StatusCode);
        string experimentId = (await experiment.Content.ReadFromJsonAsync<ExperimentDto>(TestApp.Json))!.Id.ToString();
        using var canceled = await Owner.Client.PostAsync($"/api/experiments/{experimentId}/cancel", null);

        Ids["privateModel"] = privateJob.ModelId!.Value.ToString();
        Ids["privateJob"] = privateJob.Id.ToString();
        Ids["classModel"] = classJob.ModelId!.Value.ToString();
        Ids["classJob"] = classJob.Id.ToString();
        Ids["dataset"] = (await dataset.Content.ReadFromJsonAsync<DatasetDto>(TestApp.Json))!.Id.ToString();
        Ids["image"] = (await image.Content.ReadFromJsonAsync<ImageDto>(TestApp.Json))!.Id;
        Ids["experiment"] = experimentId;
        Ids["class"] = classroom.Id.ToString();
        Ids["ownerId"] = Owner.Id;

        // The owner is the class's instructor; their own run from an assignment is a submission classmates may not see.
        using var assignment = await Owner.Client.PostAsync($"/api/classes/{classroom.Id}/assignments", new StringContent(AssignmentBody, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, assignment.StatusCode);
        var assignmentId = (await assignment.Content.ReadFromJsonAsync<AssignmentDto>(TestApp.Json))!.Id;
        using var started = await Owner.Client.PostAsJsonAsync($"/api/assignments/{assignmentId}/runs", new { }, TestApp.Json);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await Owner.WaitForSuccessAsync((await started.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!.Id);
        using var submitted = await Owner.Client.PutAsJsonAsync($"/api/assignments/{assignmentId}/submission", new { jobId = run.Id }, TestApp.Json);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Ids["assignment"] = assignmentId.ToString();
        Ids["assignmentJob"] = run.Id.ToString();
    }

    /// <summary>A tiny assignment: the fixture publishes it, and the matrix publishes and edits it with the same body.</summary>
    public const string AssignmentBody =
        "{\"title\":\"Tiny\",\"instructions\":\"*tiny*\",\"job\":{\"rbm\":{\"hiddenUnits\":4,\"epochs\":1},\"data\":{\"classes\":[1],\"limit\":100,\"imageSize\":16}},"
        + "\"editableFields\":[\"rbm.seed\"],\"metrics\":[\"reconstructionError\"],\"dueAt\":\"2030-01-01T00:00:00Z\"}";

    public HttpClient Client(string caller) => caller switch
    {
        "owner" => Owner.Client,
        "classmate" => Classmate.Client,
        "stranger" => Stranger.Client,
        "anonymous" => Anonymous,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    public string? Email(string caller) => caller switch
    {
        "owner" => Owner.Email,
        "classmate" => Classmate.Email,
        "stranger" => Stranger.Email,
        _ => null,
    };

    public string Resolve(string template) => MatrixIds.Resolve(template, Ids);

    public async Task DisposeAsync() => await App.DisposeAsync();

    private async Task<JobDto> SubmitAndWaitAsync(object body)
    {
        using var response = await Owner.Client.PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        return await Owner.WaitForSuccessAsync(job.Id);
    }
}

/// <summary>The matrices' URL and body templates: "{privateModel}" and the like replaced by the fixture's ids.</summary>
internal static class MatrixIds
{
    public static string Resolve(string template, IReadOnlyDictionary<string, string> ids)
    {
        var url = new StringBuilder(template);
        foreach (var (key, id) in ids)
        {
            url.Replace("{" + key + "}", id);
        }

        return url.ToString();
    }
}

public sealed class AuthorizationMatrixTests(AuthorizationMatrixFixture fixture) : IClassFixture<AuthorizationMatrixFixture>
{
    private const int Ok = 200;
    private const int Forbidden = 403;
    private const int NotFound = 404;
    private const int Conflict = 409;
    private const int Unauthorized = 401;

    /// <summary>Resource, action and the expected status for the owner, a classmate, a stranger and an anonymous caller.</summary>
    public static TheoryData<string, string, string?, int, int, int, int> Matrix => new()
    {
        // A private model and its job: only the owner sees them; everyone else is told they do not exist.
        { "GET", "/api/models/{privateModel}", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/models/{privateModel}/file", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/models/{privateModel}/thumbnail", null, Ok, NotFound, NotFound, Unauthorized },
        { "PATCH", "/api/models/{privateModel}", "{\"description\":\"mine\"}", Ok, NotFound, NotFound, Unauthorized },
        { "PUT", "/api/models/{privateModel}/visibility", "{\"visibility\":\"Private\"}", Ok, NotFound, NotFound, Unauthorized },
        // Rotating the link makes the model unlisted: still invisible by id to everyone else.
        { "POST", "/api/models/{privateModel}/share-link", null, Ok, NotFound, NotFound, Unauthorized },
        { "POST", "/api/models/{privateModel}/try", "{\"width\":16,\"height\":16,\"pixels\":" + Pixels(256) + "}", Ok, NotFound, NotFound, Unauthorized },
        { "POST", "/api/models/{privateModel}/fork", "{\"mode\":\"continue\",\"epochs\":1}", 202, NotFound, NotFound, Unauthorized },
        { "GET", "/api/jobs/{privateJob}", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/jobs/{privateJob}/images/filters", null, Ok, NotFound, NotFound, Unauthorized },
        { "POST", "/api/jobs/{privateJob}/cancel", null, Conflict, NotFound, NotFound, Unauthorized },

        // A model shared with the class: classmates read, try and fork it; only the owner changes it.
        { "GET", "/api/models/{classModel}", null, Ok, Ok, NotFound, Unauthorized },
        { "GET", "/api/models/{classModel}/file", null, Ok, Ok, NotFound, Unauthorized },
        { "GET", "/api/models/{classModel}/thumbnail", null, Ok, Ok, NotFound, Unauthorized },
        { "PATCH", "/api/models/{classModel}", "{\"description\":\"shared\"}", Ok, Forbidden, NotFound, Unauthorized },
        { "PUT", "/api/models/{classModel}/visibility", "{\"visibility\":\"Public\"}", 0, Forbidden, NotFound, Unauthorized },
        { "POST", "/api/models/{classModel}/try", "{\"width\":16,\"height\":16,\"pixels\":" + Pixels(256) + "}", Ok, Ok, NotFound, Unauthorized },
        { "GET", "/api/jobs/{classJob}", null, Ok, Ok, NotFound, Unauthorized },
        { "GET", "/api/jobs/{classJob}/images/filters", null, Ok, Ok, NotFound, Unauthorized },
        { "POST", "/api/jobs/{classJob}/cancel", null, Conflict, Forbidden, NotFound, Unauthorized },

        // Comparisons (issue 15): refused as a whole when one run is not the caller's to read.
        { "GET", "/api/compare?jobs={classJob},{privateJob}", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/compare?jobs={privateJob},{classJob}", null, Ok, NotFound, NotFound, Unauthorized },

        // Assignments (issue 15): members read them and start runs; the class view, comments and edits are the instructor's
        // (the owner's); a classmate never sees another's submission while the class view is closed; outsiders see nothing.
        { "GET", "/api/classes/{class}/assignments", null, Ok, Ok, NotFound, Unauthorized },
        { "GET", "/api/assignments/{assignment}", null, Ok, Ok, NotFound, Unauthorized },
        { "GET", "/api/assignments/{assignment}/runs", null, Ok, Ok, NotFound, Unauthorized },
        { "POST", "/api/assignments/{assignment}/runs", "{\"rbm\":{\"epochs\":2}}", 400, 400, NotFound, Unauthorized },
        { "GET", "/api/assignments/{assignment}/class-view", null, Ok, Forbidden, NotFound, Unauthorized },
        { "GET", "/api/jobs/{assignmentJob}", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/jobs/{assignmentJob}/images/filters", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/assignments/{assignment}/class-view.csv", null, Ok, Forbidden, NotFound, Unauthorized },
        { "GET", "/api/assignments/{assignment}/submissions/{ownerId}/images/filters", null, Ok, Forbidden, NotFound, Unauthorized },
        { "PUT", "/api/assignments/{assignment}/submissions/{ownerId}/comment", "{\"text\":\"well done\"}", Ok, Forbidden, NotFound, Unauthorized },
        { "PUT", "/api/assignments/{assignment}/submission", "{\"jobId\":\"{assignmentJob}\"}", Ok, 400, NotFound, Unauthorized },
        { "PUT", "/api/assignments/{assignment}", AuthorizationMatrixFixture.AssignmentBody, Ok, Forbidden, NotFound, Unauthorized },
        { "POST", "/api/classes/{class}/assignments", AuthorizationMatrixFixture.AssignmentBody, 201, Forbidden, NotFound, Unauthorized },
        { "DELETE", "/api/assignments/{assignment}", null, 0, Forbidden, NotFound, Unauthorized },

        // Data sets, uploaded images and experiments are their owner's alone.
        { "GET", "/api/datasets/{dataset}", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/images/{image}", null, Ok, NotFound, NotFound, Unauthorized },
        { "GET", "/api/experiments/{experiment}", null, Ok, NotFound, NotFound, Unauthorized },
        { "POST", "/api/experiments/{experiment}/cancel", null, 202, NotFound, NotFound, Unauthorized },
        { "POST", "/api/jobs", "{\"data\":{\"dataset\":\"user\",\"datasetId\":\"{dataset}\"},\"rbm\":{\"epochs\":1}}", 202, 400, 400, Unauthorized },
        { "DELETE", "/api/datasets/{dataset}", null, 0, NotFound, NotFound, Unauthorized },
        { "DELETE", "/api/images/{image}", null, 0, NotFound, NotFound, Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachCallerGetsWhatTheirAccessAllows(string method, string url, string? body, int owner, int classmate, int stranger, int anonymous)
    {
        // Read-only and refused actions first, so the owner's changes cannot affect the other callers' answers.
        foreach (var (caller, expected) in new[] { ("anonymous", anonymous), ("stranger", stranger), ("classmate", classmate), ("owner", owner) })
        {
            if (expected == 0)
            {
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(method), fixture.Resolve(url));
            if (body is not null)
            {
                request.Content = new StringContent(fixture.Resolve(body), Encoding.UTF8, "application/json");
            }

            using var response = await fixture.Client(caller).SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == expected, $"{caller} {method} {url}: expected {expected}, got {(int)response.StatusCode} {text}");
            if (caller != "owner")
            {
                Assert.DoesNotContain(fixture.Owner.Email, text, StringComparison.OrdinalIgnoreCase);
            }

            if (expected is NotFound)
            {
                // Refusals read like an unknown id: the problem never says whose it is or that it exists.
                Assert.DoesNotContain(fixture.Owner.Email, text, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("not found", text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task RefusalsLookTheSameAsUnknownIds()
    {
        using var unknown = await fixture.Stranger.Client.GetAsync($"/api/models/{Guid.NewGuid()}");
        using var someoneElses = await fixture.Stranger.Client.GetAsync(fixture.Resolve("/api/models/{privateModel}"));
        var unknownProblem = await unknown.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(TestApp.Json);
        var refusedProblem = await someoneElses.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(TestApp.Json);
        Assert.Equal(unknown.StatusCode, someoneElses.StatusCode);
        Assert.Equal(unknownProblem!.Title, refusedProblem!.Title);
    }

    /// <summary>Everything one user reads about others: the owner appears by display name, nobody's e-mail is shown to anyone else.</summary>
    [Theory]
    [InlineData("classmate", "/api/models/{classModel}", true)]
    [InlineData("classmate", "/api/models/{classModel}/file", true)]
    [InlineData("classmate", "/api/jobs/{classJob}", false)]
    [InlineData("classmate", "/api/gallery?scope=classes", true)]
    [InlineData("classmate", "/api/classes", true)]
    [InlineData("classmate", "/api/classes/{class}", true)]
    [InlineData("owner", "/api/classes/{class}", true)]
    [InlineData("owner", "/api/classes/{class}/queue", false)]
    public async Task NoAnswerToAUserContainsAnotherUsersEmail(string caller, string url, bool showsOwner)
    {
        using var response = await fixture.Client(caller).GetAsync(fixture.Resolve(url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        foreach (var other in new[] { fixture.Owner, fixture.Classmate, fixture.Stranger }.Where(u => u.Email != fixture.Email(caller)))
        {
            Assert.DoesNotContain(other.Email, text, StringComparison.OrdinalIgnoreCase);
        }

        if (showsOwner)
        {
            Assert.Contains(fixture.Owner.DisplayName, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/api/jobs")]
    [InlineData("/api/models")]
    [InlineData("/api/datasets")]
    [InlineData("/api/images")]
    [InlineData("/api/experiments")]
    public async Task ListsShowOnlyTheCallersOwnThings(string url)
    {
        string owners = await fixture.Owner.Client.GetStringAsync(url);
        foreach (string caller in new[] { "classmate", "stranger" })
        {
            string theirs = await fixture.Client(caller).GetStringAsync(url);
            foreach (var id in fixture.Ids.Values)
            {
                Assert.DoesNotContain(id, theirs, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.Contains(fixture.Ids.Values, owners.Contains);
    }

    [Theory]
    [InlineData("owner", "privateJob", true)]
    [InlineData("classmate", "privateJob", false)]
    [InlineData("stranger", "privateJob", false)]
    [InlineData("owner", "classJob", true)]
    [InlineData("classmate", "classJob", true)]
    [InlineData("stranger", "classJob", false)]
    public async Task WatchingAJobOverTheHubNeedsReadAccess(string caller, string job, bool allowed)
    {
        await using var connection = fixture.App.CreateHubConnection(TrainingHub.Path, fixture.Email(caller));
        var snapshot = new TaskCompletionSource<SnapshotMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<SnapshotMessage>(nameof(ITrainingClient.Snapshot), s => snapshot.TrySetResult(s));
        await connection.StartAsync();
        string id = fixture.Ids[job];
        if (allowed)
        {
            await connection.InvokeAsync(nameof(TrainingHub.WatchJob), id);
            var received = await snapshot.Task.WaitAsync(TestApp.Timeout);
            Assert.Equal(id, received.Job.Id.ToString());
        }
        else
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync(nameof(TrainingHub.WatchJob), id));
            Assert.Contains("not found", refused.Message, StringComparison.OrdinalIgnoreCase);
            Assert.False(snapshot.Task.IsCompleted);
        }
    }

    [Theory]
    [InlineData("owner", "privateModel", true)]
    [InlineData("classmate", "privateModel", false)]
    [InlineData("stranger", "privateModel", false)]
    [InlineData("classmate", "classModel", true)]
    [InlineData("stranger", "classModel", false)]
    public async Task StreamingFromAModelOverTheHubNeedsReadAccess(string caller, string model, bool allowed)
    {
        await using var connection = fixture.App.CreateHubConnection(DeepNet.Server.Demos.DemosHub.Path, fixture.Email(caller));
        await connection.StartAsync();
        var request = new GibbsRequest { ModelId = Guid.Parse(fixture.Ids[model]), Chains = 2, Steps = 2, Every = 1, Seed = 1 };
        using var timeout = new CancellationTokenSource(TestApp.Timeout);
        if (allowed)
        {
            var frames = new List<GibbsFrame>();
            await foreach (var frame in connection.StreamAsync<GibbsFrame>("Gibbs", request, timeout.Token))
            {
                frames.Add(frame);
            }

            Assert.Equal([0, 1, 2], frames.Select(f => f.Step));
        }
        else
        {
            var refused = await Assert.ThrowsAsync<HubException>(async () =>
            {
                await foreach (var frame in connection.StreamAsync<GibbsFrame>("Gibbs", request, timeout.Token))
                {
                    Assert.Fail($"{caller} received a frame of someone else's model: step {frame.Step}.");
                }
            });
            Assert.Contains("not found", refused.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("/hubs/training")]
    [InlineData("/hubs/demos")]
    [InlineData("/hubs/dbn")]
    public async Task HubsRefuseConnectionsFromNobody(string path)
    {
        await using var connection = fixture.App.CreateHubConnection(path, email: null);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private static string Pixels(int count) => "[" + string.Join(",", Enumerable.Repeat("0.5", count)) + "]";
}
