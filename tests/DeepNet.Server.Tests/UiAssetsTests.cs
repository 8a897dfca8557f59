using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Tests;

/// <summary>How the UI's files are served: a revalidated page pointing into a versioned, immutable, pre-compressed tree.</summary>
public sealed partial class UiAssetsTests(SharedApp shared) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task ThePagePointsIntoTheVersionedTreeAndRevalidates()
    {
        using var page = await shared.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl?.NoCache, $"Cache-Control: {page.Headers.CacheControl}");
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-api-docs=\"on\"", html, StringComparison.Ordinal);
        var app = VersionedScript().Match(html);
        Assert.True(app.Success, "index.html loads js/app.js from the versioned tree");
        Assert.DoesNotContain("src=\"js/", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"css/", html, StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(page.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await shared.Client.SendAsync(again)).StatusCode);

        using var script = new HttpRequestMessage(HttpMethod.Get, app.Groups["url"].Value);
        script.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        using var compressed = await shared.Client.SendAsync(script);
        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal(UiAssets.ImmutableCaching, compressed.Headers.CacheControl?.ToString().Replace(" ", "").Replace(",", ", "));
        Assert.Equal(["br"], compressed.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript", compressed.Content.Headers.ContentType?.MediaType);
        byte[] body = await compressed.Content.ReadAsByteArrayAsync();
        string plain = await shared.Client.GetStringAsync("/js/app.js");
        await using var decoder = new System.IO.Compression.BrotliStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal(plain, await new StreamReader(decoder).ReadToEndAsync());
        Assert.True(body.Length < plain.Length / 2, $"{body.Length} compressed bytes of {plain.Length}");
    }

    [Fact]
    public async Task AnOlderVersionGetsTodaysFileUncached()
    {
        using var old = await shared.Client.GetAsync("/v/000000000000/js/app.js");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.True(old.Headers.CacheControl?.NoCache, $"Cache-Control: {old.Headers.CacheControl}");
        Assert.Equal(await shared.Client.GetStringAsync("/js/app.js"), await old.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ThePageHidesTheApiLinkWhereSwaggerIsOff()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string> { ["Swagger:Enabled"] = "false" });
        string html = await app.CreateClient().GetStringAsync("/");
        Assert.Contains("data-api-docs=\"off\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonAnswersAreCompressedWhenTheClientAsks()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/limits");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await shared.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
    }

    [GeneratedRegex(@"src=""(?<url>v/[0-9a-f]{12}/js/app\.js)""")]
    private static partial Regex VersionedScript();
}
