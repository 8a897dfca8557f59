using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>The pooling playground (issue 5): the lecture's matrix and image examples in the browser. Screenshots: e2e5-pooling-*.png.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PoolingUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task LectureMatrixPoolsToTheLecturesResultAndABuiltInImageGoesFrom200To50()
    {
        var session = new BrowserSession(fixture, output, "pooling", "e2e5");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/pooling");
            await Expect(page.Locator("[data-testid=pooling-view]")).ToBeVisibleAsync();

            // The lecture's 4×4 matrix with 2×2 windows, stride 2.
            await page.ClickAsync("[data-testid=pool-lecture-example]");
            await Expect(page.Locator("[data-testid=pool-input-cell]")).ToHaveCountAsync(16);
            await Expect(page.Locator("[data-testid=pool-window]")).ToHaveValueAsync("2");
            await Expect(page.Locator("[data-testid=pool-stride]")).ToHaveValueAsync("2");
            await Expect(page.Locator("[data-testid=pool-mode-max]")).ToBeCheckedAsync();
            var cells = page.Locator("[data-testid=pool-result-cell]");
            await Expect(cells).ToHaveTextAsync(["4", "6", "7", "2"]);
            await Expect(page.Locator("[data-testid=pool-result-grid] tr")).ToHaveCountAsync(2);

            // Hovering an output shows its window and the maximum's position: 7 comes from row 4, column 2.
            await page.HoverAsync("[data-testid=pool-result-cell][data-row='1'][data-col='0']");
            await Expect(page.Locator("[data-testid=pool-input-grid] td.is-window")).ToHaveCountAsync(4);
            await Expect(page.Locator("[data-testid=pool-input-grid] td.is-argmax [data-testid=pool-input-cell]")).ToHaveValueAsync("7");
            await Expect(page.Locator("[data-testid=pool-explain]")).ToContainTextAsync("= 7");
            await session.ScreenshotAsync(page, "max");

            await page.CheckAsync("[data-testid=pool-mode-average]");
            await Expect(cells).ToHaveTextAsync(["2.5", "3.5", "4", "1.25"]);
            await Expect(page.Locator("[data-testid=pool-matrix-error]")).ToBeHiddenAsync();

            // Typing into the grid updates the result: the top-left window's average becomes (9 + 2 + 4 + 3) / 4 = 4.5.
            await page.Locator("[data-testid=pool-input-cell][data-row='0'][data-col='0']").FillAsync("9");
            await Expect(cells.First).ToHaveTextAsync("4.5");

            // A stroke on the drawing grid is pooled live: 28×28 with 4×4 windows, stride 4, is 7×7.
            await page.FillAsync("[data-testid=pool-window]", "4");
            await page.FillAsync("[data-testid=pool-stride]", "4");
            var canvas = (await page.Locator("[data-testid=pool-draw-canvas]").BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(canvas.X + canvas.Width * 0.2f, canvas.Y + canvas.Height * 0.5f);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(canvas.X + canvas.Width * 0.8f, canvas.Y + canvas.Height * 0.5f, new() { Steps = 8 });
            await page.Mouse.UpAsync();
            await Expect(page.Locator("[data-testid=pool-draw-sizes]")).ToContainTextAsync("7×7");
            await Expect(page.Locator("[data-testid=pool-draw-result]")).Not.ToHaveAttributeAsync("data-ink", "0");

            // The lecture's image example: a built-in photo resized to 200×200, 4×4 windows with stride 4.
            await page.SelectOptionAsync("[data-testid=pool-image-select]", "builtin:rocket");
            await page.FillAsync("[data-testid=pool-window]", "4");
            await page.FillAsync("[data-testid=pool-stride]", "4");
            await page.CheckAsync("[data-testid=pool-image-resize]");
            await page.FillAsync("[data-testid=pool-image-resize-size]", "200");
            await page.ClickAsync("[data-testid=pool-image-submit]");
            await Expect(page.Locator("[data-testid=pool-image-summary]")).ToContainTextAsync("200×200 → 50×50");
            await Expect(page.Locator("[data-testid=pool-image-input-size]")).ToContainTextAsync("200×200");
            await Expect(page.Locator("[data-testid=pool-image-output-size]")).ToContainTextAsync("50×50");
            await Expect(page.Locator("[data-testid=pool-image-output]")).ToBeVisibleAsync();
            int naturalWidth = await page.Locator("[data-testid=pool-image-output]").EvaluateAsync<int>("img => img.naturalWidth");
            Assert.Equal(50, naturalWidth);
            await Expect(page.Locator("[data-testid=pool-image-error]")).ToBeHiddenAsync();
            await session.ScreenshotAsync(page, "image");

            Assert.Empty(session.ConsoleErrors);

            // A file that is not an image: the server's reason is shown, and nothing else breaks.
            await page.SetInputFilesAsync("[data-testid=pool-image-file]", new FilePayload
            {
                Name = "notes.png",
                MimeType = "image/png",
                Buffer = "not an image"u8.ToArray(),
            });
            await Expect(page.Locator("[data-testid=pool-image-error]")).ToContainTextAsync("not a PNG or JPEG");
            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("400", StringComparison.Ordinal));
        });
    }
}
