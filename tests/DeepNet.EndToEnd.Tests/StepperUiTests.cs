using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>The update rule step by step (issue 15, point 4) in the browser. Screenshots: e2e15-stepper-*.png.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class StepperUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task StudentStepsThroughOneCdUpdateAndOneConvolution()
    {
        var session = new BrowserSession(fixture, output, "stepper", "e2e15");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/stepper");
            await Expect(page.GetByTestId("stepper-view")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("stepper-step-0")).ToContainTextAsync("W ~ N(0, s²)");
            await Expect(page.GetByTestId("stepper-W").First.Locator("tr")).ToHaveCountAsync(3);

            // Flip x1's second unit, pick ε and a seed, then walk the eight steps after the start.
            await page.GetByTestId("stepper-x1-1").ClickAsync();
            await Expect(page.GetByTestId("stepper-x1-1")).ToHaveAttributeAsync("aria-pressed", "true");
            await page.GetByTestId("stepper-rate").FillAsync("0.5");
            await page.GetByTestId("stepper-seed").FillAsync("7");
            await page.GetByTestId("stepper-run").ClickAsync();
            await Expect(page.GetByTestId("stepper-x1").Locator("td")).ToHaveTextAsync(["1", "1", "1", "1", "0", "0"]);
            for (int step = 1; step <= 8; step++)
            {
                await page.GetByTestId("stepper-next").ClickAsync();
                await Expect(page.GetByTestId($"stepper-step-{step}")).ToBeVisibleAsync();
            }

            await Expect(page.GetByTestId("stepper-next")).ToBeDisabledAsync();
            await Expect(page.GetByTestId("stepper-step-2")).ToContainTextAsync("h1_j = 1 if u_j < Q(h1_j=1|x1)");
            await Expect(page.GetByTestId("stepper-ΔW").Locator("tr")).ToHaveCountAsync(3);
            await Expect(page.GetByTestId("stepper-agreement")).ToContainTextAsync("differs from the trainer's W by at most");
            await session.ScreenshotAsync(page, "rbm");

            // A bad ε: the server's reason, naming the field.
            await page.GetByTestId("stepper-rate").FillAsync("0");
            await page.GetByTestId("stepper-run").ClickAsync();
            await Expect(page.GetByTestId("stepper-error")).ToContainTextAsync("learningRate");

            // The convolution of the lecture's matrix with a 2×2 kernel: A[0][0] = 1·1 + 0·2 + 0·4 + (−1)·3 = −2.
            await Expect(page.GetByTestId("stepper-conv-0-0")).ToHaveTextAsync("-2");
            await Expect(page.GetByTestId("stepper-conv-explain")).ToContainTextAsync("A[0][0] = 1·1 + 0·2 + 0·4 + -1·3 = -2");
            await page.GetByTestId("stepper-conv-1-2").ClickAsync();
            await Expect(page.GetByTestId("stepper-conv-explain")).ToContainTextAsync("= 4");
            await session.ScreenshotAsync(page, "convolution");

            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("400", StringComparison.Ordinal));
        });
    }
}
