using System.Net;
using System.Net.Http.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>Classes end to end over HTTP with several signed-in users (no training; one app, a fresh user per role).</summary>
public sealed class ClassesApiTests : IClassFixture<SharedApp>
{
    private readonly TestApp _app;

    public ClassesApiTests(SharedApp shared) => _app = shared.App;

    [Fact]
    public async Task CreatorIsTheInstructorAndSeesTheJoinCode()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var created = await teacher.CreateClassAsync("  Deep learning 101  ");

        Assert.Equal("Deep learning 101", created.Name);
        Assert.Equal("instructor", created.Role);
        Assert.Equal(teacher.DisplayName, created.Instructor);
        Assert.Equal(1, created.MemberCount);
        Assert.NotNull(created.JoinCode);
        Assert.Equal(JoinCodes.Length, created.JoinCode.Length);
        Assert.All(created.JoinCode, c => Assert.Contains(c, JoinCodes.Alphabet));

        var listed = await teacher.Client.GetFromJsonAsync<List<ClassDto>>("/api/classes", TestApp.Json);
        Assert.Equal(created.Id, Assert.Single(listed!).Id);
    }

    [Fact]
    public async Task StudentJoinsWithTheCodeInAnyCaseAndSeesNoCode()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var created = await teacher.CreateClassAsync();

        var joined = await student.JoinAsync($"  {created.JoinCode!.ToLowerInvariant()} ");

        Assert.Equal(created.Id, joined.Id);
        Assert.Equal("member", joined.Role);
        Assert.Null(joined.JoinCode);
        Assert.Equal(teacher.DisplayName, joined.Instructor);
        Assert.Equal(2, joined.MemberCount);
        var mine = await student.Client.GetFromJsonAsync<List<ClassDto>>("/api/classes", TestApp.Json);
        Assert.Equal(created.Id, Assert.Single(mine!).Id);
    }

    [Fact]
    public async Task JoiningTwiceReturnsTheSameClassWithOneMembership()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var created = await teacher.CreateClassAsync();

        await student.JoinAsync(created.JoinCode!);
        var again = await student.JoinAsync(created.JoinCode!);

        Assert.Equal(created.Id, again.Id);
        Assert.Equal(2, again.MemberCount);
        var asTeacher = await teacher.Client.GetFromJsonAsync<ClassDto>($"/api/classes/{created.Id}", TestApp.Json);
        Assert.Equal(2, asTeacher!.Members!.Count);
    }

    [Fact]
    public async Task InstructorJoiningTheirOwnClassStaysInstructor()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var created = await teacher.CreateClassAsync();

        var again = await teacher.JoinAsync(created.JoinCode!);

        Assert.Equal("instructor", again.Role);
        Assert.Equal(1, again.MemberCount);
    }

    [Theory]
    [InlineData("ZZZZZZZZ")]
    [InlineData("not-a-code")]
    public async Task UnknownJoinCodeIsNotFoundNamingTheCode(string code)
    {
        var student = await _app.NewUserAsync("student");

        var response = await student.Client.PostAsJsonAsync("/api/classes/join", new { code }, TestApp.Json);

        string detail = await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains($"No class has the join code '{code}'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlankJoinCodeIsAValidationProblem()
    {
        var student = await _app.NewUserAsync("student");

        var response = await student.Client.PostAsJsonAsync("/api/classes/join", new { code = "  " }, TestApp.Json);

        await SharingTestKit.AssertInvalidAsync(response, "code");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task ClassWithoutANameIsAValidationProblem(string? name)
    {
        var teacher = await _app.NewUserAsync("teacher");

        var response = await teacher.Client.PostAsJsonAsync("/api/classes", new { name }, TestApp.Json);

        await SharingTestKit.AssertInvalidAsync(response, "name");
    }

    [Fact]
    public async Task ClassNameLongerThan200CharactersIsAValidationProblem()
    {
        var teacher = await _app.NewUserAsync("teacher");

        var response = await teacher.Client.PostAsJsonAsync("/api/classes", new { name = new string('x', 201) }, TestApp.Json);

        await SharingTestKit.AssertInvalidAsync(response, "name");
        var classes = await teacher.Client.GetFromJsonAsync<List<ClassDto>>("/api/classes", TestApp.Json);
        Assert.Empty(classes!);
    }

    [Fact]
    public async Task InstructorSeesTheMembersAndAMemberDoesNot()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var created = await teacher.CreateClassAsync();
        await student.JoinAsync(created.JoinCode!);

        var asTeacher = await teacher.Client.GetFromJsonAsync<ClassDto>($"/api/classes/{created.Id}", TestApp.Json);
        var asStudent = await student.Client.GetFromJsonAsync<ClassDto>($"/api/classes/{created.Id}", TestApp.Json);

        Assert.Equal(created.JoinCode, asTeacher!.JoinCode);
        Assert.Collection(
            asTeacher.Members!,
            m => Assert.Equal((teacher.Id, teacher.DisplayName, "instructor"), (m.UserId, m.DisplayName, m.Role)),
            m => Assert.Equal((student.Id, student.DisplayName, "member"), (m.UserId, m.DisplayName, m.Role)));
        Assert.Null(asStudent!.Members);
        Assert.Null(asStudent.JoinCode);
        Assert.Equal(2, asStudent.MemberCount);
    }

    [Fact]
    public async Task OutsiderGetsNotFoundForEveryClassRoute()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var outsider = await _app.NewUserAsync("outsider");
        var created = await teacher.CreateClassAsync();

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/classes/{created.Id}"),
            (HttpMethod.Get, $"/api/classes/{created.Id}/models"),
            (HttpMethod.Post, $"/api/classes/{created.Id}/leave"),
            (HttpMethod.Post, $"/api/classes/{created.Id}/join-code"),
            (HttpMethod.Delete, $"/api/classes/{created.Id}/members/{teacher.Id}"),
        })
        {
            var response = await outsider.Client.SendAsync(new HttpRequestMessage(method, path));
            string detail = await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Equal($"Class {created.Id} not found.", detail);
        }
    }

    [Fact]
    public async Task InstructorRemovesAMemberWhoThenGetsNotFound()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var created = await teacher.CreateClassAsync();
        await student.JoinAsync(created.JoinCode!);

        var removed = await teacher.Client.DeleteAsync($"/api/classes/{created.Id}/members/{student.Id}");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await student.Client.GetAsync($"/api/classes/{created.Id}")).StatusCode);
        Assert.Empty((await student.Client.GetFromJsonAsync<List<ClassDto>>("/api/classes", TestApp.Json))!);
        var asTeacher = await teacher.Client.GetFromJsonAsync<ClassDto>($"/api/classes/{created.Id}", TestApp.Json);
        Assert.Equal(1, asTeacher!.MemberCount);
        await SharingTestKit.AssertProblemAsync(
            await teacher.Client.DeleteAsync($"/api/classes/{created.Id}/members/{student.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MemberCannotRemoveMembers()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var other = await _app.NewUserAsync("other");
        var created = await teacher.CreateClassAsync();
        await student.JoinAsync(created.JoinCode!);
        await other.JoinAsync(created.JoinCode!);

        var response = await student.Client.DeleteAsync($"/api/classes/{created.Id}/members/{other.Id}");

        string detail = await SharingTestKit.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("Only the instructor", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstructorCannotRemoveThemselfNorLeave()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var created = await teacher.CreateClassAsync();

        await SharingTestKit.AssertProblemAsync(
            await teacher.Client.DeleteAsync($"/api/classes/{created.Id}/members/{teacher.Id}"), HttpStatusCode.BadRequest);
        await SharingTestKit.AssertProblemAsync(
            await teacher.Client.PostAsync($"/api/classes/{created.Id}/leave", null), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await teacher.Client.GetAsync($"/api/classes/{created.Id}")).StatusCode);
    }

    [Fact]
    public async Task MemberLeavesAndCanJoinAgain()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var created = await teacher.CreateClassAsync();
        await student.JoinAsync(created.JoinCode!);

        var left = await student.Client.PostAsync($"/api/classes/{created.Id}/leave", null);

        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await student.Client.GetAsync($"/api/classes/{created.Id}")).StatusCode);
        Assert.Equal(2, (await student.JoinAsync(created.JoinCode!)).MemberCount);
    }

    [Fact]
    public async Task RotatingTheJoinCodeRetiresTheOldOne()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var created = await teacher.CreateClassAsync();

        var rotated = await teacher.Client.PostAsync($"/api/classes/{created.Id}/join-code", null);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var updated = (await rotated.Content.ReadFromJsonAsync<ClassDto>(TestApp.Json))!;
        Assert.NotEqual(created.JoinCode, updated.JoinCode);
        Assert.Equal(JoinCodes.Length, updated.JoinCode!.Length);
        await SharingTestKit.AssertProblemAsync(
            await student.Client.PostAsJsonAsync("/api/classes/join", new { code = created.JoinCode }, TestApp.Json), HttpStatusCode.NotFound);
        Assert.Equal(created.Id, (await student.JoinAsync(updated.JoinCode)).Id);
    }

    [Fact]
    public async Task MemberCannotRotateTheJoinCode()
    {
        var teacher = await _app.NewUserAsync("teacher");
        var student = await _app.NewUserAsync("student");
        var created = await teacher.CreateClassAsync();
        await student.JoinAsync(created.JoinCode!);

        await SharingTestKit.AssertProblemAsync(
            await student.Client.PostAsync($"/api/classes/{created.Id}/join-code", null), HttpStatusCode.Forbidden);
        var asTeacher = await teacher.Client.GetFromJsonAsync<ClassDto>($"/api/classes/{created.Id}", TestApp.Json);
        Assert.Equal(created.JoinCode, asTeacher!.JoinCode);
    }

    [Fact]
    public async Task UserCanBeInSeveralClasses()
    {
        var teacherA = await _app.NewUserAsync("teacher-a");
        var teacherB = await _app.NewUserAsync("teacher-b");
        var student = await _app.NewUserAsync("student");
        var a = await teacherA.CreateClassAsync("A");
        var b = await teacherB.CreateClassAsync("B");
        var own = await student.CreateClassAsync("Study group");

        await student.JoinAsync(a.JoinCode!);
        await student.JoinAsync(b.JoinCode!);

        var classes = await student.Client.GetFromJsonAsync<List<ClassDto>>("/api/classes", TestApp.Json);
        Assert.Equal(
            new[] { (a.Id, "member"), (b.Id, "member"), (own.Id, "instructor") }.OrderBy(c => c.Item1),
            classes!.Select(c => (c.Id, c.Role)).OrderBy(c => c.Item1));
    }

    [Fact]
    public async Task AnonymousCallerGetsUnauthorized()
    {
        var response = await _app.CreateAnonymousClient().GetAsync("/api/classes");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
