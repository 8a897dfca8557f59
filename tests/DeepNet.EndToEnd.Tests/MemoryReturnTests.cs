using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Issue 11: the server process gives memory back after work. A real server process (its RSS from /proc) runs a DBN
/// whose model is near the configured largest model, then serves ten concurrent downloads of it; within a minute its RSS
/// is back within 1.5 × the idle figure measured after the same kinds of work at a small size.
/// </summary>
public sealed class MemoryReturnTests
{
    private const long Megabyte = 1024 * 1024;

    [Trait("Category", "Slow")]
    [Fact]
    public async Task AfterABigJobAndTenConcurrentDownloadsTheServerReturnsToNearItsIdleMemoryWithinAMinute()
    {
        await using var server = await ServerProcess.StartAsync(TimeSpan.FromSeconds(90), new Dictionary<string, string> { ["Jobs__MaxModelMB"] = "64" });
        using var http = await SignedInClientAsync(server);

        // Warm: every code path once at a small size, then settled.
        Guid small = await TrainAsync(http, hiddenUnits: 32);
        await DownloadAsync(http, small);
        await Task.Delay(TimeSpan.FromSeconds(12));
        long idle = server.ResidentBytes;

        // Two 2048-unit layers: a 44 MB model file under the 64 MB limit set above.
        Guid big = await TrainAsync(http, hiddenUnits: 2048);
        long size = 0;
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ => Interlocked.Exchange(ref size, await DownloadAsync(http, big))));
        Assert.True(size > 32 * Megabyte, $"the model file is {size / Megabyte} MB");
        long afterBurst = server.ResidentBytes;

        long now = afterBurst;
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (now > idle * 3 / 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            now = server.ResidentBytes;
        }

        Assert.True(
            now <= idle * 3 / 2,
            $"RSS {now / Megabyte} MB a minute after the burst ({afterBurst / Megabyte} MB right after it) is over 1.5 × idle {idle / Megabyte} MB.");
    }

    private static async Task<HttpClient> SignedInClientAsync(ServerProcess server)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var account = new { email = "memory@deepnet.test", password = "Deep-net-2026" };
        (await http.PostAsJsonAsync("api/auth/register", account)).EnsureSuccessStatusCode();
        var login = await http.PostAsJsonAsync("api/auth/login", account);
        login.EnsureSuccessStatusCode();
        string token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<Guid> TrainAsync(HttpClient http, int hiddenUnits)
    {
        var submitted = await http.PostAsJsonAsync("api/jobs", new
        {
            name = $"dbn {hiddenUnits}",
            kind = "dbn",
            data = new { limit = 300 },
            dbn = new
            {
                layers = new[] { new { hiddenUnits }, new { hiddenUnits } },
                pretraining = "none",
                fineTuning = "global",
                backprop = new { learningRate = 0.01, momentum = 0.9, batchSize = 50, epochs = 1 },
                validation = 100,
                testLimit = 200,
                seed = 1,
            },
        });
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Guid id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            var job = await http.GetFromJsonAsync<JsonElement>($"api/jobs/{id}");
            switch (job.GetProperty("status").GetString())
            {
                case "Succeeded":
                    return job.GetProperty("modelId").GetGuid();
                case "Failed" or "Canceled":
                    Assert.Fail($"job {id}: {job.GetProperty("error")}");
                    break;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"job {id} did not finish in 5 minutes");
    }

    private static async Task<long> DownloadAsync(HttpClient http, Guid modelId)
    {
        using var response = await http.GetAsync($"api/models/{modelId}/file", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
