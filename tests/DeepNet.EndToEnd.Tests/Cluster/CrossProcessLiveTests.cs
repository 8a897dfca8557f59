using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeepNet.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests.Cluster;

/// <summary>
/// Issue 12 point 6: two server processes over one PostgreSQL database and one Redis. Web node 1 runs no jobs
/// (Jobs:Workers=0); node 2 trains. Watchers on node 1 — a real SignalR client, a late joiner and a browser — see the job
/// node 2 trains live; with Redis gone, node 2 reports Degraded and keeps training.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CrossProcessLiveTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Live = TimeSpan.FromSeconds(120);

    [ClusterFact(NeedsRedis = true)]
    public async Task WatchersOnAWebNodeSeeLiveUpdatesOfAJobTrainedByAnotherProcess()
    {
        await using var postgres = await PostgresCluster.StartAsync();
        var redis = await RedisServer.StartAsync();
        try
        {
            string database = $"{postgres.Connection};Database=deepnet_live_{Guid.NewGuid():N}";
            Dictionary<string, string> Node(int workers) => new()
            {
                ["Database__Provider"] = "postgres",
                ["ConnectionStrings__DeepNet"] = database,
                ["Redis__Connection"] = redis.Connection,
                ["Jobs__Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };

            // Node 1 first: it migrates the database the second one then finds ready.
            await using var web = await ServerProcess.StartAsync(TimeSpan.FromSeconds(120), Node(workers: 0));
            await using var worker = await ServerProcess.StartAsync(TimeSpan.FromSeconds(120), Node(workers: 1));
            try
            {
                await RunScenarioAsync(web, worker, redis);
            }
            catch
            {
                output.WriteLine($"--- node 1 (web) ---{Environment.NewLine}{web.RecentOutput}");
                output.WriteLine($"--- node 2 (worker) ---{Environment.NewLine}{worker.RecentOutput}");
                throw;
            }
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    private async Task RunScenarioAsync(ServerProcess web, ServerProcess worker, RedisServer redis)
    {
        const string email = "live-watcher@deepnet.test";
        using var webHttp = await SignedInAsync(web, email, register: true);
        using var workerHttp = await SignedInAsync(worker, email, register: false);
        Assert.Contains("\"redis\":\"Healthy\"", await webHttp.GetStringAsync("health"));

        // Submitted on node 2, whose worker takes it at once; node 1 has none.
        using var created = await workerHttp.PostAsJsonAsync("api/jobs", new
        {
            name = "Trained on node 2",
            rbm = new { hiddenUnits = 100, epochs = 40, batchSize = 20, learningRate = 0.05, seed = 7 },
            data = new { dataset = "mnist", split = "train", limit = 6000, imageSize = 16, binarizeThreshold = 0.5 },
        });
        string body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        string jobId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

        await using var first = await HubWatcher.ConnectAsync(web.BaseAddress, webHttp.DefaultRequestHeaders.Authorization!.Parameter!);
        await first.WatchJobAsync(jobId);
        // With Redis a live update may arrive just before the Snapshot (which then includes it).
        await first.WaitUntilAsync(m => m.Any(x => x.Name == "Snapshot"), Live, "the snapshot");

        await first.WaitUntilAsync(
            m => m.Count(x => x.Name == "Progress") >= 3 && m.Any(x => x.Name == "EpochCompleted") && m.Any(x => x.Name == "Image"),
            Live, "progress, an epoch and an image from node 2");
        Assert.All(first.Received.Where(m => m.Name != "Snapshot"), m => Assert.Equal(jobId, JobIdOf(m.Name, m.Payload)));

        // A late joiner on node 1 gets node 2's live state in its snapshot, then live updates.
        await using var late = await HubWatcher.ConnectAsync(web.BaseAddress, webHttp.DefaultRequestHeaders.Authorization!.Parameter!);
        await late.WatchJobAsync(jobId);
        await late.WaitUntilAsync(m => m.Any(x => x.Name == "Snapshot"), Live, "the late joiner's snapshot");
        var snapshot = late.Received.First(m => m.Name == "Snapshot").Payload;
        var job = snapshot.GetProperty("job");
        Assert.Equal("Running", job.GetProperty("status").GetString());
        Assert.True(job.GetProperty("progress").GetProperty("batch").GetInt32() > 0, "the snapshot carries node 2's progress");
        Assert.NotEmpty(job.GetProperty("history").EnumerateArray());
        Assert.Contains(snapshot.GetProperty("images").EnumerateArray(), i => i.GetProperty("kind").GetString() == "filters" && i.GetProperty("pngBase64").GetString()!.Length > 100);
        int progressBefore = late.Count("Progress");
        await late.WaitUntilAsync(m => m.Count(x => x.Name == "Progress") >= progressBefore + 3, Live, "the late joiner's live progress");

        // Node 1 answers HTTP reads of the running job with node 2's progress and latest image.
        using (var read = JsonDocument.Parse(await webHttp.GetStringAsync($"api/jobs/{jobId}")))
        {
            Assert.Equal(JsonValueKind.Object, read.RootElement.GetProperty("progress").ValueKind);
        }

        using (var image = await webHttp.GetAsync($"api/jobs/{jobId}/images/filters"))
        {
            Assert.True(image.IsSuccessStatusCode, $"GET the live filters image on node 1 answered {(int)image.StatusCode}");
        }

        await BrowserShowsLiveProgressAsync(web, email, jobId);

        // Redis gone: node 2 says so and keeps training.
        await redis.DisposeAsync();
        await WaitAsync(async () => (await workerHttp.GetStringAsync("health")).Contains("\"redis\":\"Degraded\"", StringComparison.Ordinal), "node 2 to report Redis degraded");
        double fraction = await FractionAsync(workerHttp, jobId);
        await WaitAsync(async () => await FractionAsync(workerHttp, jobId) > fraction, "training to go on without Redis");
        using var canceled = await workerHttp.PostAsync($"api/jobs/{jobId}/cancel", null);
        Assert.True(canceled.IsSuccessStatusCode, await canceled.Content.ReadAsStringAsync());
    }

    private async Task BrowserShowsLiveProgressAsync(ServerProcess web, string email, string jobId)
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"[console.{message.Type}] {message.Text}");
        var login = await page.APIRequest.PostAsync("api/auth/login?useCookies=true", new() { DataObject = new { email, password = EndToEndFixture.Password } });
        Assert.True(login.Ok, $"signing in on node 1 answered {login.Status}");

        await page.GotoAsync($"/#/jobs/{jobId}");
        await Expect(page.Locator("#connection-status")).ToHaveAttributeAsync("data-state", "connected");
        await Expect(page.Locator("#job-status")).ToHaveAttributeAsync("data-status", "Running");
        var batch = page.Locator("#stat-batch");
        await Expect(batch).Not.ToHaveTextAsync("–");
        await page.WaitForFunctionAsync(
            "() => { const img = document.querySelector('#filters-img'); return !!img && !img.hidden && img.src.startsWith('data:image/png;base64,'); }");
        // Live: the shown progress moves without a reload.
        double shown = await page.Locator("#job-progress").EvaluateAsync<double>("e => e.value");
        await page.WaitForFunctionAsync($"() => document.querySelector('#job-progress').value > {shown.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        await page.ScreenshotAsync(new() { Path = BrowserSession.ScreenshotPath("cross-process-live") });
        Assert.Matches(new Regex(@"\d"), await batch.TextContentAsync() ?? "");
    }

    private static async Task<HttpClient> SignedInAsync(ServerProcess server, string email, bool register)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (register)
        {
            using var registered = await http.PostAsJsonAsync("api/auth/register", new { email, password = EndToEndFixture.Password, displayName = "live-watcher" });
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        }

        // Each node signs its own tokens (its own data-protection keys); the account is the shared database's.
        using var login = await http.PostAsJsonAsync("api/auth/login", new { email, password = EndToEndFixture.Password });
        string text = await login.Content.ReadAsStringAsync();
        Assert.True(login.IsSuccessStatusCode, text);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(text).RootElement.GetProperty("accessToken").GetString());
        return http;
    }

    private static async Task<double> FractionAsync(HttpClient http, string jobId)
    {
        using var job = JsonDocument.Parse(await http.GetStringAsync($"api/jobs/{jobId}"));
        return job.RootElement.GetProperty("progress") is { ValueKind: JsonValueKind.Object } progress ? progress.GetProperty("fraction").GetDouble() : 0;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > Live)
            {
                throw new TimeoutException($"Waited {Live.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(250);
        }
    }

    private static string? JobIdOf(string message, JsonElement payload) =>
        message == "StatusChanged" ? payload.GetProperty("id").GetString() : payload.GetProperty("jobId").GetString();
}
