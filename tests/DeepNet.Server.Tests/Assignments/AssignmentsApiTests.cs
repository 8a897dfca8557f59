using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Server.Assignments;
using DeepNet.Server.Contracts;
using DeepNet.Server.Sharing;
using DeepNet.Server.Tests.Sharing;

namespace DeepNet.Server.Tests.Assignments;

/// <summary>
/// An instructor's class with an assignment (a tiny homework-1-like RBM with the per-class evaluation) and two students'
/// real runs from it: the first student submitted a run of 8 hidden units, the second one of 16 (named like a formula).
/// </summary>
public sealed class AssignmentFixture : IAsyncLifetime
{
    public const string FormulaName = "=HYPERLINK(\"http://evil.test\",\"x\")";

    public TestApp App { get; } = new();

    public TestUser Instructor { get; private set; } = null!;

    public TestUser First { get; private set; } = null!;

    public TestUser Second { get; private set; } = null!;

    public TestUser Stranger { get; private set; } = null!;

    public ClassDto Class { get; private set; } = null!;

    public AssignmentDto Assignment { get; private set; } = null!;

    public JobDto FirstRun { get; private set; } = null!;

    public JobDto SecondRun { get; private set; } = null!;

    public static object TinyJob => new
    {
        name = "tiny homework",
        rbm = new { hiddenUnits = 16, k = 1, learningRate = 0.1, batchSize = 20, epochs = 2, seed = 3 },
        data = new { dataset = "mnist", classes = new[] { 1, 2, 3 }, limit = 300, imageSize = 16 },
        evaluation = new { perClass = true, perClassLimit = 10 },
    };

    public async Task InitializeAsync()
    {
        Instructor = await App.NewUserAsync("instructor");
        First = await App.NewUserAsync("first");
        Second = await App.NewUserAsync("second");
        Stranger = await App.NewUserAsync("stranger");
        Class = await Instructor.CreateClassAsync();
        await First.JoinAsync(Class.JoinCode!);
        await Second.JoinAsync(Class.JoinCode!);
        Assignment = await CreateAsync(DateTime.UtcNow.AddDays(7));

        FirstRun = await StartAndWaitAsync(First, Assignment.Id, new { rbm = new { hiddenUnits = 8 } });
        SecondRun = await StartAndWaitAsync(Second, Assignment.Id, new { name = FormulaName });
        await SubmitAsync(First, Assignment.Id, FirstRun.Id);
        await SubmitAsync(Second, Assignment.Id, SecondRun.Id);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public async Task<AssignmentDto> CreateAsync(DateTime dueAt, bool classCanView = false)
    {
        using var response = await Instructor.Client.PostAsJsonAsync($"/api/classes/{Class.Id}/assignments", Request(dueAt, classCanView), TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AssignmentDto>(TestApp.Json))!;
    }

    public static object Request(DateTime dueAt, bool classCanView = false) => new
    {
        title = "Homework 1, tiny",
        instructions = "Train on **1–3**, reconstruct every digit.",
        job = TinyJob,
        editableFields = new[] { "name", "rbm.hiddenUnits", "rbm.seed" },
        metrics = new[] { AssignmentMetrics.TrainedDigitsError, AssignmentMetrics.OtherDigitsError, AssignmentMetrics.ReconstructionError },
        dueAt,
        classCanView,
    };

    public static async Task<JobDto> StartAndWaitAsync(TestUser user, Guid assignmentId, object changes)
    {
        using var response = await user.Client.PostAsJsonAsync($"/api/assignments/{assignmentId}/runs", changes, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var job = (await response.Content.ReadFromJsonAsync<JobDto>(TestApp.Json))!;
        return await user.WaitForSuccessAsync(job.Id);
    }

    public static async Task<AssignmentDto> SubmitAsync(TestUser user, Guid assignmentId, Guid jobId)
    {
        using var response = await user.Client.PutAsJsonAsync($"/api/assignments/{assignmentId}/submission", new { jobId }, TestApp.Json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AssignmentDto>(TestApp.Json))!;
    }
}

/// <summary>Assignments (issue 15, points 1 and 2): templates, fixed settings, submissions, the class view, CSV and comments.</summary>
public sealed class AssignmentsApiTests(AssignmentFixture fixture) : IClassFixture<AssignmentFixture>
{
    [Fact]
    public async Task TheBuiltInTemplatesAreTheHomeworkAndTheTablesRows()
    {
        var templates = await fixture.First.Client.GetFromJsonAsync<List<AssignmentTemplateDto>>("/api/assignment-templates", TestApp.Json) ?? [];

        Assert.Equal(["homework1", "homework2", "mnist-table-dbn", "bengio2007-dbn"], templates.Select(t => t.Key));
        var homework1 = templates[0];
        Assert.Equal([1, 2, 3, 4, 5], homework1.Job["data"]!["classes"]!.AsArray().Select(d => d!.GetValue<int>()));
        Assert.True(homework1.Job["evaluation"]!["perClass"]!.GetValue<bool>());
        Assert.Contains("patches.trainImage", templates[1].EditableFields);
        Assert.NotNull(templates[1].Asks);
        Assert.Equal("dbn", templates[2].Job["kind"]!.GetValue<string>());
        Assert.Equal([AssignmentMetrics.TestError], templates[3].Metrics);
    }

    [Fact]
    public async Task AHomework1TemplateRefusesAFixedSettingNamingItAndStartsNothing()
    {
        using var created = await fixture.Instructor.Client.PostAsJsonAsync(
            $"/api/classes/{fixture.Class.Id}/assignments",
            new { title = "Homework 1", instructions = "", template = "homework1", dueAt = DateTime.UtcNow.AddDays(1) },
            TestApp.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var homework = (await created.Content.ReadFromJsonAsync<AssignmentDto>(TestApp.Json))!;
        Assert.Equal("homework1", homework.Template);
        Assert.Contains("rbm.hiddenUnits", homework.EditableFields);

        using var batch = await fixture.First.Client.PostAsJsonAsync($"/api/assignments/{homework.Id}/runs", new { rbm = new { batchSize = 50, hiddenUnits = 10 } }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(batch, "rbm.batchSize");
        using var digits = await fixture.First.Client.PostAsJsonAsync($"/api/assignments/{homework.Id}/runs", new { data = new { classes = new[] { 1, 2 } } }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(digits, "data.classes");
        using var kind = await fixture.First.Client.PostAsJsonAsync($"/api/assignments/{homework.Id}/runs", new { kind = "cnn" }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(kind, "kind");

        var runs = await fixture.First.Client.GetFromJsonAsync<List<AssignmentRunDto>>($"/api/assignments/{homework.Id}/runs", TestApp.Json);
        Assert.Empty(runs!);
    }

    [Fact]
    public async Task AStudentsRunKeepsTheFixedSettingsAndTakesTheEditableOnes()
    {
        var run = await fixture.First.Client.GetFromJsonAsync<JobDto>($"/api/jobs/{fixture.FirstRun.Id}", TestApp.Json);

        Assert.Equal(8, run!.Rbm!.HiddenUnits);
        Assert.Equal(20, run.Rbm.BatchSize);
        Assert.Equal(2, run.Rbm.Epochs);
        Assert.Equal([1, 2, 3], run.Data.Classes!);
        var runs = await fixture.First.Client.GetFromJsonAsync<List<AssignmentRunDto>>($"/api/assignments/{fixture.Assignment.Id}/runs", TestApp.Json);
        Assert.Contains(runs!, r => r.JobId == fixture.FirstRun.Id && r.Submitted);
    }

    [Fact]
    public async Task OnlyOnesOwnSucceededRunFromTheAssignmentCanBeSubmitted()
    {
        using var someoneElses = await fixture.First.Client.PutAsJsonAsync($"/api/assignments/{fixture.Assignment.Id}/submission", new { jobId = fixture.SecondRun.Id }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(someoneElses, "jobId");
        var plain = await fixture.App.SubmitAsync(TestApp.SmallJob(epochs: 1));
        using var notFromIt = await fixture.First.Client.PutAsJsonAsync($"/api/assignments/{fixture.Assignment.Id}/submission", new { jobId = plain.Id }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(notFromIt, "jobId");
        using var missing = await fixture.First.Client.PutAsJsonAsync($"/api/assignments/{fixture.Assignment.Id}/submission", new { }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(missing, "jobId");
    }

    [Fact]
    public async Task ResubmittingReplacesAndAfterTheDueDateIsLate()
    {
        var assignment = await fixture.CreateAsync(DateTime.UtcNow.AddDays(1));
        var one = await AssignmentFixture.StartAndWaitAsync(fixture.First, assignment.Id, new { rbm = new { seed = 1 } });
        var two = await AssignmentFixture.StartAndWaitAsync(fixture.First, assignment.Id, new { rbm = new { seed = 2 } });

        var first = await AssignmentFixture.SubmitAsync(fixture.First, assignment.Id, one.Id);
        Assert.Equal(one.Id, first.MySubmission!.JobId);
        Assert.False(first.MySubmission.Late);

        using var moved = await fixture.Instructor.Client.PutAsJsonAsync(
            $"/api/assignments/{assignment.Id}", AssignmentFixture.Request(DateTime.UtcNow.AddMinutes(-1)), TestApp.Json);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var second = await AssignmentFixture.SubmitAsync(fixture.First, assignment.Id, two.Id);

        Assert.Equal(two.Id, second.MySubmission!.JobId);
        Assert.True(second.MySubmission.Late);
        var view = await fixture.Instructor.Client.GetFromJsonAsync<ClassViewDto>($"/api/assignments/{assignment.Id}/class-view", TestApp.Json);
        var row = Assert.Single(view!.Rows);
        Assert.Equal((two.Id, true), (row.Submission.JobId, row.Submission.Late));
    }

    [Fact]
    public async Task TheInstructorsClassViewShowsEverySubmissionWithPerClassErrorsAndCurves()
    {
        var view = await fixture.Instructor.Client.GetFromJsonAsync<ClassViewDto>($"/api/assignments/{fixture.Assignment.Id}/class-view", TestApp.Json);

        Assert.Equal(fixture.Assignment.Id, view!.Assignment.Id);
        Assert.Empty(view.NotSubmitted);
        Assert.Equal(new[] { fixture.FirstRun.Id, fixture.SecondRun.Id }.Order(), view.Rows.Select(r => r.Submission.JobId).Order());
        foreach (var row in view.Rows)
        {
            Assert.Equal(3, row.Values.Count);
            Assert.All(row.Values, v => Assert.True(v is > 0, $"metric {v}"));
            Assert.Equal(10, row.PerClass!.Count);
            Assert.All(row.PerClass, e => Assert.True(e is > 0));
            Assert.Equal([1, 2, 3], row.TrainedDigits);
            Assert.Equal(2, row.Curve.Count);
            Assert.Equal(["filters"], row.Images);
        }

        // Digits it was trained on reconstruct better than those it never saw: the homework's point.
        Assert.All(view.Rows, row => Assert.True(row.Values[0] < row.Values[1], $"trained {row.Values[0]} vs other {row.Values[1]}"));
        using var image = await fixture.Instructor.Client.GetAsync($"/api/assignments/{fixture.Assignment.Id}/submissions/{fixture.First.Id}/images/filters");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AStudentSeesNoOtherSubmissionUntilTheInstructorOpensTheClassView()
    {
        string view = $"/api/assignments/{fixture.Assignment.Id}/class-view";
        string othersImage = $"/api/assignments/{fixture.Assignment.Id}/submissions/{fixture.Second.Id}/images/filters";
        using (var closed = await fixture.First.Client.GetAsync(view))
        {
            await SharingTestKit.AssertProblemAsync(closed, HttpStatusCode.Forbidden);
        }

        using (var closedImage = await fixture.First.Client.GetAsync(othersImage))
        {
            await SharingTestKit.AssertProblemAsync(closedImage, HttpStatusCode.Forbidden);
        }

        using (var ownImage = await fixture.First.Client.GetAsync($"/api/assignments/{fixture.Assignment.Id}/submissions/{fixture.First.Id}/images/filters"))
        {
            Assert.Equal(HttpStatusCode.OK, ownImage.StatusCode);
        }

        using (var othersJob = await fixture.First.Client.GetAsync($"/api/jobs/{fixture.SecondRun.Id}"))
        {
            await SharingTestKit.AssertProblemAsync(othersJob, HttpStatusCode.NotFound);
        }

        using (var stranger = await fixture.Stranger.Client.GetAsync(view))
        {
            await SharingTestKit.AssertProblemAsync(stranger, HttpStatusCode.NotFound);
        }

        using (var strangerJob = await fixture.Stranger.Client.GetAsync($"/api/jobs/{fixture.SecondRun.Id}"))
        {
            await SharingTestKit.AssertProblemAsync(strangerJob, HttpStatusCode.NotFound);
        }

        using (var comparison = await fixture.First.Client.GetAsync($"/api/compare?jobs={fixture.FirstRun.Id},{fixture.SecondRun.Id}"))
        {
            await SharingTestKit.AssertProblemAsync(comparison, HttpStatusCode.NotFound);
        }

        var otherAssignment = await fixture.CreateAsync(DateTime.UtcNow.AddDays(1), classCanView: true);
        var run = await AssignmentFixture.StartAndWaitAsync(fixture.Second, otherAssignment.Id, new { });
        await AssignmentFixture.SubmitAsync(fixture.Second, otherAssignment.Id, run.Id);
        using var comment = await fixture.Instructor.Client.PutAsJsonAsync(
            $"/api/assignments/{otherAssignment.Id}/submissions/{fixture.Second.Id}/comment", new { text = "for the second student only" }, TestApp.Json);
        Assert.Equal(HttpStatusCode.OK, comment.StatusCode);

        var opened = await fixture.First.Client.GetFromJsonAsync<ClassViewDto>($"/api/assignments/{otherAssignment.Id}/class-view", TestApp.Json);
        var row = Assert.Single(opened!.Rows);
        Assert.Empty(opened.NotSubmitted);
        var instructors = await fixture.Instructor.Client.GetFromJsonAsync<ClassViewDto>($"/api/assignments/{otherAssignment.Id}/class-view", TestApp.Json);
        Assert.Equal([fixture.First.DisplayName], instructors!.NotSubmitted);
        Assert.Equal(run.Id, row.Submission.JobId);
        Assert.Null(row.Submission.Comment);
        using (var openedJob = await fixture.First.Client.GetAsync($"/api/jobs/{run.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, openedJob.StatusCode);
        }

        using (var cancel = await fixture.First.Client.PostAsync($"/api/jobs/{run.Id}/cancel", null))
        {
            Assert.True(cancel.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Conflict, $"cancel answered {(int)cancel.StatusCode}");
        }

        using var openedImage = await fixture.First.Client.GetAsync($"/api/assignments/{otherAssignment.Id}/submissions/{fixture.Second.Id}/images/filters");
        Assert.Equal(HttpStatusCode.OK, openedImage.StatusCode);
        using var strangerImage = await fixture.Stranger.Client.GetAsync($"/api/assignments/{otherAssignment.Id}/submissions/{fixture.Second.Id}/images/filters");
        await SharingTestKit.AssertProblemAsync(strangerImage, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheInstructorReadsAndComparesSubmittedRunsAsJobs()
    {
        var run = await fixture.Instructor.Client.GetFromJsonAsync<JobDto>($"/api/jobs/{fixture.FirstRun.Id}", TestApp.Json);
        Assert.Equal(fixture.First.Id, run!.OwnerId);
        var comparison = await fixture.Instructor.Client.GetFromJsonAsync<DeepNet.Server.Compare.ComparisonDto>(
            $"/api/compare?jobs={fixture.FirstRun.Id},{fixture.SecondRun.Id}", TestApp.Json);
        Assert.Equal(["rbm.hiddenUnits"], comparison!.Differences.Select(d => d.Setting));
        using var image = await fixture.Instructor.Client.GetAsync($"/api/jobs/{fixture.SecondRun.Id}/images/per-class");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        using var delete = await fixture.Instructor.Client.DeleteAsync($"/api/jobs/{fixture.FirstRun.Id}");
        await SharingTestKit.AssertProblemAsync(delete, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnInstructorsCommentIsVisibleToItsAuthorAndTheInstructorOnly()
    {
        string url = $"/api/assignments/{fixture.Assignment.Id}/submissions/{fixture.First.Id}/comment";
        using var byStudent = await fixture.Second.Client.PutAsJsonAsync(url, new { text = "I grade myself" }, TestApp.Json);
        await SharingTestKit.AssertProblemAsync(byStudent, HttpStatusCode.Forbidden);
        using var byStranger = await fixture.Stranger.Client.PutAsJsonAsync(url, new { text = "hello" }, TestApp.Json);
        await SharingTestKit.AssertProblemAsync(byStranger, HttpStatusCode.NotFound);
        using var tooLong = await fixture.Instructor.Client.PutAsJsonAsync(url, new { text = new string('x', 4001) }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(tooLong, "text");
        using var hidden = await fixture.Instructor.Client.PutAsJsonAsync(url, new { text = "good \u202Edab" }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(hidden, "text");

        using var set = await fixture.Instructor.Client.PutAsJsonAsync(url, new { text = "Compare digits 7 and 9." }, TestApp.Json);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var author = await fixture.First.Client.GetFromJsonAsync<AssignmentDto>($"/api/assignments/{fixture.Assignment.Id}", TestApp.Json);
        Assert.Equal("Compare digits 7 and 9.", author!.MySubmission!.Comment);
        var other = await fixture.Second.Client.GetFromJsonAsync<AssignmentDto>($"/api/assignments/{fixture.Assignment.Id}", TestApp.Json);
        Assert.Null(other!.MySubmission!.Comment);
        string otherText = await fixture.Second.Client.GetStringAsync($"/api/assignments/{fixture.Assignment.Id}");
        Assert.DoesNotContain("digits 7 and 9", otherText, StringComparison.Ordinal);
        var view = await fixture.Instructor.Client.GetFromJsonAsync<ClassViewDto>($"/api/assignments/{fixture.Assignment.Id}/class-view", TestApp.Json);
        Assert.Equal("Compare digits 7 and 9.", view!.Rows.Single(r => r.Submission.UserId == fixture.First.Id).Submission.Comment);
    }

    [Fact]
    public async Task TheCsvExportIsAnAttachmentWithFormulasEscaped()
    {
        using var response = await fixture.Instructor.Client.GetAsync($"/api/assignments/{fixture.Assignment.Id}/class-view.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        string csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("student,run,kind,submittedAt,late,trainedDigitsError,otherDigitsError,reconstructionError,digit0Error,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\"", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",=", csv, StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith(fixture.First.DisplayName + ",", StringComparison.Ordinal));
        using var byStudent = await fixture.First.Client.GetAsync($"/api/assignments/{fixture.Assignment.Id}/class-view.csv");
        await SharingTestKit.AssertProblemAsync(byStudent, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheClassViewWithholdsImagesDrawnFromAStudentsPrivateDataSet()
    {
        using var upload = await fixture.First.Client.PostAsync("/api/datasets", DatasetForms.Csv("1,0,1,0,1\n0,1,0,1,0\n", "true", "first's private data"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var dataset = (await upload.Content.ReadFromJsonAsync<DeepNet.Server.Library.DatasetDto>(TestApp.Json))!.Id;
        using var created = await fixture.Instructor.Client.PostAsJsonAsync($"/api/classes/{fixture.Class.Id}/assignments", new
        {
            title = "Bring your own data",
            job = new { rbm = new { hiddenUnits = 4, batchSize = 2, epochs = 1, seed = 1 }, data = new { dataset = "user" } },
            editableFields = new[] { "data.datasetId" },
            metrics = new[] { AssignmentMetrics.ReconstructionError },
            dueAt = DateTime.UtcNow.AddDays(1),
        }, TestApp.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var assignment = (await created.Content.ReadFromJsonAsync<AssignmentDto>(TestApp.Json))!;
        var run = await AssignmentFixture.StartAndWaitAsync(fixture.First, assignment.Id, new { data = new { datasetId = dataset } });
        await AssignmentFixture.SubmitAsync(fixture.First, assignment.Id, run.Id);

        var view = await fixture.Instructor.Client.GetFromJsonAsync<ClassViewDto>($"/api/assignments/{assignment.Id}/class-view", TestApp.Json);
        var row = Assert.Single(view!.Rows);
        Assert.NotNull(row.Values[0]);
        string images = $"/api/assignments/{assignment.Id}/submissions/{fixture.First.Id}/images";
        using var reconstructions = await fixture.Instructor.Client.GetAsync($"{images}/reconstructions");
        Assert.Contains("private data set", await SharingTestKit.AssertProblemAsync(reconstructions, HttpStatusCode.NotFound), StringComparison.Ordinal);
        using var filters = await fixture.Instructor.Client.GetAsync($"{images}/filters");
        Assert.Equal(HttpStatusCode.OK, filters.StatusCode);
        using var own = await fixture.First.Client.GetAsync($"{images}/reconstructions");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task OnlyTheInstructorPublishesAndBadAssignmentsAreRefusedNamingTheField()
    {
        string url = $"/api/classes/{fixture.Class.Id}/assignments";
        using var byStudent = await fixture.First.Client.PostAsJsonAsync(url, AssignmentFixture.Request(DateTime.UtcNow), TestApp.Json);
        await SharingTestKit.AssertProblemAsync(byStudent, HttpStatusCode.Forbidden);
        using var byStranger = await fixture.Stranger.Client.PostAsJsonAsync(url, AssignmentFixture.Request(DateTime.UtcNow), TestApp.Json);
        await SharingTestKit.AssertProblemAsync(byStranger, HttpStatusCode.NotFound);
        using var strangerList = await fixture.Stranger.Client.GetAsync(url);
        await SharingTestKit.AssertProblemAsync(strangerList, HttpStatusCode.NotFound);

        using var bad = await fixture.Instructor.Client.PostAsJsonAsync(url, new
        {
            title = "",
            instructions = new string('#', 16_001),
            template = "homework9",
            editableFields = new[] { "rbm.hiddenUnits", "rbm[0]" },
            metrics = new[] { "accuracy" },
        }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(bad, "title", "instructions", "template", "job", "editableFields[1]", "metrics[0]", "dueAt");
        using var hiddenText = await fixture.Instructor.Client.PostAsJsonAsync(url, new
        {
            title = "Homework",
            instructions = "Line one\nline two \u202Eowt",
            template = "homework1",
            dueAt = DateTime.UtcNow,
        }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(hiddenText, "instructions");
        using var wrongKind = await fixture.Instructor.Client.PostAsJsonAsync(url, new { title = "x", job = new { kind = "svm" }, dueAt = DateTime.UtcNow }, TestApp.Json);
        await SharingTestKit.AssertInvalidAsync(wrongKind, "job");

        var list = await fixture.Second.Client.GetFromJsonAsync<List<AssignmentDto>>(url, TestApp.Json);
        Assert.Contains(list!, a => a.Id == fixture.Assignment.Id && !a.IsInstructor);
    }
}
