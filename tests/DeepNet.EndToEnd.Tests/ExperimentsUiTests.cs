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

    [Fact]
    public async Task EachRowShowsWhatItTrainsAtTheChosenScaleAndAFullRunAsksFirstWithItsEstimatedDuration()
    {
        var session = new BrowserSession(fixture, output, "tables-full", "e2e45");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/experiments");
            var mnist = page.Locator(".experiment-definition[data-kind=mnist-table]");
            var lenet = mnist.Locator("[data-testid=definition-row][data-key=lenet5]");

            // Quick scale first: the architecture with the shapes it really gets, and its own epochs.
            await Expect(lenet.Locator("[data-testid=row-architecture]")).ToContainTextAsync("LeNet-5: 1×");
            await Expect(mnist.Locator("[data-testid=estimate-mnist-table]")).ToContainTextAsync("Quick scale");
            await mnist.Locator("[data-testid=scale-mnist-table-full]").CheckAsync();
            await Expect(lenet.Locator("[data-testid=row-architecture]")).ToHaveTextAsync("LeNet-5: 1×28×28 → 6×28×28 → 6×14×14 → 16×10×10 → 16×5×5 → 120 → 84 → 10");
            await Expect(lenet.Locator("[data-testid=row-epochs]")).ToHaveTextAsync("12 epochs");
            await Expect(mnist.Locator("[data-testid=estimate-mnist-table]")).ToContainTextAsync("60,000 training digits at 28×28");

            // The full table asks first, with the server's estimate; "Not now" queues nothing.
            var confirm = page.Locator("[data-testid=confirm-mnist-table]");
            await page.ClickAsync("[data-testid=start-mnist-table-full]");
            await Expect(confirm).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=confirm-mnist-table-duration]")).ToHaveTextAsync(DurationPattern());
            await session.ScreenshotAsync(page, "full-confirm");
            await confirm.GetByText("Not now").ClickAsync();
            await Expect(confirm).ToBeHiddenAsync();
            Assert.EndsWith("#/experiments", page.Url, StringComparison.Ordinal);

            await page.ClickAsync("[data-testid=start-mnist-table-full]");
            await page.ClickAsync("[data-testid=confirm-mnist-table-full]");
            await page.WaitForURLAsync(ExperimentRoute());
            var rows = page.Locator("[data-testid=experiment-row]");
            await Expect(rows).ToHaveCountAsync(4);
            await Expect(rows.Last.Locator("[data-testid=row-setting]")).ToContainTextAsync("16×5×5");
            await Expect(rows.Last.Locator("[data-testid=row-setting]")).ToContainTextAsync("12 epochs");
            await session.ScreenshotAsync(page, "full-started");

            // Nobody waits for a full table in a test: cancel its rows.
            await page.ClickAsync("#experiment-cancel");
            await Expect(page.Locator("#experiment-table")).ToHaveAttributeAsync("data-finished", "true", new() { Timeout = TableTimeout });
        });
    }

    [GeneratedRegex(@"^\d+ (s|min \d\d s|h \d\d min)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"#/experiments/[0-9a-f-]{36}$")]
    private static partial Regex ExperimentRoute();

    [GeneratedRegex(@"#/jobs/[0-9a-f-]{36}$")]
    private static partial Regex JobRoute();

    [GeneratedRegex(@"^\d+\.\d\d %$")]
    private static partial Regex PercentPattern();
}
