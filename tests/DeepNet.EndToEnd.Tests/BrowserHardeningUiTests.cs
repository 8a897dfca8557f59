using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Issue 11, point 6 in the browser: every page of the UI and Swagger UI run under the service's
/// Content-Security-Policy without a violation, the hubs connect, and signing out and in again (cookie writes that must
/// carry the page's origin) work. Screenshots: e2e11-*.png.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class BrowserHardeningUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    /// <summary>Every route of js/pages.js with the root that shows it.</summary>
    private static readonly (string Hash, string View)[] Pages =
    [
        ("#/", "home-view"),
        ("#/jobs", "jobs-view"),
        ("#/models", "models-view"),
        ("#/gallery", "gallery-view"),
        ("#/classes", "classes-view"),
        ("#/dbn", "dbn-view"),
        ("#/cnn", "cnn-view"),
        ("#/pooling", "pooling-view"),
        ("#/stepper", "stepper-view"),
        ("#/compare", "compare-view"),
        ("#/assignments", "assignments-view"),
        ("#/experiments", "experiments-view"),
        ("#/data", "data-view"),
        ("#/demos", "demos-view"),
        ("#/account", "account-view"),
    ];

    [Fact]
    public async Task EveryPageRunsUnderTheContentSecurityPolicy()
    {
        Guid modelId = await fixture.SmallDigitModelAsync();
        var session = new BrowserSession(fixture, output, "csp", "e2e11");
        await session.RunAsync(async page =>
        {
            IResponse? index = await page.GotoAsync("/");
            Assert.NotNull(index);
            Assert.Contains("script-src 'self';", index.Headers["content-security-policy"], StringComparison.Ordinal);
            // The live feed is a WebSocket to the same origin: connect-src 'self' must let it through.
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");

            using var jobs = JsonDocument.Parse(await (await page.APIRequest.GetAsync("api/jobs")).TextAsync());
            string jobId = jobs.RootElement.EnumerateArray()
                .First(j => j.TryGetProperty("modelId", out var m) && m.ValueKind == JsonValueKind.String && m.GetGuid() == modelId)
                .GetProperty("id").GetString()!;
            var routes = Pages.Append(($"#/jobs/{jobId}", "job-view")).Append(($"#/models/{modelId}", "model-view"));
            foreach (var (hash, view) in routes)
            {
                await page.GotoAsync($"/{hash}");
                await Expect(page.Locator($"[data-testid={view}]")).ToBeVisibleAsync();
                if (view == "account-view")
                {
                    // The account page shows the storage against the quota (issue 11, point 3): the model counts.
                    await Expect(page.GetByTestId("storage-summary")).ToContainTextAsync("of 2.00 GB used");
                    await Expect(page.GetByTestId("storage-modelBytes").Locator("td")).Not.ToHaveTextAsync("0 B");
                }

                await SettleAsync(page);
                output.WriteLine($"visited {hash}");
            }

            await session.ScreenshotAsync(page, "model-card");

            // Signing out and in again are cookie writes from the page: the guard lets them through with the page's origin.
            await page.ClickAsync("[data-testid=sign-out]");
            await Expect(page.Locator("[data-testid=auth-view]")).ToBeVisibleAsync();
            await page.FillAsync("[data-testid=signin-email]", EndToEndFixture.DefaultUser);
            await page.FillAsync("[data-testid=signin-password]", EndToEndFixture.Password);
            await page.ClickAsync("[data-testid=signin-submit]");
            await Expect(page.Locator("[data-testid=account]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=auth-view]")).ToBeHiddenAsync();

            IResponse? swagger = await page.GotoAsync("/swagger/index.html");
            Assert.NotNull(swagger);
            Assert.Contains("frame-ancestors 'none'", swagger.Headers["content-security-policy"], StringComparison.Ordinal);
            await Expect(page.Locator(".swagger-ui .info .title")).ToContainTextAsync("DeepNetService API");
            await Expect(page.Locator(".swagger-ui .opblock").First).ToBeVisibleAsync();
            await session.ScreenshotAsync(page, "swagger");

            Assert.Empty(session.PolicyViolations);
            // Right after signing out the page asks who is signed in and the browser notes the 401.
            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("status of 401", StringComparison.Ordinal));
        });
    }

    /// <summary>Lets a page fetch and render what it shows (lists, images, charts) before the next one; a busy page is no failure.</summary>
    private static async Task SettleAsync(IPage page)
    {
        try
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 10_000 });
        }
        catch (Exception timeout) when (timeout is PlaywrightException or System.TimeoutException)
        {
        }
    }
}
