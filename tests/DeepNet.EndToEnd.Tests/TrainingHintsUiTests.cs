using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>Issue 14, live views that read well: the monitoring panel says in words what its numbers mean.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TrainingHintsUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public Task ALearningRateFarTooLargeGetsTheHintToLowerIt() =>
        new BrowserSession(fixture, output, "hints").RunAsync(async page =>
        {
            await page.GotoAsync("/");
            // ε = 10 on a few hundred binarized digits drives most hidden units to 0 or 1 within an epoch.
            IAPIResponse created = await page.APIRequest.PostAsync("api/jobs", new()
            {
                DataObject = new
                {
                    name = "hot",
                    rbm = new { hiddenUnits = 16, learningRate = 10, batchSize = 10, epochs = 2, seed = 3 },
                    data = new { classes = new[] { 1, 2, 3 }, limit = 300, imageSize = 16, binarizeThreshold = 0.5 },
                },
                Headers = fixture.OwnOrigin,
            });
            string body = await created.TextAsync();
            Assert.True(created.Ok, $"POST api/jobs answered {created.Status}: {body}");
            string jobId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
            await EndToEndFixture.WaitForModelAsync(jobId, async () => await (await page.APIRequest.GetAsync($"api/jobs/{jobId}")).TextAsync());

            await page.GotoAsync($"/#/jobs/{jobId}");
            var hints = page.GetByTestId("training-hints");
            await Expect(hints).ToBeVisibleAsync();
            await Expect(hints.Locator("[data-hint=units]")).ToContainTextAsync("Lower the learning rate ε");
        });
}
