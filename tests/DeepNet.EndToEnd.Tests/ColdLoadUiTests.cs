using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Issue 14, fast pages: a cold load of the main page transfers a fraction of what it did before compression,
/// fingerprinted assets and per-page modules, and a reload fetches no static asset again.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ColdLoadUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// Bytes received for a signed-in cold load of "/" (76 responses, Chromium's encoded data lengths), measured with
    /// this test on main at 6ae44ce, before compression and versioned assets: every module of every page, uncompressed.
    /// </summary>
    public const long BaselineColdLoadBytes = 721_571;

    [Fact]
    public Task ColdLoadTransfersUnderFortyPercentOfTheBaselineAndAReloadFetchesNoAsset() =>
        new BrowserSession(fixture, output, "cold-load").RunAsync(async page =>
        {
            var network = await NetworkLog.StartAsync(page);
            await page.GotoAsync("/");
            await Assertions.Expect(page.GetByTestId("home-view")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            long bytes = network.ResponseBodyBytes;
            output.WriteLine($"cold load: {network.Responses.Count} responses, {bytes} body bytes (baseline {BaselineColdLoadBytes})");
            foreach (var response in network.Responses)
            {
                output.WriteLine($"  {response.Status} {response.EncodedBytes,8} {response.Url}");
            }

            Assert.True(bytes < 0.4 * BaselineColdLoadBytes, $"the cold load transferred {bytes} bytes, {100.0 * bytes / BaselineColdLoadBytes:F0} % of the baseline {BaselineColdLoadBytes}");

            network.Clear();
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByTestId("home-view")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var refetched = network.Responses
                .Where(r => r.IsStaticAsset(fixture.Server.BaseAddress) && !r.FromCache)
                .Select(r => $"{r.Status} {r.Url}")
                .ToList();
            Assert.True(refetched.Count == 0, $"the reload fetched static assets again:{Environment.NewLine}{string.Join(Environment.NewLine, refetched)}");
        });
}
