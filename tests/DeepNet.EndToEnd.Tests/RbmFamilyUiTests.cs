using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// The browser scenarios of issue 3 (the RBM family): both homework presets with monitoring and evaluations,
/// one's own data sets, and the lecture's demos. Screenshots go to the temp directory as e2e3-*.png.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class RbmFamilyUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const string ScreenshotPrefix = "e2e3";

    // Jobs run one at a time; a test's job may queue behind another test's on a 2-core machine.
    private const float LiveTimeout = 180_000;

    private const string ImageLoaded = """
        (selector) => {
          const img = document.querySelector(selector);
          return !!img && !img.hidden && !!img.src && img.complete && img.naturalWidth > 0;
        }
        """;

    private const string ChartDrawn = """
        ([selector, points]) => {
          const chart = document.querySelector(selector);
          return !!chart && Number(chart.dataset.points) >= points && !!chart.querySelector('canvas');
        }
        """;

    [Fact]
    public async Task HomeworkOnePresetShowsMonitoringChartsAndMarksUntrainedDigitsInThePerClassTable()
    {
        var session = new BrowserSession(fixture, output, "homework1", ScreenshotPrefix);
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");

            await page.ClickAsync("#preset-homework1");
            await Expect(page.Locator("[data-testid=kind-rbm]")).ToBeCheckedAsync();
            await Expect(page.Locator("[data-testid=per-class]")).ToBeCheckedAsync();
            await Expect(page.Locator("select[name='data.imageSize']")).ToHaveValueAsync("16");
            await session.ScreenshotAsync(page, "form");

            // Tiny settings: two epochs on 1000 digits, 20 test digits per class.
            await page.FillAsync("input[name='name']", "E2E homework 1");
            await page.FillAsync("input[name='rbm.epochs']", "2");
            await page.FillAsync("input[name='data.limit']", "1000");
            await page.FillAsync("input[name='evaluation.perClassLimit']", "20");
            await page.ClickAsync("#submit-job");
            await page.WaitForURLAsync(JobRoute());

            // The settings panel shows the new options too.
            await Expect(page.Locator("#job-settings")).ToContainTextAsync("Per class");
            await Expect(page.Locator("#job-settings")).ToContainTextAsync("Bernoulli");

            // Monitoring from the epoch reports.
            await page.WaitForFunctionAsync(ChartDrawn, new object[] { "#chart-errors", 2 }, new() { Timeout = LiveTimeout });
            await page.WaitForFunctionAsync(ChartDrawn, new object[] { "#chart-pll", 2 }, new() { Timeout = LiveTimeout });
            await page.WaitForFunctionAsync(ChartDrawn, new object[] { "#chart-free-energy", 2 }, new() { Timeout = LiveTimeout });
            await Expect(page.Locator("#heat-strip")).ToHaveAttributeAsync("data-units", "49");
            await Expect(page.Locator("#dead-units")).Not.ToHaveTextAsync("–");
            await Expect(page.Locator("#saturated-units")).Not.ToHaveTextAsync("–");
            foreach (string histogram in new[] { "#hist-weights", "#hist-visibleBias", "#hist-hiddenBias" })
            {
                await Expect(page.Locator(histogram)).Not.ToHaveAttributeAsync("data-bins", "0");
                await Expect(page.Locator($"{histogram} canvas")).ToHaveCountAsync(1);
            }

            // The per-class table: ten digits, those outside 1–5 marked as never trained on.
            var rows = page.Locator("[data-testid=per-class-row]");
            await Expect(rows).ToHaveCountAsync(10, new() { Timeout = LiveTimeout });
            for (int digit = 0; digit <= 9; digit++)
            {
                var row = page.Locator($"[data-testid=per-class-row][data-digit='{digit}']");
                bool trained = digit is >= 1 and <= 5;
                await Expect(row).ToHaveAttributeAsync("data-trained", trained ? "true" : "false");
                if (trained)
                {
                    await Expect(row).Not.ToHaveClassAsync(new Regex("per-class__row--untrained"));
                    await Expect(row).ToContainTextAsync("trained on");
                }
                else
                {
                    await Expect(row).ToHaveClassAsync(new Regex("per-class__row--untrained"));
                    await Expect(row).ToContainTextAsync("not trained on");
                }
            }

            await page.WaitForFunctionAsync(ImageLoaded, "#per-class-img", new() { Timeout = LiveTimeout });
            await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = LiveTimeout });
            await page.Locator("#monitoring").ScrollIntoViewIfNeededAsync();
            await session.ScreenshotAsync(page, "job");
            Assert.Empty(session.ConsoleErrors);
        });
    }

    [Fact]
    public async Task HomeworkTwoPresetAsksForADogPhotoAndReconstructsTheCatFromBinaryAndNonBinaryFeatures()
    {
        // A student of their own: without an upload of theirs the preset must ask for the dog photo.
        var session = new BrowserSession(fixture, output, "homework2", ScreenshotPrefix, $"homework2-{Guid.NewGuid():N}@deepnet.test");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");
            await Expect(page.Locator("#preset-homework2")).ToHaveTextAsync("Homework 2 — train on a dog photo, reconstruct a cat photo");
            await Expect(page.Locator("select[name='patches.trainImage'] option[value='builtin:coffee']")).ToHaveCountAsync(1); // the image list has loaded
            await page.ClickAsync("#preset-homework2");
            await Expect(page.Locator("select[name='patches.trainImage']")).ToHaveValueAsync("");
            await Expect(page.Locator("#form-status")).ToContainTextAsync("upload a photo of a dog");
            await Expect(page.Locator("#err-patches-trainImage")).ToContainTextAsync("upload a photo of a dog");
            await session.ScreenshotAsync(page, "asks-for-a-dog");

            // No dog photo ships with the service: a stand-in upload plays the student's dog.
            var standIn = await (await page.Context.APIRequest.GetAsync("api/images/builtin:rocket")).BodyAsync();
            var form = page.Context.APIRequest.CreateFormData();
            form.Set("file", new FilePayload { Name = "dog.png", MimeType = "image/png", Buffer = standIn });
            form.Set("name", "My dog");
            var upload = await page.Context.APIRequest.PostAsync("api/images", new() { Multipart = form, Headers = fixture.OwnOrigin });
            Assert.True(upload.Ok, await upload.TextAsync());
            string dogId = System.Text.Json.JsonDocument.Parse(await upload.TextAsync()).RootElement.GetProperty("id").GetString()!;

            await page.ReloadAsync();
            await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");
            await Expect(page.Locator($"select[name='patches.trainImage'] option[value='{dogId}']")).ToHaveCountAsync(1);
            await page.ClickAsync("#preset-homework2");
            await Expect(page.Locator("[data-testid=kind-rbm-patches]")).ToBeCheckedAsync();
            await Expect(page.Locator("#patches-group")).ToBeVisibleAsync();
            await Expect(page.Locator("#data-group")).ToBeHiddenAsync();
            await Expect(page.Locator("select[name='patches.trainImage']")).ToHaveValueAsync(dogId);
            await Expect(page.Locator("select[name='patches.testImage']")).ToHaveValueAsync("builtin:chelsea");
            await Expect(page.Locator("input[name='patches.patchSize']")).ToHaveValueAsync("10");
            await Expect(page.Locator("select[name='rbm.visibleType']")).ToHaveValueAsync("Gaussian");
            await Expect(page.Locator("input[name='rbm.hiddenUnits']")).ToHaveValueAsync("49");
            await Expect(page.Locator("#advanced")).ToHaveAttributeAsync("open", "");
            await session.ScreenshotAsync(page, "form");

            // A server error on an advanced option appears next to that field.
            await page.FillAsync("input[name='rbm.sigma']", "0");
            await page.ClickAsync("#submit-job");
            await Expect(page.Locator("#err-rbm-sigma")).Not.ToBeEmptyAsync();
            await Expect(page.Locator("input[name='rbm.sigma']")).ToHaveAttributeAsync("aria-invalid", "true");
            Assert.DoesNotMatch(JobRoute(), page.Url);
            await page.FillAsync("input[name='rbm.sigma']", "1");
            await Expect(page.Locator("#err-rbm-sigma")).ToBeEmptyAsync();

            // Tiny settings: 500 patches, two epochs, a coarse sliding window.
            await page.FillAsync("input[name='name']", "E2E homework 2");
            await page.FillAsync("input[name='patches.patchCount']", "500");
            await page.FillAsync("input[name='rbm.epochs']", "2");
            await page.FillAsync("input[name='patches.stride']", "5");
            await page.ClickAsync("#submit-job");
            await page.WaitForURLAsync(JobRoute());

            await Expect(page.Locator("#job-settings")).ToContainTextAsync("builtin:chelsea");
            await Expect(page.Locator("#job-settings")).ToContainTextAsync("Gaussian");
            var card = page.Locator("#eval-patches");
            await Expect(card).ToBeVisibleAsync(new() { Timeout = LiveTimeout });
            await page.WaitForFunctionAsync(ImageLoaded, "#patch-recon-img", new() { Timeout = LiveTimeout });
            await Expect(page.Locator("[data-testid=patch-binary-error]")).ToHaveTextAsync(new Regex(@"^\d"));
            await Expect(page.Locator("[data-testid=patch-probability-error]")).ToHaveTextAsync(new Regex(@"^\d"));
            await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = LiveTimeout });
            await card.ScrollIntoViewIfNeededAsync();
            await session.ScreenshotAsync(page, "job");
            // The refused submission's 400 is logged by the browser itself; nothing else may be.
            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("400", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task UploadedCsvDataSetIsListedAndAMalformedCsvShowsTheServersReason()
    {
        var session = new BrowserSession(fixture, output, "datasets", ScreenshotPrefix);
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/data");
            await Expect(page.Locator("#data-view")).ToBeVisibleAsync();
            await Expect(page.Locator("#datasets-list")).ToHaveAttributeAsync("aria-busy", "false");
            // The built-in photos are listed with their licences.
            var cat = page.Locator("[data-testid=image-row][data-image-id='builtin:chelsea']");
            await Expect(cat).ToBeVisibleAsync();
            await Expect(cat.Locator(".thumb__licence")).Not.ToBeEmptyAsync();

            // Six labelled rows of four values in [0, 1].
            var csv = new StringBuilder();
            for (int line = 0; line < 6; line++)
            {
                csv.Append(line % 2).Append(',').AppendJoin(',', Enumerable.Range(0, 4).Select(i => ((line + i) % 5 / 4.0).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
            }

            await page.FillAsync("[data-testid=dataset-name]", "E2E tiny csv");
            await page.SelectOptionAsync("[data-testid=dataset-kind]", "csv");
            await page.CheckAsync("[data-testid=dataset-label-column]");
            await page.SetInputFilesAsync("[data-testid=dataset-csv]", new FilePayload { Name = "tiny.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
            await page.ClickAsync("[data-testid=dataset-upload-submit]");

            var row = page.Locator("[data-testid=dataset-row]", new() { HasText = "E2E tiny csv" });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.Locator("[data-testid=dataset-count]")).ToHaveTextAsync("6");
            await Expect(row).ToContainTextAsync("csv");
            await Expect(page.Locator("[data-testid=dataset-upload-error]")).ToBeHiddenAsync();

            // A ragged CSV: the server refuses it and says why; nothing is listed.
            await page.FillAsync("[data-testid=dataset-name]", "E2E broken csv");
            await page.SetInputFilesAsync("[data-testid=dataset-csv]", new FilePayload { Name = "broken.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("0.1,0.2,0.3\n0.4,0.5\n") });
            await page.ClickAsync("[data-testid=dataset-upload-submit]");
            var error = page.Locator("[data-testid=dataset-upload-error]");
            await Expect(error).ToBeVisibleAsync();
            await Expect(error).ToContainTextAsync(new Regex("[Ll]ine 2"));
            await Expect(page.Locator("[data-testid=dataset-row]", new() { HasText = "E2E broken csv" })).ToHaveCountAsync(0);
            await session.ScreenshotAsync(page, "page");

            // The job form offers the new data set as a data source.
            await page.ClickAsync("[data-nav=home]");
            await Expect(page.Locator("[data-testid=data-source] option", new() { HasText = "E2E tiny csv" })).ToHaveCountAsync(1);
            // The refused upload's 400 is logged by the browser itself; nothing else may be.
            Assert.DoesNotContain(session.ConsoleErrors, e => !e.Contains("400", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task FeatureMapsDemoShowsTheMapsOfAModelsFilters()
    {
        Guid modelId = await fixture.SmallDigitModelAsync();
        var session = new BrowserSession(fixture, output, "feature-maps", ScreenshotPrefix);
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/demos");
            await Expect(page.Locator("#demos-view")).ToBeVisibleAsync();
            await Expect(page.Locator($"[data-testid=fm-model] option[value='{modelId}']")).ToHaveCountAsync(1);
            await page.SelectOptionAsync("[data-testid=fm-model]", modelId.ToString());
            await Expect(page.Locator("[data-testid=fm-image]")).ToHaveValueAsync("builtin:chelsea");
            await Expect(page.Locator("#fm-size")).ToHaveValueAsync("175");
            await Expect(page.Locator("#demos-view")).ToContainTextAsync("49 maps of 166×166 from 10×10 filters on a 175×175 image");

            await page.ClickAsync("[data-testid=fm-submit]");
            await page.WaitForFunctionAsync(ImageLoaded, "#fm-img", new() { Timeout = LiveTimeout });
            await Expect(page.Locator("[data-testid=fm-error]")).ToBeHiddenAsync();
            // 16 maps of 160×160 from the model's 16×16 filters.
            await Expect(page.Locator("[data-testid=fm-note]")).ToContainTextAsync("16 maps of 160×160");
            await session.ScreenshotAsync(page, "page");
            Assert.Empty(session.ConsoleErrors);
        });
    }

    [Fact]
    public async Task GibbsDemoStreamsFramesUntilStopped()
    {
        Guid modelId = await fixture.SmallDigitModelAsync();
        var session = new BrowserSession(fixture, output, "gibbs", ScreenshotPrefix);
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/#/demos");
            await Expect(page.Locator($"[data-testid=gibbs-model] option[value='{modelId}']")).ToHaveCountAsync(1);
            await page.SelectOptionAsync("[data-testid=gibbs-model]", modelId.ToString());
            await page.CheckAsync("[data-testid=gibbs-start-digit]");
            await page.FillAsync("[data-testid=gibbs-steps]", "5000");
            await page.FillAsync("[data-testid=gibbs-every]", "5");
            await page.ClickAsync("[data-testid=gibbs-start]");

            await page.WaitForFunctionAsync(
                "() => Number(document.querySelector('#gibbs-img').dataset.frames) >= 2",
                null,
                new() { Timeout = LiveTimeout });
            await page.WaitForFunctionAsync(ImageLoaded, "#gibbs-img");
            await session.ScreenshotAsync(page, "page");

            // Stop (if the stream has not already finished): the button disables and no frame arrives afterwards.
            var stop = page.Locator("[data-testid=gibbs-stop]");
            if (await stop.IsEnabledAsync())
            {
                await stop.ClickAsync();
            }

            await Expect(stop).ToBeDisabledAsync();
            await Expect(page.Locator("[data-testid=gibbs-start]")).ToBeEnabledAsync();
            string frames = await page.Locator("#gibbs-img").GetAttributeAsync("data-frames") ?? "";
            await page.WaitForTimeoutAsync(500);
            Assert.Equal(frames, await page.Locator("#gibbs-img").GetAttributeAsync("data-frames"));
            Assert.Empty(session.ConsoleErrors);
        });
    }

    [GeneratedRegex(@"#/jobs/[0-9a-fA-F-]{36}$")]
    private static partial Regex JobRoute();
}
