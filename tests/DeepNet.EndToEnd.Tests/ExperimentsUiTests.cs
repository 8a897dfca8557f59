using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>The tables page: start the lecture's MNIST table at quick scale and watch its rows fill in. Screenshot: e2e45-tables-*.png.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class ExperimentsUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const float TableTimeout = 180_000;

    [Fact]
    public async Task QuickMnistTableFillsInEveryRowBesideThePublishedErrors()
    {
        var session = new BrowserSession(fixture, output, "tables", "e2e45");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/experiments");
            await Expect(page.Locator("[data-testid=experiment-definitions]")).ToHaveAttributeAsync("aria-busy", "false");
            await Expect(page.Locator(".experiment-definition[data-kind=bengio2007]")).ToContainTextAsync("2.40 %");

            await page.ClickAsync("[data-testid=start-mnist-table-quick]");
            await page.WaitForURLAsync(ExperimentRoute());
            var rows = page.Locator("[data-testid=experiment-row]");
            await Expect(rows).ToHaveCountAsync(4);
            await Expect(rows.First).ToContainTextAsync("1.60 %");

            // Every row becomes a finished job with a test error; a row links to its job page.
            await Expect(page.Locator("#experiment-table")).ToHaveAttributeAsync("data-finished", "true", new() { Timeout = TableTimeout });
            for (int i = 0; i < 4; i++)
            {
                await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-status", "Succeeded");
                await Expect(rows.Nth(i).Locator("[data-testid=test-error]")).ToHaveTextAsync(PercentPattern());
            }

            await Expect(page.Locator("#experiment-cancel")).ToBeHiddenAsync();
            await session.ScreenshotAsync(page, "mnist-quick");

            await rows.Last.Locator("th a").ClickAsync();
            await page.WaitForURLAsync(JobRoute());
            await Expect(page.Locator("[data-testid=cnn-job-view]")).ToBeVisibleAsync();
        });
    }

    [GeneratedRegex(@"#/experiments/[0-9a-f-]{36}$")]
    private static partial Regex ExperimentRoute();

    [GeneratedRegex(@"#/jobs/[0-9a-f-]{36}$")]
    private static partial Regex JobRoute();

    [GeneratedRegex(@"^\d+\.\d\d %$")]
    private static partial Regex PercentPattern();
}
