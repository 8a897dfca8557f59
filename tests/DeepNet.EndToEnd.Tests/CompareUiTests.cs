using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Compare runs (issue 15, point 3) in the browser: a student's two digit runs differ only in hidden units (and the
/// page says only that), curves overlaid with a log option, per-digit errors and images side by side; two patch runs
/// show homework 2's difference images and crops; the comparison's URL is refused to another student.
/// Screenshots: e2e15-compare-*.png.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CompareUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task StudentComparesTwoOwnRunsAndSeesOnlyTheDifferingSettings()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        var session = new BrowserSession(fixture, output, "compare", "e2e15");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/compare");
            string small = await TrainAsync(page, DigitRun($"Sixteen {suffix}", 16));
            string wider = await TrainAsync(page, DigitRun($"Twenty-five {suffix}", 25));

            await page.ReloadAsync();
            await Expect(page.GetByTestId("compare-view")).ToBeVisibleAsync();
            await page.Locator($"[data-testid=compare-pick][value='{small}']").CheckAsync();
            await page.Locator($"[data-testid=compare-pick][value='{wider}']").CheckAsync();
            await page.GetByTestId("compare-go").ClickAsync();

            var rows = page.GetByTestId("compare-difference-row");
            await Expect(rows).ToHaveCountAsync(1);
            await Expect(rows).ToHaveAttributeAsync("data-setting", "rbm.hiddenUnits");
            await Expect(rows.Locator("td")).ToHaveTextAsync(["16", "25"]);
            await Expect(page.GetByTestId("compare-curves")).ToHaveAttributeAsync("data-points", "2");
            await page.GetByTestId("compare-log").CheckAsync();
            await Expect(page.GetByTestId("compare-curves")).ToHaveAttributeAsync("data-scale", "log");
            await Expect(page.GetByTestId("compare-per-class-table").Locator("tbody tr")).ToHaveCountAsync(10);
            var filters = page.GetByTestId("compare-images-filters").Locator("img.compare-image");
            await Expect(filters).ToHaveCountAsync(2);
            await Expect(filters.Nth(1)).ToHaveJSPropertyAsync("complete", true);
            await Expect(page.GetByTestId("compare-link")).ToContainTextAsync($"#/compare?jobs={small},{wider}");
            await session.ScreenshotAsync(page, "digits");

            // Another student opens the same URL: refused as if the runs did not exist, nothing of them shown.
            IPage stranger = await fixture.NewPageAsync($"stranger-{suffix}@example.com");
            try
            {
                await stranger.GotoAsync($"/#/compare?jobs={small},{wider}");
                await Expect(stranger.GetByTestId("compare-error")).ToContainTextAsync("not found");
                await Expect(stranger.GetByTestId("compare-difference-row")).ToHaveCountAsync(0);
                await Expect(stranger.Locator("img.compare-image")).ToHaveCountAsync(0);
            }
            finally
            {
                await stranger.Context.CloseAsync();
            }

            // Homework 2: two patch runs — the difference image of each and the zoomed crops at one shared position.
            string cat = await TrainAsync(page, PatchRun($"Cat A {suffix}", 0.01));
            string cat2 = await TrainAsync(page, PatchRun($"Cat B {suffix}", 0.02));
            await page.GotoAsync($"/#/compare?jobs={cat},{cat2}");
            await Expect(page.GetByTestId("compare-hw2-row")).ToHaveCountAsync(2);
            await Expect(page.GetByTestId("compare-difference")).ToHaveCountAsync(2);
            await Expect(page.GetByTestId("compare-crop")).ToHaveCountAsync(6);
            await Expect(page.GetByTestId("compare-difference-row")).ToHaveAttributeAsync("data-setting", "rbm.learningRate");
            await page.GetByTestId("compare-difference").First.ClickAsync(new() { Position = new() { X = 2, Y = 2 } });
            await Expect(page.GetByTestId("compare-hw2-row").First).ToContainTextAsync("at (0, 0)");
            await session.ScreenshotAsync(page, "homework2");
            Assert.Empty(session.ConsoleErrors);
        });
    }

    private static object DigitRun(string name, int hiddenUnits) => new
    {
        name,
        rbm = new { hiddenUnits, epochs = 2, batchSize = 20, learningRate = 0.1, seed = 3 },
        data = new { classes = new[] { 1, 2, 3, 4, 5 }, limit = 300, imageSize = 16 },
        evaluation = new { perClass = true, perClassLimit = 10 },
    };

    private static object PatchRun(string name, double learningRate) => new
    {
        kind = "rbm-patches",
        name,
        rbm = new { hiddenUnits = 16, epochs = 1, batchSize = 50, learningRate, seed = 3 },
        patches = new { trainImage = "builtin:chelsea", testImage = "builtin:coffee", patchSize = 8, patchCount = 500, stride = 8 },
    };

    private async Task<string> TrainAsync(IPage page, object request)
    {
        IAPIResponse created = await page.APIRequest.PostAsync("api/jobs", new() { DataObject = request, Headers = fixture.OwnOrigin });
        string body = await created.TextAsync();
        Assert.True(created.Ok, $"POST api/jobs answered {created.Status}: {body}");
        string jobId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        await EndToEndFixture.WaitForModelAsync(jobId, async () => await (await page.APIRequest.GetAsync($"api/jobs/{jobId}")).TextAsync());
        return jobId;
    }
}
