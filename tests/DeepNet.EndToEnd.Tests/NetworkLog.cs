using System.Text.Json;
using Microsoft.Playwright;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// What a page fetched, from Chromium's DevTools protocol: each response's URL, status, bytes on the wire and whether
/// it came from the browser's cache (Playwright's own events do not say the latter).
/// </summary>
public sealed class NetworkLog
{
    private readonly Dictionary<string, LoggedResponse> _byRequest = [];
    private readonly object _gate = new();

    private NetworkLog()
    {
    }

    public IReadOnlyList<LoggedResponse> Responses
    {
        get
        {
            lock (_gate)
            {
                return [.. _byRequest.Values];
            }
        }
    }

    /// <summary>Encoded (compressed) body bytes of every finished response that came over the network.</summary>
    public long ResponseBodyBytes => Responses.Where(r => !r.FromCache).Sum(r => r.EncodedBytes);

    public static async Task<NetworkLog> StartAsync(IPage page)
    {
        var log = new NetworkLog();
        var session = await page.Context.NewCDPSessionAsync(page);
        session.Event("Network.responseReceived").OnEvent += (_, e) => log.Received(e);
        session.Event("Network.requestServedFromCache").OnEvent += (_, e) => log.ServedFromCache(e);
        session.Event("Network.loadingFinished").OnEvent += (_, e) => log.Finished(e);
        await session.SendAsync("Network.enable");
        return log;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _byRequest.Clear();
        }
    }

    private void Received(JsonElement? e)
    {
        if (e is not { } args)
        {
            return;
        }

        string id = args.GetProperty("requestId").GetString()!;
        var response = args.GetProperty("response");
        bool cached = (response.TryGetProperty("fromDiskCache", out var disk) && disk.GetBoolean())
            || (response.TryGetProperty("fromMemoryCache", out var memory) && memory.GetBoolean());
        lock (_gate)
        {
            var known = _byRequest.GetValueOrDefault(id);
            _byRequest[id] = new LoggedResponse(
                response.GetProperty("url").GetString()!,
                response.GetProperty("status").GetInt32(),
                args.GetProperty("type").GetString() ?? "",
                cached || known?.FromCache == true,
                known?.EncodedBytes ?? 0);
        }
    }

    private void ServedFromCache(JsonElement? e)
    {
        if (e is not { } args)
        {
            return;
        }

        string id = args.GetProperty("requestId").GetString()!;
        lock (_gate)
        {
            _byRequest[id] = (_byRequest.GetValueOrDefault(id) ?? new LoggedResponse("", 200, "", true, 0)) with { FromCache = true };
        }
    }

    private void Finished(JsonElement? e)
    {
        if (e is not { } args)
        {
            return;
        }

        string id = args.GetProperty("requestId").GetString()!;
        long bytes = (long)args.GetProperty("encodedDataLength").GetDouble();
        lock (_gate)
        {
            if (_byRequest.TryGetValue(id, out var known))
            {
                _byRequest[id] = known with { EncodedBytes = bytes };
            }
        }
    }
}

/// <param name="Url">The response's URL.</param>
/// <param name="Status">HTTP status (304 for a revalidation).</param>
/// <param name="Type">DevTools resource type: Document, Script, Stylesheet, Fetch, Image…</param>
/// <param name="FromCache">Served from the memory or disk cache without asking the server.</param>
/// <param name="EncodedBytes">Bytes received on the wire for it (headers and compressed body).</param>
public sealed record LoggedResponse(string Url, int Status, string Type, bool FromCache, long EncodedBytes)
{
    /// <summary>A file of wwwroot other than the page itself (scripts, styles, images, fonts).</summary>
    public bool IsStaticAsset(Uri server) =>
        Url.StartsWith(server.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
        && Type is not ("Document" or "Fetch" or "XHR" or "WebSocket" or "EventSource")
        && !new Uri(Url).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)
        && !new Uri(Url).AbsolutePath.StartsWith("/hubs/", StringComparison.Ordinal);
}
