using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Tests;

/// <summary>
/// Issue 11, point 6: cookie-authenticated writes must come from the service's own pages (Origin, else Referer), bearer
/// clients are not checked, every answer carries the security headers, and Swagger is served only where configured.
/// </summary>
public sealed class BrowserHardeningTests : IClassFixture<SharedApp>
{
    private const string OwnOrigin = "http://localhost";
    private const string Refused = "Cross-site request refused";
    private readonly SharedApp _app;

    public BrowserHardeningTests(SharedApp app) => _app = app;

    [Fact]
    public async Task CookiePostWithoutOriginIsRefusedAndNothingIsCreated()
    {
        string cookie = await SignInWithCookieAsync(_app.App);
        using var response = await SendAsync(_app.App, HttpMethod.Post, "/api/classes", cookie, NewClass());
        string detail = await ReadRefusalAsync(response);
        Assert.Contains("no Origin or Referer", detail, StringComparison.Ordinal);
        Assert.Equal(0, (await ClassesAsync(_app.App, cookie)).GetArrayLength());
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("http://localhost:5081")] // same site as the service (ports do not count), so the SameSite cookie goes along
    [InlineData("https://localhost")]
    [InlineData("null")]
    public async Task CookiePostFromAForeignOriginIsRefused(string origin)
    {
        string cookie = await SignInWithCookieAsync(_app.App);
        using var response = await SendAsync(_app.App, HttpMethod.Post, "/api/classes", cookie, NewClass(), origin: origin);
        string detail = await ReadRefusalAsync(response);
        Assert.Contains("Origin header", detail, StringComparison.Ordinal);
        Assert.Equal(0, (await ClassesAsync(_app.App, cookie)).GetArrayLength());
    }

    [Fact]
    public async Task CookieWritesFromTheServicesOwnPagesWork()
    {
        string cookie = await SignInWithCookieAsync(_app.App);
        using var byOrigin = await SendAsync(_app.App, HttpMethod.Post, "/api/classes", cookie, NewClass(), origin: OwnOrigin);
        Assert.Equal(HttpStatusCode.Created, byOrigin.StatusCode);
        using var byReferer = await SendAsync(_app.App, HttpMethod.Post, "/api/classes", cookie, NewClass(), referer: $"{OwnOrigin}/#/classes");
        Assert.Equal(HttpStatusCode.Created, byReferer.StatusCode);
        Assert.Equal(2, (await ClassesAsync(_app.App, cookie)).GetArrayLength());
    }

    [Fact]
    public async Task ForeignRefererIsRefusedWhenThereIsNoOrigin()
    {
        string cookie = await SignInWithCookieAsync(_app.App);
        using var response = await SendAsync(_app.App, HttpMethod.Post, "/api/classes", cookie, NewClass(), referer: "http://evil.example/page");
        Assert.Contains("Referer header", await ReadRefusalAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BearerPostWithoutOriginWorks()
    {
        using var client = await _app.App.CreateClientAsync($"bearer-{Guid.NewGuid():N}@deepnet.test");
        using var response = await client.PostAsJsonAsync("/api/classes", NewClass());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task ForeignMultipartUploadIsRefusedAndNothingIsStored()
    {
        string cookie = await SignInWithCookieAsync(_app.App);
        using var upload = DatasetForms.Csv("1,2\n3,4\n", labelColumn: null, name: "forged");
        using var response = await SendAsync(_app.App, HttpMethod.Post, "/api/datasets", cookie, upload, origin: "http://evil.example");
        await ReadRefusalAsync(response);

        using var list = await SendAsync(_app.App, HttpMethod.Get, "/api/datasets", cookie);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var datasets = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal(0, datasets.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task SigningInWithACookieFromAForeignPageIsRefusedAndSetsNoCookie()
    {
        string email = $"login-csrf-{Guid.NewGuid():N}@deepnet.test";
        await _app.App.AccessTokenAsync(email);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login?useCookies=true")
        {
            Content = JsonContent.Create(new { email, password = TestApp.Password }),
        };
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await _app.App.CreateAnonymousClient().SendAsync(request);
        await ReadRefusalAsync(response);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task HubNegotiationWithTheCookieWorksFromTheServicesOwnPagesOnly()
    {
        string cookie = await SignInWithCookieAsync(_app.App);
        using var own = await SendAsync(_app.App, HttpMethod.Post, "/hubs/training/negotiate?negotiateVersion=1", cookie, origin: OwnOrigin);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var foreign = await SendAsync(_app.App, HttpMethod.Post, "/hubs/training/negotiate?negotiateVersion=1", cookie, origin: "http://localhost:5081");
        await ReadRefusalAsync(foreign);
    }

    [Fact]
    public async Task CookieWebSocketHandshakeFromAForeignOriginIsRefused()
    {
        string cookie = await SignInWithCookieAsync(_app.App);
        var hub = new Uri("ws://localhost/hubs/training");

        var foreign = _app.App.Server.CreateWebSocketClient();
        foreign.ConfigureRequest = request =>
        {
            request.Headers.Cookie = cookie;
            request.Headers.Origin = "http://evil.example";
        };
        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => foreign.ConnectAsync(hub, CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);

        var own = _app.App.Server.CreateWebSocketClient();
        own.ConfigureRequest = request =>
        {
            request.Headers.Cookie = cookie;
            request.Headers.Origin = OwnOrigin;
        };
        using var socket = await own.ConnectAsync(hub, CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
        socket.Abort();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/jobs")]
    [InlineData("/css/site.css")]
    [InlineData("/api/jobs/00000000-0000-0000-0000-000000000001")]
    public async Task EveryAnswerCarriesTheSecurityHeaders(string url)
    {
        using var response = await _app.Client.GetAsync(url);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{url}: {response.StatusCode}");
        AssertSecurityHeaders(response, SecurityHeaders.UiPolicy);
    }

    [Fact]
    public async Task AnAnonymousRefusalCarriesTheSecurityHeaders()
    {
        using var response = await _app.App.CreateAnonymousClient().GetAsync("/api/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertSecurityHeaders(response, SecurityHeaders.UiPolicy);
    }

    [Fact]
    public void TheUisPolicyAllowsNoInlineScriptNoPluginsAndNoFraming()
    {
        var directives = SecurityHeaders.UiPolicy.Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Equal(["'self'"], directives["script-src"]);
        Assert.Equal(["'self'"], directives["style-src"]);
        Assert.Equal(["'none'"], directives["object-src"]);
        Assert.Equal(["'self'"], directives["base-uri"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'self'"], directives["connect-src"]);
        Assert.DoesNotContain("unsafe", SecurityHeaders.UiPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwaggerUiHasItsOwnPolicyWithoutInlineScript()
    {
        using var response = await _app.App.CreateAnonymousClient().GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSecurityHeaders(response, SecurityHeaders.SwaggerPolicy);
        Assert.Contains("script-src 'self';", SecurityHeaders.SwaggerPolicy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.SwaggerPolicy, StringComparison.Ordinal);
        string page = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", page);
    }

    [Fact]
    public async Task SwaggerSwitchedOffIsNotFoundAndListedOriginsMayUseTheCookie()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string>
        {
            ["Swagger:Enabled"] = "false",
            ["CrossSiteRequests:AllowedOrigins:0"] = "https://deepnet.example.edu",
        });
        using var client = app.CreateClient();
        foreach (string url in new[] { "/swagger", "/swagger/index.html", "/swagger/v1/swagger.json" })
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url}: {response.StatusCode}");
        }

        string cookie = await SignInWithCookieAsync(app);
        using var listed = await SendAsync(app, HttpMethod.Post, "/api/classes", cookie, NewClass(), origin: "https://deepnet.example.edu");
        Assert.Equal(HttpStatusCode.Created, listed.StatusCode);
        using var unlisted = await SendAsync(app, HttpMethod.Post, "/api/classes", cookie, NewClass(), origin: "https://other.example.edu");
        await ReadRefusalAsync(unlisted);
    }

    private static object NewClass() => new { name = $"Class {Guid.NewGuid():N}"[..20] };

    private static void AssertSecurityHeaders(HttpResponseMessage response, string policy)
    {
        Assert.Equal(policy, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    /// <summary>Signs a new user in as the browser does (POST /api/auth/login?useCookies=true) and returns the cookie to send.</summary>
    private static async Task<string> SignInWithCookieAsync(TestApp app)
    {
        string email = $"cookie-{Guid.NewGuid():N}@deepnet.test";
        await app.AccessTokenAsync(email);
        using var login = await app.CreateAnonymousClient().PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = TestApp.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        string setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("deepnet.auth=", StringComparison.Ordinal));
        return setCookie.Split(';')[0];
    }

    /// <summary>A request carrying only the cookie (no bearer token) and the Origin or Referer a browser would send.</summary>
    private static async Task<HttpResponseMessage> SendAsync(
        TestApp app, HttpMethod method, string url, string cookie, object? body = null, string? origin = null, string? referer = null)
    {
        using var request = new HttpRequestMessage(method, url)
        {
            Content = body switch
            {
                null => null,
                HttpContent content => content,
                _ => JsonContent.Create(body),
            },
        };
        request.Headers.Add("Cookie", cookie);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (referer is not null)
        {
            request.Headers.Referrer = new Uri(referer);
        }

        return await app.CreateAnonymousClient().SendAsync(request);
    }

    private static async Task<JsonElement> ClassesAsync(TestApp app, string cookie)
    {
        using var response = await SendAsync(app, HttpMethod.Get, "/api/classes", cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Asserts a 403 ProblemDetails titled "Cross-site request refused" and returns its detail.</summary>
    private static async Task<string> ReadRefusalAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(Refused, problem.RootElement.GetProperty("title").GetString());
        return problem.RootElement.GetProperty("detail").GetString()!;
    }
}
