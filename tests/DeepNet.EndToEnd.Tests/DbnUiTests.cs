using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>The DBN page of issue 4: a small DBN built in the form, watched layer by layer to its confusion matrix. Screenshots: e2e4-*.png.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class DbnUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const string ScreenshotPrefix = "e2e4";

    // Jobs run one at a time; this one may queue behind another test's on a 2-core machine.
    private const float LiveTimeout = 120_000;

    private const string ImageLoaded = """
        (selector) => {
          const img = document.querySelector(selector);
          return !!img && !img.hidden && !!img.src && img.complete && img.naturalWidth > 0;
        }
        """;

    [Fact]
    public async Task ASmallDbnFromTheFormShowsItsLayerTimelineAndConfusionMatrix()
    {
        var session = new BrowserSession(fixture, output, "dbn", ScreenshotPrefix);
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/dbn");
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");
            await page.ClickAsync("[data-testid=dbn-preset-small]");
            await Expect(page.Locator("[data-testid=dbn-image-size]")).ToHaveValueAsync("16");

            // Build a 3-layer net, then remove the extra layer again; an invalid field is named by the server.
            await page.ClickAsync("[data-testid=dbn-add-layer]");
            await Expect(page.Locator("[data-testid=dbn-layers] tr")).ToHaveCountAsync(3);
            await page.ClickAsync("[data-testid=dbn-remove-layer-2]");
            await Expect(page.Locator("[data-testid=dbn-layers] tr")).ToHaveCountAsync(2);
            await page.FillAsync("[data-testid=dbn-layer-1-hiddenUnits]", "0");
            await page.ClickAsync("[data-testid=dbn-submit]");
            await Expect(page.Locator("[data-testid=dbn-form-errors]")).ToContainTextAsync("dbn.layers[1].hiddenUnits");
            await Expect(page.Locator("[data-testid=dbn-layer-1-hiddenUnits]")).ToHaveAttributeAsync("aria-invalid", "true");

            // Tiny settings: 500 digits, one pre-training epoch per layer of 32 units, three fine-tuning epochs.
            await page.FillAsync("[data-testid=dbn-name]", "E2E DBN");
            await page.FillAsync("[data-testid=dbn-limit]", "500");
            await page.FillAsync("[data-testid=dbn-validation]", "100");
            await page.FillAsync("[data-testid=dbn-test-limit]", "300");
            for (int layer = 0; layer < 2; layer++)
            {
                await page.FillAsync($"[data-testid=dbn-layer-{layer}-hiddenUnits]", "32");
                await page.FillAsync($"[data-testid=dbn-layer-{layer}-epochs]", "1");
            }

            await page.FillAsync("[data-testid=dbn-bp-epochs]", "3");
            await Expect(page.Locator("[data-testid=dbn-architecture]")).ToHaveTextAsync("Architecture 256-32-32-10");
            await session.ScreenshotAsync(page, "form");
            await page.ClickAsync("[data-testid=dbn-submit]");
            await page.WaitForURLAsync(JobRoute());

            // The layer timeline: two pre-training layers, then fine-tuning, each finished in turn.
            await Expect(page.Locator("[data-testid=dbn-job-view]")).ToBeVisibleAsync();
            await Expect(page.Locator("#dbn-job-name")).ToHaveTextAsync("E2E DBN");
            var stages = page.Locator("[data-testid=dbn-timeline] > li");
            await Expect(stages).ToHaveCountAsync(3);
            await Expect(page.Locator("[data-testid=dbn-stage-pretrain-1]")).ToContainTextAsync("Layer 1 · 32 units");
            await Expect(page.Locator("[data-testid=dbn-stage-finetune]")).ToContainTextAsync("Fine-tuning");
            await Expect(page.Locator("[data-testid=dbn-job-status]")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = LiveTimeout });
            foreach (string stage in new[] { "pretrain-1", "pretrain-2", "finetune" })
            {
                await Expect(page.Locator($"[data-testid=dbn-stage-{stage}]")).ToHaveAttributeAsync("data-state", "done");
            }

            await Expect(page.Locator("[data-testid=dbn-stage-finetune]")).ToContainTextAsync("3 / 3 epochs");

            // Results: errors, the confusion matrix (10×10 counts summing to the 300 test digits) and the misclassified digits.
            var table = page.Locator("[data-testid=dbn-confusion-table]");
            await Expect(table.Locator("tbody tr")).ToHaveCountAsync(10);
            int total = 0;
            foreach (string cell in await table.Locator("tbody td").AllTextContentsAsync())
            {
                total += int.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);
            }

            Assert.Equal(300, total);
            await Expect(page.Locator("[data-testid=dbn-error-test]")).ToContainTextAsync("%");
            await page.WaitForFunctionAsync(ImageLoaded, "[data-testid=dbn-image-filters]");
            await page.WaitForFunctionAsync(ImageLoaded, "[data-testid=dbn-image-features-2]");
            await page.WaitForFunctionAsync(ImageLoaded, "[data-testid=dbn-image-confusion]");
            await Expect(page.Locator("[data-testid=dbn-misclassified-list] li").First).ToContainTextAsync(new Regex(@"predicted \d, true \d"));
            await Expect(page.Locator("[data-testid=dbn-model-download]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=dbn-error-chart]")).ToHaveAttributeAsync("data-points", "3");
            await session.ScreenshotAsync(page, "job");

            // Generation from the new model (trained with its labels joined): frames of a chosen digit stream in.
            await page.ClickAsync("[data-testid=dbn-generate-link]");
            await Expect(page.Locator("[data-testid=dbn-view]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=dbn-gen-model] option:checked")).ToContainTextAsync("E2E DBN");
            await page.SelectOptionAsync("[data-testid=dbn-gen-label]", "3");
            await page.FillAsync("[data-testid=dbn-gen-chains]", "10");
            await page.FillAsync("#dbn-gen-steps", "20");
            await page.ClickAsync("[data-testid=dbn-generate]");
            await Expect(page.Locator("[data-testid=dbn-gen-status]")).ToHaveTextAsync("Step 20 of 20");
            await page.WaitForFunctionAsync(ImageLoaded, "[data-testid=dbn-gen-frame]");
            await Expect(page.Locator("[data-testid=dbn-gen-frame]")).ToHaveAttributeAsync("alt", "Generated digits after 20 Gibbs steps");
            await session.ScreenshotAsync(page, "generation");

            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("400", StringComparison.Ordinal));
        });
    }

    [GeneratedRegex(@"#/jobs/[0-9a-fA-F-]{36}$")]
    private static partial Regex JobRoute();
}
