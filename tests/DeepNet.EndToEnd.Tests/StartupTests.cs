using System.Net.Http.Json;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Issue 14, setup: the server listens where a user says the usual ways (--urls, ASPNETCORE_URLS, PORT; nothing in
/// appsettings overrides them) and a clean start on a fresh database logs no warnings.
/// </summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData(ListenBy.UrlsArgument)]
    [InlineData(ListenBy.UrlsVariable)]
    [InlineData(ListenBy.PortVariable)]
    public async Task TheServerListensWhereItIsToldAndStartsCleanWithoutWarnings(ListenBy listenBy)
    {
        await using var server = await ServerProcess.StartAsync(TimeSpan.FromSeconds(90), listenBy: listenBy);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal("Healthy", (await http.GetFromJsonAsync<System.Text.Json.JsonElement>("health")).GetProperty("status").GetString());
        string log = server.RecentOutput;
        Assert.DoesNotContain("warn:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", log, StringComparison.Ordinal);
        Assert.Contains($"Now listening on: {server.BaseAddress.GetLeftPart(UriPartial.Authority)}", log, StringComparison.Ordinal);
    }
}
