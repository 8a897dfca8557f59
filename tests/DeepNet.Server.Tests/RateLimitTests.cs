using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Tests;

/// <summary>Issue 11 point 3: the rate limits answer 429 with Retry-After and a ProblemDetails, and refuse before anything is stored.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task SignInAttemptsFromOneAddressPastTheLimitGet429WithRetryAfter()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string>
        {
            ["RateLimits:Auth:PermitLimit"] = "3",
            ["RateLimits:Auth:Window"] = "00:05:00",
        });
        var client = app.CreateAnonymousClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (int i = 0; i < 4; i++)
        {
            last = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@deepnet.test", password = "wrong-Password-1" }, TestApp.Json);
            statuses.Add(last.StatusCode);
        }

        Assert.All(statuses.Take(3), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        var problem = await last.Content.ReadFromJsonAsync<ProblemDetails>(TestApp.Json);
        Assert.Equal("Too many requests", problem!.Title);
        Assert.Contains("Try again in", problem.Detail);
    }

    [Fact]
    public async Task JobSubmissionsPastThePerUserLimitGet429AndStoreNothing()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string>
        {
            ["RateLimits:Submit:PermitLimit"] = "2",
            ["RateLimits:Submit:Window"] = "00:05:00",
        });
        var first = await app.CreateClientAsync("first@deepnet.test");
        var other = await app.CreateClientAsync("other@deepnet.test");
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
        {
            statuses.Add((await first.PostAsJsonAsync("/api/jobs", TestApp.SmallJob(epochs: 1), TestApp.Json)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, (await first.GetFromJsonAsync<List<Contracts.JobSummaryDto>>("/api/jobs", TestApp.Json))!.Count);
        // The limit is per user: a classmate still submits.
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync("/api/jobs", TestApp.SmallJob(epochs: 1), TestApp.Json)).StatusCode);
    }
}
