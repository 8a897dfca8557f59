using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// One server process and one headless Debian Chromium shared by every end-to-end test.
/// Playwright only drives the browser: it never downloads one.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    private const string DefaultChromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private readonly SemaphoreSlim _smallModelLock = new(1, 1);
    // Two tests registering the same new user at once would race on Identity's unique user name.
    private readonly SemaphoreSlim _registrationLock = new(1, 1);
    private Guid? _smallModelId;
    private ServerProcess? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // Expect() waits 5 s by default: too short for a cold server on 2 busy cores.
        Assertions.SetDefaultExpectTimeout(30_000);
        string chromium = Environment.GetEnvironmentVariable("DEEPNET_E2E_CHROMIUM") is { Length: > 0 } path ? path : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {chromium}. Install Debian's build with `apt-get install -y chromium` (or set DEEPNET_E2E_CHROMIUM).");
        }

        Task<ServerProcess> server = ServerProcess.StartAsync(TimeSpan.FromSeconds(90));
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        _server = await server;
    }

    public const string DefaultUser = "e2e-student@deepnet.test";
    public const string Password = "Deep-net-2026";

    /// <summary>A page in a fresh browser context signed in (with Identity's cookie) as <see cref="DefaultUser"/>.</summary>
    public Task<IPage> NewPageAsync() => NewPageAsync(DefaultUser);

    /// <summary>A page in a fresh browser context signed in as <paramref name="email"/>, registered on first use.</summary>
    public async Task<IPage> NewPageAsync(string email)
    {
        IPage page = await NewAnonymousPageAsync();
        await RegisterAsync(page.Context.APIRequest, email);
        IAPIResponse login = await page.Context.APIRequest.PostAsync("api/auth/login?useCookies=true", new() { DataObject = new { email, password = Password } });
        if (!login.Ok)
        {
            throw new InvalidOperationException($"Signing in {email} failed with {login.Status}: {await login.TextAsync()}");
        }

        return page;
    }

    /// <summary>
    /// The Origin header the UI's own fetches carry, for writes a test sends with a page's cookies through Playwright's
    /// API requests (which send none): a cookie-authenticated write without it is refused as cross-site.
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> OwnOrigin => [new("Origin", Server.BaseAddress.GetLeftPart(UriPartial.Authority))];

    /// <summary>A bearer token of <paramref name="email"/> (registered on first use) for HTTP calls outside the browser.</summary>
    public async Task<string> AccessTokenAsync(string email = DefaultUser)
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await _registrationLock.WaitAsync();
        try
        {
            using var registered = await http.PostAsJsonAsync("api/auth/register", new { email, password = Password, displayName = DisplayName(email) });
            string body = await registered.Content.ReadAsStringAsync();
            if (!registered.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Registering {email} failed with {(int)registered.StatusCode}: {body}");
            }
        }
        finally
        {
            _registrationLock.Release();
        }

        using var login = await http.PostAsJsonAsync("api/auth/login", new { email, password = Password });
        string text = await login.Content.ReadAsStringAsync();
        return login.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.GetProperty("accessToken").GetString()!
            : throw new InvalidOperationException($"Signing in {email} failed with {(int)login.StatusCode}: {text}");
    }

    /// <summary>
    /// The display name the fixture registers <paramref name="email"/> with: its local part ("teacher-1a2b3c4d"), which
    /// is what other users see in its place. Registering a taken address answers 200 and changes nothing.
    /// </summary>
    public static string DisplayName(string email) => email[..email.IndexOf('@', StringComparison.Ordinal)];

    /// <summary>A fresh browser context (no shared storage, signed in as nobody) whose relative URLs resolve against the server.</summary>
    public async Task<IPage> NewAnonymousPageAsync()
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    private async Task RegisterAsync(IAPIRequestContext request, string email)
    {
        await _registrationLock.WaitAsync();
        try
        {
            IAPIResponse registered = await request.PostAsync("api/auth/register", new() { DataObject = new { email, password = Password, displayName = DisplayName(email) } });
            string body = await registered.TextAsync();
            if (!registered.Ok)
            {
                throw new InvalidOperationException($"Registering {email} failed with {registered.Status}: {body}");
            }
        }
        finally
        {
            _registrationLock.Release();
        }
    }

    /// <summary>
    /// A tiny trained model (16 hidden units on 500 binarized 16×16 digits, one epoch), trained once over HTTP and
    /// shared by the demo tests: its 16×16 filters are square, as the feature-map demo needs.
    /// </summary>
    public async Task<Guid> SmallDigitModelAsync()
    {
        await _smallModelLock.WaitAsync();
        try
        {
            if (_smallModelId is { } known)
            {
                return known;
            }

            using var http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await AccessTokenAsync());
            using var created = await http.PostAsJsonAsync("api/jobs", new
            {
                name = "E2E demo model",
                rbm = new { hiddenUnits = 16, epochs = 1, batchSize = 20, learningRate = 0.1, seed = 3 },
                data = new { dataset = "mnist", split = "train", limit = 500, imageSize = 16, binarizeThreshold = 0.5 },
            });
            string body = await created.Content.ReadAsStringAsync();
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Creating the demo model's job failed with {(int)created.StatusCode}: {body}");
            }

            string jobId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
            _smallModelId = await WaitForModelAsync(jobId, () => http.GetStringAsync($"api/jobs/{jobId}"));
            return _smallModelId.Value;
        }
        finally
        {
            _smallModelLock.Release();
        }
    }

    /// <summary>The one bound on a job the browser tests train over HTTP; it only guards against a hang.</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The browser tests' one wait for a job: reads its JSON with <paramref name="read"/> until it succeeded and returns
    /// its model id; fails as soon as it ends otherwise, or after <see cref="JobTimeout"/>. The server runs out of
    /// process here, so the test reads the job over HTTP.
    /// </summary>
    public static async Task<Guid> WaitForModelAsync(string jobId, Func<Task<string>> read)
    {
        using var hang = new CancellationTokenSource(JobTimeout);
        while (!hang.IsCancellationRequested)
        {
            using var job = JsonDocument.Parse(await read());
            string status = job.RootElement.GetProperty("status").GetString()!;
            if (status == "Succeeded")
            {
                return job.RootElement.GetProperty("modelId").GetGuid();
            }

            Assert.False(status is "Failed" or "Canceled", $"Job {jobId} ended {status}: {job.RootElement.GetRawText()}");
            await Task.Delay(250, CancellationToken.None);
        }

        throw new TimeoutException($"Job {jobId} did not finish within {JobTimeout}.");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "End-to-end";
}
