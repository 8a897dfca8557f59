using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>Issue 5 in the browser: build a CNN from a preset, see a server error next to its layer, train it, watch it.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class CnnUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    // Training can queue behind another test's job on a 2-core machine.
    private const float LiveTimeout = 120_000;

    private const string FirstFiltersLoaded = """
        () => {
          const img = document.querySelector('[data-testid="cnn-filters-1"] img');
          return !!img && img.src.startsWith('data:image/png;base64,') && img.complete && img.naturalWidth > 0;
        }
        """;

    [Fact]
    public async Task TheSmallPresetTrainsFromTheFormAndShowsCurvesAndTheConfusionMatrix()
    {
        var session = new BrowserSession(fixture, output, "cnn");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/cnn");
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");
            await Expect(page.Locator("[data-testid=cnn-form]")).ToBeVisibleAsync();

            await page.ClickAsync("[data-testid=cnn-preset-small]");
            await Expect(page.Locator("[data-testid=cnn-layers] > li")).ToHaveCountAsync(4);
            await Expect(page.Locator("[data-testid=cnn-input-shape]")).ToContainTextAsync("1×16×16");
            await Expect(page.Locator("[data-testid=cnn-layer-shape-0]")).ToHaveTextAsync("→ 8×12×12");
            await Expect(page.Locator("[data-testid=cnn-layer-shape-2]")).ToHaveTextAsync("→ 8×6×6");

            // A layer that does not fit: the server's 400 names it, and the message appears next to that layer.
            await page.SelectOptionAsync("[data-testid=cnn-add-type]", "maxPool");
            await page.ClickAsync("[data-testid=cnn-add-layer]");
            await page.FillAsync("[data-testid=cnn-layer-window-4]", "8");
            await Expect(page.Locator("[data-testid=cnn-layer-error-4]")).ToContainTextAsync("smaller than the 8×8 window");
            await page.ClickAsync("[data-testid=cnn-submit]");
            await Expect(page.Locator("[data-testid=cnn-form-summary]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=cnn-form-summary]")).ToContainTextAsync("cnn.layers[4]: layer 5 (max-pool 8×8 stride 2): input 10×1×1");
            await Expect(page.Locator("[data-testid=cnn-layer-error-4]")).ToContainTextAsync("input 10×1×1");
            Assert.DoesNotMatch(JobRoute(), page.Url);
            await page.ClickAsync("[data-testid=cnn-layer-remove-4]");
            await Expect(page.Locator("[data-testid=cnn-layers] > li")).ToHaveCountAsync(4);
            await Expect(page.Locator("[data-testid=cnn-layers]")).ToHaveAttributeAsync("data-valid", "true");

            // Keep the run to seconds: 500 digits at 16×16, the last 100 for validation, 2 epochs.
            await page.FillAsync("#cnn-form input[name='name']", "Small CNN from the form");
            await page.FillAsync("#cnn-form input[name='data.limit']", "500");
            await page.FillAsync("#cnn-form input[name='cnn.validation']", "100");
            await page.FillAsync("#cnn-form input[name='cnn.epochs']", "2");
            await page.FillAsync("#cnn-form input[name='cnn.batchSize']", "20");
            await page.FillAsync("#cnn-form input[name='cnn.learningRate']", "0.003");
            await page.ClickAsync("[data-testid=cnn-submit]");

            await page.WaitForURLAsync(JobRoute());
            await Expect(page.Locator("[data-testid=cnn-job-view]")).ToBeVisibleAsync();
            var status = page.Locator("[data-testid=cnn-job-status]");
            await Expect(status).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = LiveTimeout });

            await Expect(page.Locator("[data-testid=cnn-loss-chart]")).ToHaveAttributeAsync("data-points", "2", new() { Timeout = LiveTimeout });
            await Expect(page.Locator("[data-testid=cnn-error-chart]")).ToHaveAttributeAsync("data-points", "2");
            await Expect(page.Locator("[data-testid=cnn-loss-chart] canvas")).ToHaveCountAsync(1);
            await Expect(page.Locator("[data-testid=cnn-confusion-table] tbody tr")).ToHaveCountAsync(10, new() { Timeout = LiveTimeout });
            await Expect(page.Locator("#cnn-confusion-caption")).ToContainTextAsync("test images");
            await Expect(page.Locator("[data-testid=cnn-error-test]")).ToHaveTextAsync(new Regex(@"^\d+(\.\d+)? %$"));
            await page.WaitForFunctionAsync(FirstFiltersLoaded, null, new() { Timeout = LiveTimeout });
            await Expect(page.Locator("[data-testid=cnn-feature-maps-img]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=cnn-model-link]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=cnn-cancel]")).ToBeHiddenAsync();

            // The feature maps of a chosen test image.
            await page.FillAsync("[data-testid=cnn-feature-index]", "7");
            await page.ClickAsync("[data-testid=cnn-feature-show]");
            await Expect(page.Locator("[data-testid=cnn-feature-caption]")).ToContainTextAsync(new Regex(@"Test image 7: true class \d, predicted \d"));
            await session.ScreenshotAsync(page, "job-succeeded");

            // The only console error allowed is the browser's note of the deliberate 400 above.
            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("400", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task TheLeNet5PresetFillsTheMeasuredRecipeOn28By28Digits()
    {
        var session = new BrowserSession(fixture, output, "cnn-lenet5");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/cnn");
            await Expect(page.Locator("[data-testid=cnn-form]")).ToBeVisibleAsync();
            await page.ClickAsync("[data-testid=cnn-preset-lenet5]");

            // S4 is 16×5×5 only on 28×28 input; on 16×16 it would be 16×2×2.
            await Expect(page.Locator("[data-testid=cnn-input-shape]")).ToContainTextAsync("1×28×28");
            await Expect(page.Locator("[data-testid=cnn-layer-shape-5]")).ToHaveTextAsync("→ 16×5×5");
            await Expect(page.Locator("#cnn-form select[name='cnn.optimizer']")).ToHaveValueAsync("sgd");
            await Expect(page.Locator("#cnn-form input[name='cnn.learningRate']")).ToHaveValueAsync("0.05");
            await Expect(page.Locator("#cnn-form input[name='cnn.learningRateDecay']")).ToHaveValueAsync("0.8");
            await Expect(page.Locator("#cnn-form input[name='cnn.epochs']")).ToHaveValueAsync("12");
            await Expect(page.Locator("#cnn-form input[name='data.limit']")).ToHaveValueAsync(""); // all 60,000
            await Expect(page.Locator("[data-testid=cnn-augment]")).ToBeCheckedAsync();
            await Expect(page.Locator("#cnn-form input[name='cnn.augment.rotation']")).ToHaveValueAsync("10");
            await session.ScreenshotAsync(page, "form");
        });
    }

    [GeneratedRegex(@"#/jobs/[0-9a-fA-F-]{36}$")]
    private static partial Regex JobRoute();
}
