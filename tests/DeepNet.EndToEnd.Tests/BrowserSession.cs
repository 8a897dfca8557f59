using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// One page for one test: records console errors and uncaught exceptions, fails the test on any Content-Security-Policy
/// violation, writes screenshots to the temp directory (&lt;prefix&gt;-*.png, e2e-*.png by default), and on failure adds a
/// screenshot and the server's recent log to the exception.
/// </summary>
public sealed class BrowserSession(EndToEndFixture fixture, ITestOutputHelper output, string name, string prefix = "e2e", string email = EndToEndFixture.DefaultUser)
{
    /// <summary>
    /// Reports every violation of the page's Content-Security-Policy as a console error that names it (Chromium also
    /// logs its own "Refused to … Content Security Policy" line; the event catches what it logs differently).
    /// </summary>
    public const string ReportPolicyViolations = """
        document.addEventListener('securitypolicyviolation', (e) =>
          console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    private readonly List<string> _consoleErrors = [];

    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (_consoleErrors)
            {
                return [.. _consoleErrors];
            }
        }
    }

    /// <summary>The console errors that report a Content-Security-Policy violation.</summary>
    public IReadOnlyList<string> PolicyViolations => [.. ConsoleErrors.Where(IsPolicyViolation)];

    public static bool IsPolicyViolation(string consoleError) => consoleError.Contains("Content Security Policy", StringComparison.Ordinal);

    public static string ScreenshotPath(string name, string prefix = "e2e") => Path.Combine(Path.GetTempPath(), $"{prefix}-{name}.png");

    public async Task RunAsync(Func<IPage, Task> test)
    {
        IPage page = await fixture.NewPageAsync(email);
        await page.AddInitScriptAsync(ReportPolicyViolations);
        page.Console += (_, message) =>
        {
            output.WriteLine($"[console.{message.Type}] {message.Text}");
            if (message.Type == "error")
            {
                lock (_consoleErrors)
                {
                    _consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            output.WriteLine($"[pageerror] {error}");
            lock (_consoleErrors)
            {
                _consoleErrors.Add($"uncaught: {error}");
            }
        };

        try
        {
            await test(page);
            Assert.True(PolicyViolations.Count == 0, $"The page broke its Content-Security-Policy:{Environment.NewLine}{string.Join(Environment.NewLine, PolicyViolations)}");
        }
        catch (Exception failure)
        {
            string screenshot = ScreenshotPath($"{name}-failure", prefix);
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            }
            catch (PlaywrightException)
            {
                screenshot = "(screenshot failed)";
            }

            output.WriteLine($"Failure screenshot: {screenshot}");
            output.WriteLine("Server log (most recent lines):");
            output.WriteLine(fixture.Server.RecentOutput);
            throw new InvalidOperationException(
                $"{failure.Message}{Environment.NewLine}Screenshot: {screenshot}{Environment.NewLine}Server log:{Environment.NewLine}{Tail(fixture.Server.RecentOutput, 40)}",
                failure);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    public async Task ScreenshotAsync(IPage page, string shot)
    {
        string path = ScreenshotPath($"{name}-{shot}", prefix);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"Screenshot: {path}");
    }

    private static string Tail(string text, int lines) =>
        string.Join(Environment.NewLine, text.Split(Environment.NewLine).TakeLast(lines));
}
