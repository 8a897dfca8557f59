using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Compare;
using DeepNet.Server.Contracts;
using DeepNet.Server.Tests.Sharing;

namespace DeepNet.Server.Tests;

/// <summary>Two students' real runs (tiny RBMs): one student's two runs differing in two settings, the other's shared with the class.</summary>
public sealed class CompareFixture : IAsyncLifetime
{
    public TestApp App { get; } = new();

    public TestUser Student { get; private set; } = null!;

    public TestUser Classmate { get; private set; } = null!;

    public JobDto Small { get; private set; } = null!;

    public JobDto Wider { get; private set; } = null!;

    public JobDto ClassmatesShared { get; private set; } = null!;

    public JobDto ClassmatesPrivate { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Student = await App.NewUserAsync("student");
        Classmate = await App.NewUserAsync("classmate");
        var classroom = await Classmate.CreateClassAsync();
        await Student.JoinAsync(classroom.JoinCode!);

        Small = await TrainAsync(Student, Job("small", hiddenUnits: 16, learningRate: 0.1));
        Wider = await TrainAsync(Student, Job("wider", hiddenUnits: 25, learningRate: 0.05));
        ClassmatesShared = await TrainAsync(Classmate, Job("shared", hiddenUnits: 16, learningRate: 0.1));
        ClassmatesPrivate = await TrainAsync(Classmate, Job("private", hiddenUnits: 16, learningRate: 0.1));
        await Classmate.SetVisibilityAsync(ClassmatesShared.ModelId!.Value, "Class", classroom.Id);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    private static object Job(string name, int hiddenUnits, double learningRate) => new
    {
        name,
        rbm = new { hiddenUnits, k = 1, learningRate, batchSize = 20, epochs = 2, seed = 7 },
        data = new { classes = new[] { 1, 2, 3 }, limit = 300, imageSize = 16 },
    };

    private static async Task<JobDto> TrainAsync(TestUser user, object body)
    {
        using var response = await user.Client.PostAsJsonAsync("/api/jobs", body, TestApp.Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        return await user.WaitForSuccessAsync(job.Id);
    }
}

/// <summary>Compare runs (issue 15, point 3): only what differs, and never a run the viewer may not read.</summary>
public sealed class CompareApiTests(CompareFixture fixture) : IClassFixture<CompareFixture>
{
    [Fact]
    public async Task TwoOwnRunsShowOnlyTheSettingsThatDiffer()
    {
        var comparison = await CompareAsync(fixture.Student, fixture.Small.Id, fixture.Wider.Id);

        Assert.Equal([fixture.Small.Id, fixture.Wider.Id], comparison.Runs.Select(r => r.Id));
        Assert.Equal(["rbm.hiddenUnits", "rbm.learningRate"], comparison.Differences.Select(d => d.Setting).Order(StringComparer.Ordinal));
        var hidden = comparison.Differences.Single(d => d.Setting == "rbm.hiddenUnits");
        Assert.Equal(["16", "25"], hidden.Values);
        Assert.All(comparison.Runs, run => Assert.Equal(2, run.History.Count));
    }

    [Fact]
    public async Task AClassmatesSharedRunComparesWithOnesOwnAndIdenticalSettingsDifferInNothing()
    {
        var comparison = await CompareAsync(fixture.Student, fixture.Small.Id, fixture.ClassmatesShared.Id);

        Assert.Empty(comparison.Differences);
        Assert.Equal(fixture.Small.History.Select(h => h.ReconstructionError), comparison.Runs[1].History.Select(h => h.ReconstructionError));
    }

    [Fact]
    public async Task ARunTheViewerMayNotReadRefusesTheWholeComparisonAsNotFound()
    {
        string ids = $"{fixture.Small.Id},{fixture.ClassmatesPrivate.Id}";
        using var response = await fixture.Student.Client.GetAsync($"/api/compare?jobs={ids}");
        string detail = await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(fixture.ClassmatesPrivate.Id.ToString(), detail, StringComparison.OrdinalIgnoreCase);

        // The classmate, who owns the private run but may not read the student's runs, is refused the same way.
        using var reversed = await fixture.Classmate.Client.GetAsync($"/api/compare?jobs={ids}");
        Assert.Equal(HttpStatusCode.NotFound, reversed.StatusCode);
        using var owner = await fixture.Classmate.Client.GetAsync($"/api/compare?jobs={fixture.ClassmatesShared.Id},{fixture.ClassmatesPrivate.Id}");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Theory]
    [InlineData("", "jobs")]
    [InlineData("?jobs=", "jobs")]
    [InlineData("?jobs={a}", "jobs")]
    [InlineData("?jobs={a},{a}", "jobs[1]")]
    [InlineData("?jobs={a},not-a-guid", "jobs[1]")]
    [InlineData("?jobs={nine}", "jobs")]
    public async Task BadJobListsAreRefusedNamingTheParameter(string query, string field)
    {
        string nine = string.Join(",", Enumerable.Range(0, 9).Select(_ => Guid.NewGuid()));
        string url = "/api/compare" + query.Replace("{a}", fixture.Small.Id.ToString(), StringComparison.Ordinal).Replace("{nine}", nine, StringComparison.Ordinal);
        using var response = await fixture.Student.Client.GetAsync(url);
        await SharingTestKit.AssertInvalidAsync(response, field);
    }

    [Fact]
    public void EightRunsAreTheMostAndTheirIdsFitTheParameter()
    {
        string eight = string.Join(",", Enumerable.Range(0, RunComparison.MaxRuns).Select(_ => Guid.NewGuid()));
        Assert.True(eight.Length <= RunComparison.MaxJobsParameterLength);
        Assert.Equal(RunComparison.MaxRuns, RunComparison.ParseIds(eight).Value!.Length);
    }

    private static async Task<ComparisonDto> CompareAsync(TestUser viewer, params Guid[] ids)
    {
        using var response = await viewer.Client.GetAsync($"/api/compare?jobs={string.Join(",", ids)}");
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return System.Text.Json.JsonSerializer.Deserialize<ComparisonDto>(text, TestApp.Json)!;
    }
}
