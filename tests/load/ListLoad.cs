// A closed-loop HTTP load driver for one URL: CONNECTIONS clients each send the next request as soon as the last
// answered, for SECONDS; prints requests/s and the latency percentiles. Run by list-load.sh (`dotnet run ListLoad.cs`).
//   dotnet run ListLoad.cs -- URL TOKEN [CONNECTIONS=8] [SECONDS=10] [conditional]
// "conditional" sends the ETag of a first answer as If-None-Match, as a browser revalidating its copy does.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

string url = args[0];
string token = args[1];
int connections = args.Length > 2 ? int.Parse(args[2]) : 8;
int seconds = args.Length > 3 ? int.Parse(args[3]) : 10;
bool conditional = args.Length > 4 && args[4] == "conditional";

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, AutomaticDecompression = DecompressionMethods.All };
using var http = new HttpClient(handler);
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");

EntityTagHeaderValue? etag = null;
using (var first = await http.GetAsync(url))
{
    first.EnsureSuccessStatusCode();
    etag = first.Headers.ETag;
    Console.Error.WriteLine($"{url}: {(int)first.StatusCode}, {(await first.Content.ReadAsByteArrayAsync()).Length} bytes, ETag {etag}");
}

int errors = 0;
// A few seconds first that do not count: the server's JIT and caches warm up on this endpoint.
await RunAsync(Math.Min(3, seconds), new List<double>[connections]);
errors = 0;
var latencies = new List<double>[connections];
var deadline = Stopwatch.StartNew();
await RunAsync(seconds, latencies);
double elapsed = deadline.Elapsed.TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
Console.WriteLine($"{url}{(conditional ? " (If-None-Match)" : "")}: {all.Length / elapsed:F0} requests/s, p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms, {errors} errors, {connections} connections, {elapsed:F0} s");
return errors == 0 ? 0 : 1;

Task RunAsync(int runSeconds, List<double>[] into) => Task.WhenAll(Enumerable.Range(0, connections).Select(async i =>
{
    var clock = Stopwatch.StartNew();
    var mine = into[i] = new List<double>(100_000);
    while (clock.Elapsed.TotalSeconds < runSeconds)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (conditional && etag is not null)
        {
            request.Headers.IfNoneMatch.Add(etag);
        }

        long start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        await response.Content.CopyToAsync(Stream.Null);
        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        if (!(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified))
        {
            Interlocked.Increment(ref errors);
        }
    }
}));
