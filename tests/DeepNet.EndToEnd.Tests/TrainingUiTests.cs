using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DeepNet.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>The browser scenario of issue 2, in headless Chromium against a real server process.</summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class TrainingUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    // Training can queue behind another test's job on a 2-core machine; be generous.
    private const float LiveTimeout = 180_000;

    private const string FilterImageLoaded = """
        () => {
          const img = document.querySelector('#filters-img');
          return !!img && !img.hidden && img.src.startsWith('data:image/png;base64,') && img.complete && img.naturalWidth > 0;
        }
        """;

    private const string ReconstructionsImageLoaded = """
        () => {
          const img = document.querySelector('#reconstructions-img');
          return !!img && !img.hidden && img.src.startsWith('data:image/png;base64,') && img.complete && img.naturalWidth > 0;
        }
        """;

    private const string LearningCurveHasPoints = """
        () => {
          const chart = document.querySelector('#learning-curve');
          if (!chart) return false;
          const points = Number(chart.dataset.points) + Number(chart.dataset.batchPoints);
          return points > 0 && !!chart.querySelector('canvas');
        }
        """;

    [Fact]
    public async Task PageLoadsWithoutConsoleErrorsAndRendersTheJobList()
    {
        var session = new BrowserSession(fixture, output, "page-load");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");

            await Expect(page).ToHaveTitleAsync(new Regex("DeepNetService"));
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");
            await Expect(page.Locator("#jobs-list")).ToHaveAttributeAsync("aria-busy", "false");
            await Expect(page.Locator("#models-list")).ToHaveAttributeAsync("aria-busy", "false");
            // Either rows or the friendly empty state, never the error notice.
            await Expect(page.Locator("#jobs-list > ul.items, #jobs-list > p.empty")).ToHaveCountAsync(1);
            await Expect(page.Locator("#models-list > ul.items, #models-list > p.empty")).ToHaveCountAsync(1);
            await Expect(page.Locator("#digit-boxes input[type=checkbox]")).ToHaveCountAsync(10);
            await Expect(page.Locator("#preset-homework1")).ToBeVisibleAsync();
            await Expect(page.Locator("#submit-job")).ToBeEnabledAsync();

            await session.ScreenshotAsync(page, "home");
            Assert.Empty(session.ConsoleErrors);
        });
    }

    [Fact]
    public async Task ServerValidationErrorsAppearNextToTheFieldsTheyName()
    {
        var session = new BrowserSession(fixture, output, "validation");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("#jobs-list")).ToHaveAttributeAsync("aria-busy", "false");

            await page.FillAsync("input[name='rbm.hiddenUnits']", "0");
            await page.FillAsync("input[name='rbm.epochs']", "-3");
            await page.FillAsync("input[name='data.limit']", "70000");
            await page.ClickAsync("#submit-job");

            await Expect(page.Locator("#err-rbm-hiddenUnits")).Not.ToBeEmptyAsync();
            await Expect(page.Locator("#err-rbm-epochs")).Not.ToBeEmptyAsync();
            await Expect(page.Locator("#err-data-limit")).Not.ToBeEmptyAsync();
            await Expect(page.Locator("input[name='rbm.hiddenUnits']")).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(page.Locator("#form-summary")).ToBeVisibleAsync();
            await Expect(page.Locator("#err-rbm-k")).ToBeEmptyAsync();
            Assert.DoesNotMatch(JobRoute(), page.Url);
            await session.ScreenshotAsync(page, "errors");

            // Fixing a field clears its message.
            await page.FillAsync("input[name='rbm.hiddenUnits']", "49");
            await Expect(page.Locator("#err-rbm-hiddenUnits")).ToBeEmptyAsync();
        });
    }

    [Fact]
    public async Task HomeworkPresetTrainsLiveAndTheModelBecomesDownloadable()
    {
        var session = new BrowserSession(fixture, output, "homework1");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");

            await page.ClickAsync("#preset-homework1");
            await Expect(page.Locator("input[name='rbm.hiddenUnits']")).ToHaveValueAsync("49");
            await Expect(page.Locator("select[name='data.imageSize']")).ToHaveValueAsync("16");
            await Expect(page.Locator("input[name='data.binarizeThreshold']")).ToHaveValueAsync("0.5");
            for (int digit = 0; digit <= 9; digit++)
            {
                var box = page.Locator($"input[name='data.classes'][value='{digit}']");
                if (digit is >= 1 and <= 5)
                {
                    await Expect(box).ToBeCheckedAsync();
                }
                else
                {
                    await Expect(box).Not.ToBeCheckedAsync();
                }
            }

            // Keep the run short on a 2-core machine.
            await page.FillAsync("input[name='rbm.epochs']", "3");
            await page.FillAsync("input[name='data.limit']", "2000");
            await page.ClickAsync("#submit-job");

            await page.WaitForURLAsync(JobRoute());
            var status = page.Locator("#job-status");
            await Expect(status).ToHaveAttributeAsync("data-status", new Regex("^(Queued|Running|Succeeded)$"));
            await Expect(status).ToHaveAttributeAsync("data-status", new Regex("^(Running|Succeeded)$"), new() { Timeout = LiveTimeout });

            await page.WaitForFunctionAsync(FilterImageLoaded, null, new() { Timeout = LiveTimeout });
            await page.WaitForFunctionAsync(LearningCurveHasPoints, null, new() { Timeout = LiveTimeout });
            await session.ScreenshotAsync(page, "job-live");

            await Expect(status).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = LiveTimeout });
            await Expect(page.Locator("#learning-curve")).ToHaveAttributeAsync("data-points", "3");
            await page.WaitForFunctionAsync(ReconstructionsImageLoaded, null, new() { Timeout = LiveTimeout });
            await Expect(page.Locator("#job-progress")).ToHaveJSPropertyAsync("value", 1);
            await Expect(page.Locator("#history-rows tr")).ToHaveCountAsync(3);
            await Expect(page.Locator("#cancel-job")).ToBeHiddenAsync();
            var modelLink = page.Locator("#model-link");
            await Expect(modelLink).ToBeVisibleAsync();
            await Expect(modelLink).ToHaveAttributeAsync("href", ModelFileRoute());
            await session.ScreenshotAsync(page, "job-succeeded");

            // The My models page has the new model with a working download link.
            await page.ClickAsync("#models-link");
            var download = page.Locator("#models-page-list [data-testid=model-download]").First;
            await Expect(download).ToBeVisibleAsync(new() { Timeout = LiveTimeout });
            await Expect(page.Locator("#models-page-list [data-testid=model-row]").First).ToContainTextAsync("Homework 1");
            string href = await download.GetAttributeAsync("href") ?? "";
            Assert.Matches(ModelFileRoute(), href);
            await session.ScreenshotAsync(page, "models");

            var file = await page.Context.APIRequest.GetAsync(href);
            Assert.Equal(200, file.Status);
            AssertSafetensorsWithWeights(await file.BodyAsync());
        });
    }

    [Fact]
    public async Task CancelButtonStopsARunningJob()
    {
        var session = new BrowserSession(fixture, output, "cancel");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");

            // Big enough to still be running when the button is clicked.
            await SubmitFromFormAsync(page, "Long run to cancel", hiddenUnits: 200, epochs: 50, limit: 20000);

            var status = page.Locator("#job-status");
            await Expect(status).ToHaveAttributeAsync("data-status", "Running", new() { Timeout = LiveTimeout });
            await Expect(page.Locator("#stat-batch")).Not.ToHaveTextAsync("–", new() { Timeout = LiveTimeout });
            var cancel = page.Locator("#cancel-job");
            await Expect(cancel).ToBeVisibleAsync();
            await cancel.ClickAsync();

            await Expect(status).ToHaveAttributeAsync("data-status", "Canceled");
            await Expect(cancel).ToBeHiddenAsync();
            await Expect(page.Locator("#model-link")).ToBeHiddenAsync();
            await Expect(page.Locator("#job-notice")).ToContainTextAsync("canceled");
            await session.ScreenshotAsync(page, "canceled");
        });
    }

    [Fact]
    public async Task DeleteButtonRemovesAFinishedJobAfterAConfirmAndKeepsItsModel()
    {
        var session = new BrowserSession(fixture, output, "delete-job");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");
            string name = $"Delete me {Guid.NewGuid():N}"[..18];
            string jobId = await SubmitFromFormAsync(page, name, hiddenUnits: 16, epochs: 1, limit: 500);

            var delete = page.Locator("[data-testid=delete-job]");
            await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = LiveTimeout });
            await Expect(delete).ToBeVisibleAsync();
            var row = page.Locator($"[data-testid=job-row][data-job-id='{jobId}']");
            await Expect(row).ToHaveCountAsync(1);

            // The confirm step: "Cancel" in the dialog keeps the job.
            string? asked = null;
            void Keep(object? sender, IDialog dialog)
            {
                asked = dialog.Message;
                _ = dialog.DismissAsync();
            }

            page.Dialog += Keep;
            await delete.ClickAsync();
            page.Dialog -= Keep;
            Assert.Contains(name, asked, StringComparison.Ordinal);
            Assert.Contains("The model it trained stays", asked, StringComparison.Ordinal);
            await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-status", "Succeeded");
            await session.ScreenshotAsync(page, "before-delete");

            void Confirm(object? sender, IDialog dialog) => _ = dialog.AcceptAsync();
            page.Dialog += Confirm;
            await delete.ClickAsync();
            await page.WaitForURLAsync(new Regex("#/jobs$"));
            page.Dialog -= Confirm;

            await Expect(row).ToHaveCountAsync(0);
            // Back on the Jobs page, which no longer lists it.
            await Expect(page.GetByTestId("jobs-view")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("jobs-page-list")).ToHaveAttributeAsync("aria-busy", "false");
            await Expect(page.Locator($"[data-testid=jobs-page-row][data-job-id='{jobId}']")).ToHaveCountAsync(0);
            await Expect(page.Locator("#models-list")).ToContainTextAsync(name);
            var gone = await page.APIRequest.GetAsync($"api/jobs/{jobId}");
            Assert.Equal(404, gone.Status);
            await session.ScreenshotAsync(page, "after-delete");
            Assert.Empty(session.ConsoleErrors);
        });
    }

    /// <summary>Submits the RBM form with these fields and waits for the job page; the job's id.</summary>
    private static async Task<string> SubmitFromFormAsync(IPage page, string name, int hiddenUnits, int epochs, int limit)
    {
        await page.FillAsync("input[name='name']", name);
        await page.FillAsync("input[name='rbm.hiddenUnits']", $"{hiddenUnits}");
        await page.FillAsync("input[name='rbm.epochs']", $"{epochs}");
        await page.FillAsync("input[name='data.limit']", $"{limit}");
        await page.ClickAsync("#submit-job");
        await page.WaitForURLAsync(JobRoute());
        return new Uri(page.Url).Fragment.Split('/')[^1];
    }

    /// <summary>safetensors: 8-byte little-endian header length, then a JSON header naming the tensors.</summary>
    private static void AssertSafetensorsWithWeights(byte[] body)
    {
        JsonObject header = SafeTensorsTestFile.Parse(body).Header;
        Assert.True(header.TryGetPropertyValue("weights", out var weights), "no 'weights' tensor in the header");
        Assert.IsType<JsonArray>(weights!["shape"]);
        Assert.Equal([49, 256], weights["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray());
    }

    [GeneratedRegex(@"#/jobs/[0-9a-fA-F-]{36}$")]
    private static partial Regex JobRoute();

    [GeneratedRegex(@"api/models/[0-9a-fA-F-]{36}/file$")]
    private static partial Regex ModelFileRoute();
}
