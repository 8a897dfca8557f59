using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Issue 14, pages for any screen: every page at a phone's 390 px and a laptop's 1280 px, screenshotted into the test
/// results, without page-level sideways scrolling (wide tables and images scroll inside their own box); the nav folds
/// behind a Menu button on the phone; unknown routes and ids get the not-found view.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PageLayoutUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    /// <summary>Every route of js/pages.js with the root that shows it (a job and a model are added at run time).</summary>
    public static readonly (string Hash, string View)[] Pages =
    [
        ("#/", "home-view"),
        ("#/jobs", "jobs-view"),
        ("#/models", "models-view"),
        ("#/gallery", "gallery-view"),
        ("#/classes", "classes-view"),
        ("#/dbn", "dbn-view"),
        ("#/cnn", "cnn-view"),
        ("#/pooling", "pooling-view"),
        ("#/experiments", "experiments-view"),
        ("#/data", "data-view"),
        ("#/demos", "demos-view"),
        ("#/account", "account-view"),
        ("#/no-such-page", "not-found-view"),
    ];

    private static readonly int[] Widths = [390, 1280];

    /// <summary>Where the screenshots go: the test project's TestResults/screenshots (or DEEPNET_E2E_SCREENSHOTS).</summary>
    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("DEEPNET_E2E_SCREENSHOTS") is { Length: > 0 } configured
        ? configured
        : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "screenshots"));

    [Fact]
    public async Task EveryPageFitsAPhoneAndALaptopWithoutSidewaysScrolling()
    {
        Guid modelId = await fixture.SmallDigitModelAsync();
        Directory.CreateDirectory(ScreenshotDirectory);
        await new BrowserSession(fixture, output, "layout").RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.GetByTestId("home-view")).ToBeVisibleAsync();
            string jobId = await page.EvaluateAsync<string>($"fetch('api/models/{modelId}').then(r => r.json()).then(m => m.jobId)");
            var routes = Pages.Append(($"#/jobs/{jobId}", "job-view")).Append(($"#/models/{modelId}", "model-view"));
            var overflowing = new List<string>();
            foreach (int width in Widths)
            {
                await page.SetViewportSizeAsync(width, 900);
                foreach (var (hash, view) in routes)
                {
                    await page.GotoAsync($"/{hash}");
                    await Expect(page.Locator($"[data-testid={view}]")).ToBeVisibleAsync();
                    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                    string name = $"{width}-{(hash.Trim('#', '/').Replace('/', '-') is { Length: > 0 } n ? n : "home")}";
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });
                    var (scroll, viewport, culprit) = await SidewaysAsync(page);
                    output.WriteLine($"{name}: scrollWidth {scroll}, viewport {viewport}{culprit}");
                    if (scroll > viewport)
                    {
                        overflowing.Add($"{hash} at {width} px: scrollWidth {scroll} > {viewport}{culprit}");
                    }
                }
            }

            Assert.True(overflowing.Count == 0, $"pages scroll sideways (screenshots in {ScreenshotDirectory}):{Environment.NewLine}{string.Join(Environment.NewLine, overflowing)}");
        });
    }

    [Fact]
    public Task ThePhoneNavFoldsBehindAMenuButtonAndOpensGrouped() =>
        new BrowserSession(fixture, output, "nav").RunAsync(async page =>
        {
            await page.SetViewportSizeAsync(390, 800);
            await page.GotoAsync("/");
            var toggle = page.GetByTestId("nav-toggle");
            await Expect(toggle).ToBeVisibleAsync();
            await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
            await Expect(page.GetByTestId("nav-gallery")).ToBeHiddenAsync();

            await toggle.ClickAsync();
            await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
            foreach (string group in new[] { "Train", "Models & gallery", "Lecture tools" })
            {
                await Expect(page.Locator(".nav__group-label", new() { HasTextString = group })).ToBeVisibleAsync();
            }

            await page.GetByTestId("nav-jobs").ClickAsync();
            await Expect(page.GetByTestId("jobs-view")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("nav-gallery")).ToBeHiddenAsync();
            Assert.Equal("page", await page.GetByTestId("nav-jobs").GetAttributeAsync("aria-current"));

            await page.SetViewportSizeAsync(1280, 800);
            await Expect(toggle).ToBeHiddenAsync();
            await Expect(page.GetByTestId("nav-gallery")).ToBeVisibleAsync();
        });

    [Fact]
    public Task UnknownRoutesAndIdsShowTheNotFoundView() =>
        new BrowserSession(fixture, output, "not-found").RunAsync(async page =>
        {
            await page.GotoAsync("/#/nowhere");
            await Expect(page.GetByTestId("not-found-title")).ToHaveTextAsync("Page not found");
            await Expect(page.GetByTestId("home-view")).ToBeHiddenAsync();

            await page.GotoAsync($"/#/jobs/{Guid.NewGuid()}");
            await Expect(page.GetByTestId("not-found-title")).ToHaveTextAsync("Job not found");
            await Expect(page.GetByTestId("job-view")).ToBeHiddenAsync();

            await page.GotoAsync($"/#/models/{Guid.NewGuid()}");
            await Expect(page.GetByTestId("model-view")).ToContainTextAsync("Model not found");
        });

    /// <summary>The document's scroll width, the viewport's width and the widest element that sticks out, if any.</summary>
    private static async Task<(int Scroll, int Viewport, string Culprit)> SidewaysAsync(IPage page)
    {
        var result = await page.EvaluateAsync<SidewaysResult>("""
            () => {
              const viewport = document.documentElement.clientWidth;
              let culprit = '';
              let widest = viewport;
              for (const element of document.querySelectorAll('body *')) {
                const box = element.getBoundingClientRect();
                if (box.width > 0 && box.right > widest + 0.5 && getComputedStyle(element).position !== 'fixed') {
                  widest = box.right;
                  const chain = [];
                  for (let e = element; e && e !== document.body; e = e.parentElement) {
                    chain.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${[...e.classList].map((c) => '.' + c).join('')}(${Math.round(e.getBoundingClientRect().width)})`);
                  }
                  culprit = `${chain.join(' < ')} right=${Math.round(box.right)}`;
                }
              }
              return { Scroll: document.documentElement.scrollWidth, Viewport: window.innerWidth, Culprit: culprit };
            }
            """);
        return (result.Scroll, result.Viewport, result.Culprit.Length > 0 ? $" (widest: {result.Culprit})" : "");
    }

    private sealed class SidewaysResult
    {
        public int Scroll { get; set; }

        public int Viewport { get; set; }

        public string Culprit { get; set; } = "";
    }
}
