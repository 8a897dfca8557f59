using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Server.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;
using DeepNet.Server.Accounts;
using DeepNet.Server.Sharing;

namespace DeepNet.Server.Tests;

public sealed class AccountsApiTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private TestApp App => shared.App;

    [Fact]
    public async Task SignUpThenSignInGivesABearerTokenThatIdentifiesTheUser()
    {
        using var client = App.CreateAnonymousClient();
        string email = NewEmail();
        using var registered = await client.PostAsJsonAsync("/api/auth/register", new { email, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);

        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var tokens = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        Assert.Equal("Bearer", tokens.RootElement.GetProperty("tokenType").GetString());
        Assert.True(tokens.RootElement.GetProperty("expiresIn").GetInt32() > 0);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.RootElement.GetProperty("accessToken").GetString());
        var me = await client.GetFromJsonAsync<MeDto>("/api/auth/me", TestApp.Json);
        Assert.Equal(email, me!.Email);

        // The refresh token gives a new access token for the same user.
        using var refreshed = await App.CreateAnonymousClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RootElement.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }

    [Fact]
    public async Task TheBrowsersCookieSignsInAndSignOutEndsIt()
    {
        using var browser = App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        browser.DefaultRequestHeaders.Authorization = null;
        // As the UI's fetches do: a cookie-authenticated write without its origin is refused as cross-site.
        browser.DefaultRequestHeaders.Add("Origin", "http://localhost");
        string email = NewEmail();
        using var registered = await browser.PostAsJsonAsync("/api/auth/register", new { email, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        using var login = await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("deepnet.auth=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));

        Assert.Equal(email, (await browser.GetFromJsonAsync<MeDto>("/api/auth/me", TestApp.Json))!.Email);
        using var jobs = await browser.GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);

        using var logout = await browser.PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await browser.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData("/api/jobs")]
    [InlineData("/api/models")]
    [InlineData("/api/gallery?scope=public")]
    [InlineData("/api/classes")]
    [InlineData("/api/datasets")]
    [InlineData("/api/auth/me")]
    public async Task EveryApiNeedsASignedInUser(string url)
    {
        using var response = await App.CreateAnonymousClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task HealthAndTheApiDocumentNeedNoAccount()
    {
        using var client = App.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/swagger/v1/swagger.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task AForgedOrGarbledTokenIsRefused()
    {
        using var client = App.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "CfDJ8" + new string('A', 200));
        using var response = await client.GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("Ab1!", "PasswordTooShort")]
    [InlineData("alllowercase1!", "PasswordRequiresUpper")]
    [InlineData("NoDigitsHere!", "PasswordRequiresDigit")]
    [InlineData("NoSymbols123", "PasswordRequiresNonAlphanumeric")]
    public async Task WeakPasswordsAreRefusedWithIdentitysRule(string password, string rule)
    {
        using var response = await App.CreateAnonymousClient().PostAsJsonAsync("/api/auth/register", new { email = NewEmail(), password });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(rule, out _), problem.RootElement.GetRawText());
    }

    [Fact]
    public async Task RepeatedFailedSignInsFromOneAddressPauseItEvenForTheRightPassword()
    {
        string email = NewEmail();
        using var client = App.CreateAnonymousClient("192.0.2.11");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/register", new { email, password = TestApp.Password })).StatusCode);
        for (int attempt = 0; attempt < SignInThrottle.MaxFailures; attempt++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Wrong-password-1" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var paused = await client.PostAsJsonAsync("/api/auth/login", new { email, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, paused.StatusCode);
    }

    [Fact]
    public async Task ATokenStaysValidAcrossARestart()
    {
        string directory = TestApp.NewDataDirectory();
        try
        {
            string token;
            await using (var first = new TestApp(directory))
            {
                token = await first.AccessTokenAsync("restart@deepnet.test");
            }

            await using var second = new TestApp(directory);
            using var client = second.CreateAnonymousClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var me = await client.GetFromJsonAsync<MeDto>("/api/auth/me", TestApp.Json);
            Assert.Equal("restart@deepnet.test", me!.Email);
        }
        finally
        {
            TestApp.DeleteDataDirectory(directory);
        }
    }

    private static string NewEmail() => $"account-{Guid.NewGuid():N}@deepnet.test";
}
