using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Server.Accounts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Tests.Sharing;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>
/// Issue 11 point 5: sign-up and sign-in tell nothing about who has an account; failed sign-ins cannot keep the owner
/// out; a password change ends the old tokens; display names stand in for e-mails; names refuse hidden characters.
/// </summary>
public sealed class AccountAbuseTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string WrongPassword = "Wrong-password-1";

    private TestApp App => shared.App;

    [Fact]
    public async Task RegisteringATakenAddressAnswersExactlyLikeANewOneAndChangesNothing()
    {
        string email = NewEmail();
        using var client = App.CreateAnonymousClient();
        using var first = await client.PostAsJsonAsync("/api/auth/register", new { email, password = TestApp.Password, displayName = "First Owner" });
        using var again = await client.PostAsJsonAsync("/api/auth/register", new { email = email.ToUpperInvariant(), password = "Other-password-9", displayName = "Intruder" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Content.Headers.ContentType, again.Content.Headers.ContentType);

        // The account is the first one, unchanged: its password and name, and the second password does not sign in.
        var owner = await SignInAsync(email, TestApp.Password);
        Assert.Equal("First Owner", (await owner.GetFromJsonAsync<MeDto>("/api/auth/me", TestApp.Json))!.DisplayName);
        using var intruder = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Other-password-9" });
        Assert.Equal(HttpStatusCode.Unauthorized, intruder.StatusCode);
        await using var scope = App.Services.CreateAsyncScope();
        Assert.Single(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().Users, u => u.NormalizedEmail == email.ToUpperInvariant());
    }

    [Fact]
    public async Task AWeakPasswordGetsTheSame400ForANewAndATakenAddress()
    {
        string taken = NewEmail();
        using var client = App.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/register", new { email = taken, password = TestApp.Password })).StatusCode);

        using var forTaken = await client.PostAsJsonAsync("/api/auth/register", new { email = taken, password = "weak" });
        using var forNew = await client.PostAsJsonAsync("/api/auth/register", new { email = NewEmail(), password = "weak" });
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (forTaken.StatusCode, forNew.StatusCode));
        Assert.Equal(await ProblemWithoutTraceAsync(forNew), await ProblemWithoutTraceAsync(forTaken));
    }

    [Fact]
    public async Task AWrongPasswordAnUnknownAddressAndAPausedAddressGetTheSameAnswer()
    {
        string email = NewEmail();
        await RegisterAsync(email);
        using var client = App.CreateAnonymousClient("198.51.100.20");

        using var wrong = await client.PostAsJsonAsync("/api/auth/login", new { email, password = WrongPassword });
        using var unknown = await client.PostAsJsonAsync("/api/auth/login", new { email = NewEmail(), password = WrongPassword });
        for (int attempt = 1; attempt < SignInThrottle.MaxFailures; attempt++)
        {
            (await client.PostAsJsonAsync("/api/auth/login", new { email, password = WrongPassword })).Dispose();
        }

        using var paused = await client.PostAsJsonAsync("/api/auth/login", new { email, password = TestApp.Password });

        Assert.All(new[] { wrong, unknown, paused }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        string expected = await ProblemWithoutTraceAsync(wrong);
        Assert.Equal(expected, await ProblemWithoutTraceAsync(unknown));
        Assert.Equal(expected, await ProblemWithoutTraceAsync(paused));
        Assert.Contains("password is wrong", expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownAddressTakesAboutAsLongAsAWrongPassword()
    {
        string email = NewEmail();
        await RegisterAsync(email);
        var known = new List<double>();
        var unknown = new List<double>();
        // Alternating, each from its own address (no pauses), after one warm-up of each.
        for (int i = 0; i < 8; i++)
        {
            double knownMs = await TimeSignInAsync(email, $"203.0.113.{i + 1}");
            double unknownMs = await TimeSignInAsync(NewEmail(), $"203.0.113.{i + 101}");
            if (i > 0)
            {
                known.Add(knownMs);
                unknown.Add(unknownMs);
            }
        }

        double ratio = Median(unknown) / Median(known);
        // Without a hash for the unknown address it answers in a small fraction of the time (one lookup, no PBKDF2).
        Assert.True(ratio is > 0.4 and < 2.5, $"unknown {Median(unknown):F1} ms vs wrong password {Median(known):F1} ms");
    }

    [Fact]
    public async Task AnAttackerFailingFromOneAddressCannotKeepTheOwnerOutOfAnother()
    {
        string victim = NewEmail();
        await RegisterAsync(victim);
        using var attacker = App.CreateAnonymousClient("203.0.113.66");
        for (int attempt = 0; attempt < 4 * SignInThrottle.MaxFailures; attempt++)
        {
            using var guess = await attacker.PostAsJsonAsync("/api/auth/login", new { email = victim, password = $"Guess-{attempt}-x" });
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        // The attacker's address is paused even for the right password ...
        using var attackerRight = await attacker.PostAsJsonAsync("/api/auth/login", new { email = victim, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, attackerRight.StatusCode);

        // ... the owner, elsewhere, signs in at once, by token and by cookie.
        using var owner = App.CreateAnonymousClient("198.51.100.7");
        using var token = await owner.PostAsJsonAsync("/api/auth/login", new { email = victim, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        browser.DefaultRequestHeaders.Authorization = null;
        browser.DefaultRequestHeaders.Add(TestRemoteAddress.Header, "2001:db8:1:2::7");
        using var cookie = await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email = victim, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.OK, cookie.StatusCode);
    }

    [Fact]
    public void ThePauseCountsPerAddressAndEnds()
    {
        var clock = new ManualClock();
        var throttle = new SignInThrottle(clock);
        for (int i = 0; i < SignInThrottle.MaxFailures - 1; i++)
        {
            throttle.RecordFailure("a", "VICTIM");
        }

        Assert.False(throttle.IsPaused("a", "VICTIM"));
        throttle.RecordFailure("a", "VICTIM");
        Assert.True(throttle.IsPaused("a", "VICTIM"));
        Assert.False(throttle.IsPaused("b", "VICTIM"));
        Assert.False(throttle.IsPaused("a", "OTHER"));

        clock.Advance(SignInThrottle.Pause);
        Assert.False(throttle.IsPaused("a", "VICTIM"));
        // Failures spread wider than the window never add up to a pause.
        for (int i = 0; i < 3 * SignInThrottle.MaxFailures; i++)
        {
            throttle.RecordFailure("c", "VICTIM");
            clock.Advance(SignInThrottle.Pause / (SignInThrottle.MaxFailures - 1));
        }

        Assert.False(throttle.IsPaused("c", "VICTIM"));
    }

    [Fact]
    public async Task ChangingThePasswordEndsEarlierTokensCookiesAndRefreshTokens()
    {
        string email = NewEmail();
        await RegisterAsync(email);
        using var anonymous = App.CreateAnonymousClient();
        using var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = TestApp.Password });
        using var tokens = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        string accessToken = tokens.RootElement.GetProperty("accessToken").GetString()!;
        string refreshToken = tokens.RootElement.GetProperty("refreshToken").GetString()!;
        using var bearer = Bearer(accessToken);
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        browser.DefaultRequestHeaders.Authorization = null;
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = TestApp.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/jobs")).StatusCode);

        const string newPassword = "Changed-pass-2027";
        using var changed = await bearer.PostAsJsonAsync("/api/auth/manage/info", new { oldPassword = TestApp.Password, newPassword });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken })).StatusCode);
        var signedInAgain = await SignInAsync(email, newPassword);
        Assert.Equal(HttpStatusCode.OK, (await signedInAgain.GetAsync("/api/jobs")).StatusCode);
    }

    [Fact]
    public async Task ADisplayNameIsChosenAtSignUpGeneratedWithoutOneAndEditable()
    {
        string chosen = NewEmail();
        await RegisterAsync(chosen, displayName: "  Ada L.  ");
        var ada = await SignInAsync(chosen, TestApp.Password);
        Assert.Equal("Ada L.", (await ada.GetFromJsonAsync<MeDto>("/api/auth/me", TestApp.Json))!.DisplayName);

        string unnamed = NewEmail();
        await RegisterAsync(unnamed);
        var generated = (await (await SignInAsync(unnamed, TestApp.Password)).GetFromJsonAsync<MeDto>("/api/auth/me", TestApp.Json))!.DisplayName;
        Assert.Matches("^student-[0-9]{6}$", generated);

        using var renamed = await ada.PatchAsJsonAsync("/api/auth/me", new { displayName = "Ada Lovelace" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(("Ada Lovelace", chosen), await renamed.Content.ReadFromJsonAsync<MeDto>(TestApp.Json) is { } me ? (me.DisplayName, me.Email) : default);
    }

    [Theory]
    [InlineData("someone@example.com")]
    [InlineData("evil\u202Egnp.exe")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("line\nbreak")]
    [InlineData("   ")]
    public async Task RefusedDisplayNamesGetA400NamingTheField(string displayName)
    {
        using var signUp = await App.CreateAnonymousClient().PostAsJsonAsync("/api/auth/register", new { email = NewEmail(), password = TestApp.Password, displayName });
        await SharingTestKit.AssertInvalidAsync(signUp, "displayName");
        using var edit = await shared.Client.PatchAsJsonAsync("/api/auth/me", new { displayName });
        await SharingTestKit.AssertInvalidAsync(edit, "displayName");
    }

    [Fact]
    public async Task EmailsOver254CharactersAreRefused()
    {
        string longest = new string('a', 254 - "@example.com".Length) + "@example.com";
        string tooLong = "a" + longest;
        using var client = App.CreateAnonymousClient();
        using var tooLongSignUp = await client.PostAsJsonAsync("/api/auth/register", new { email = tooLong, password = TestApp.Password });
        await SharingTestKit.AssertInvalidAsync(tooLongSignUp, "email");
        using var tooLongSignIn = await client.PostAsJsonAsync("/api/auth/login", new { email = tooLong, password = TestApp.Password });
        await SharingTestKit.AssertInvalidAsync(tooLongSignIn, "email");

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/register", new { email = longest, password = TestApp.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/login", new { email = longest, password = TestApp.Password })).StatusCode);
    }

    public static TheoryData<string, string, string> HiddenCharacterNames => new()
    {
        { "/api/jobs", """{"name":"report\u202Efdp.exe","rbm":{"epochs":1}}""", "name" },
        { "/api/classes", """{"name":"class\u2066one"}""", "name" },
        { "/api/experiments", """{"kind":"bengio2007","scale":"quick","name":"table\u0007"}""", "name" },
    };

    [Theory]
    [MemberData(nameof(HiddenCharacterNames))]
    public async Task NamesWithControlCharactersOrDirectionOverridesAreRefused(string url, string json, string field)
    {
        using var response = await shared.Client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await SharingTestKit.AssertInvalidAsync(response, field);
        string detail = await response.Content.ReadAsStringAsync();
        Assert.Contains("text-direction overrides", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelOrADataSetCannotBeRenamedWithADirectionOverride()
    {
        var owner = await App.NewUserAsync("renamer");
        var model = await App.InsertModelAsync(owner, "plain");
        using var rename = await owner.Client.PatchAsJsonAsync($"/api/models/{model}", new { name = "mine\u202Etxt.exe" });
        await SharingTestKit.AssertInvalidAsync(rename, "name");
        using var upload = await owner.Client.PostAsync("/api/datasets", DatasetForms.Csv("1,0,1,0,1\n0,1,0,1,0\n", "true", "data\u200F set"));
        await SharingTestKit.AssertInvalidAsync(upload, "name");
    }

    private async Task RegisterAsync(string email, string? displayName = null)
    {
        using var registered = await App.CreateAnonymousClient().PostAsJsonAsync("/api/auth/register", new { email, password = TestApp.Password, displayName });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
    }

    private async Task<HttpClient> SignInAsync(string email, string password)
    {
        using var login = await App.CreateAnonymousClient().PostAsJsonAsync("/api/auth/login", new { email, password });
        string body = await login.Content.ReadAsStringAsync();
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"sign-in of {email}: {(int)login.StatusCode} {body}");
        return Bearer(JsonDocument.Parse(body).RootElement.GetProperty("accessToken").GetString()!);
    }

    private HttpClient Bearer(string token)
    {
        var client = App.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<double> TimeSignInAsync(string email, string address)
    {
        using var client = App.CreateAnonymousClient(address);
        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = WrongPassword });
        watch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<string> ProblemWithoutTraceAsync(HttpResponseMessage response)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    private static string NewEmail() => $"abuse-{Guid.NewGuid():N}@deepnet.test";

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
