using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Issue 14, the docs: README.md and docs/*.md say only what is true. Every relative link resolves, every configuration
/// key they name exists (in appsettings.json or in the server's code), and every shell block marked
/// <c>&lt;!-- test: run --&gt;</c> runs, as written, against a started server.
/// </summary>
public sealed partial class DocsTests(ITestOutputHelper output)
{
    private const string DocumentedHost = "localhost:5080";

    private const string FailOnHttpErrors = """
        shopt -s expand_aliases
        curl() { command curl --fail-with-body "$@"; }

        """;

    /// <summary>What api.md tells a reader to do once: sign in and let every curl carry the token.</summary>
    private const string SignedIn = """
        curl -s -X POST http://localhost:5080/api/auth/register -H 'Content-Type: application/json' -d '{"email":"reader@example.com","password":"Deep-net-2026"}'
        TOKEN=$(curl -s -X POST http://localhost:5080/api/auth/login -H 'Content-Type: application/json' -d '{"email":"reader@example.com","password":"Deep-net-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
        alias curl='curl -H "Authorization: Bearer $TOKEN"'

        """;
    private static readonly TimeSpan BlockTimeout = TimeSpan.FromMinutes(3);

    public static TheoryData<string> Pages() => [.. MarkdownPages().Select(p => Path.GetRelativePath(RepositoryRoot, p))];

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLinkResolves(string page)
    {
        string path = Path.Combine(RepositoryRoot, page);
        string text = WithoutCode(File.ReadAllText(path));
        var broken = new List<string>();
        foreach (Match link in MarkdownLink().Matches(text))
        {
            string target = link.Groups["target"].Value;
            if (target.StartsWith('#') || UriScheme().IsMatch(target))
            {
                continue;
            }

            string file = target.Split('#')[0];
            string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add(target);
                continue;
            }

            if (target.Split('#') is [_, var anchor] && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(resolved).Contains(anchor))
            {
                broken.Add(target);
            }
        }

        Assert.True(broken.Count == 0, $"{page} links to what does not exist: {string.Join(", ", broken)}");
    }

    [Fact]
    public void EveryConfigurationKeyTheDocsNameExists()
    {
        var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "src/DeepNet.Server/appsettings.json"))).RootElement;
        string code = string.Join('\n', Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/Migrations/", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var named = MarkdownPages()
            .SelectMany(page => ConfigurationKey().Matches(File.ReadAllText(page)).Select(m => (Page: Path.GetFileName(page), Key: m.Groups["key"].Value)))
            .Distinct()
            .ToList();
        Assert.True(named.Count >= 10, $"Expected the docs to name the settings they describe; found {named.Count}.");
        var unknown = named.Where(n => !Exists(n.Key.Replace("__", ":", StringComparison.Ordinal).Split(':'), settings, code)).ToList();
        Assert.True(unknown.Count == 0, $"Settings named in the docs that neither appsettings.json nor the code has: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void TheReadmesRunAndTestCommandsAreTheOnesTheRepositoryUses()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        Assert.Contains("dotnet run -c Release --project src/DeepNet.Server\n", readme, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot, "src/DeepNet.Server/DeepNet.Server.csproj")));

        // .ci/run runs the README's test command (with its loggers and without building twice).
        const string testCommand = "dotnet test DeepNetService.sln";
        Assert.Contains($"```sh\n{testCommand}\n```", readme, StringComparison.Ordinal);
        Assert.Contains($"{testCommand} -c Release --no-build", File.ReadAllText(Path.Combine(RepositoryRoot, ".ci/run")), StringComparison.Ordinal);
    }

    /// <summary>
    /// Each page's runnable blocks run in order in one shell, as a reader follows the page: every curl fails on an HTTP
    /// error status, and a page whose blocks do not sign in starts signed in as api.md shows (TOKEN and the alias).
    /// Benchmarks (performance.md) and builds (architecture.md, testing.md) take minutes and are not marked.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task EveryRunnableShellBlockRunsAgainstAStartedServer()
    {
        var pages = MarkdownPages()
            .Select(page => (Page: Path.GetFileName(page), Blocks: RunnableBlock().Matches(File.ReadAllText(page)).Select(m => m.Groups["script"].Value).ToList()))
            .Where(p => p.Blocks.Count > 0)
            .ToList();
        Assert.Equal(["README.md", "api.md", "deployment.md", "science.md"], pages.Select(p => p.Page).Order(StringComparer.Ordinal));

        await using var server = await ServerProcess.StartAsync(TimeSpan.FromSeconds(90));
        string address = server.BaseAddress.GetLeftPart(UriPartial.Authority)["http://".Length..];
        foreach (var (page, blocks) in pages)
        {
            string workDirectory = Path.Combine(server.DataDirectory, $"docs-{page}");
            Directory.CreateDirectory(workDirectory);
            string script = string.Join('\n', blocks);
            string preamble = script.Contains("/api/auth/login", StringComparison.Ordinal) ? FailOnHttpErrors : FailOnHttpErrors + SignedIn;
            var (exitCode, log) = await RunAsync((preamble + script).Replace(DocumentedHost, address, StringComparison.Ordinal), workDirectory);
            output.WriteLine($"--- {page}\n{log}");
            Assert.True(exitCode == 0, $"The runnable blocks of {page} exited with {exitCode}:\n{script}\n{log}\nServer:\n{server.RecentOutput}");
        }
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string script, string workDirectory)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-e");
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start bash.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(BlockTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {BlockTimeout}\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, $"{await stdout}\n{await stderr}");
    }

    /// <summary>A key exists when appsettings.json has it, or the code names its section and declares or names the key.</summary>
    private static bool Exists(string[] path, JsonElement settings, string code)
    {
        var node = settings;
        bool inSettings = true;
        foreach (string part in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.EnumerateObject().Any(p => p.NameEquals(part)))
            {
                inSettings = false;
                break;
            }

            node = node.GetProperty(part);
        }

        if (inSettings)
        {
            return true;
        }

        string section = path[0];
        string key = path[^1];
        bool sectionInCode = section == "ConnectionStrings" || code.Contains($"\"{section}\"", StringComparison.Ordinal) || code.Contains($"\"{section}:", StringComparison.Ordinal);
        bool keyInCode = Regex.IsMatch(code, $@"\b{Regex.Escape(key)}\s*{{\s*get") || code.Contains($"\"{key}\"", StringComparison.Ordinal)
            || code.Contains($":{key}\"", StringComparison.Ordinal);
        return sectionInCode && keyInCode;
    }

    /// <summary>GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static HashSet<string> Anchors(string page) =>
        [.. File.ReadLines(page).Where(l => l.StartsWith('#'))
            .Select(l => AnchorDropped().Replace(l.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-'))];

    private static string WithoutCode(string markdown) => CodeBlock().Replace(markdown, "");

    private static IEnumerable<string> MarkdownPages() =>
        [Path.Combine(RepositoryRoot, "README.md"), .. Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        string? configured = typeof(DocsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        for (var directory = new DirectoryInfo(configured ?? AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DeepNetService.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository (DeepNetService.sln) was not found above the test's output.");
    }

    [GeneratedRegex(@"(?<!!)\[[^\]]*\]\((?<target>[^)\s]+)\)|!\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"[^\p{L}\p{Nd} _-]")]
    private static partial Regex AnchorDropped();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"<!-- test: run -->\s*```(?:bash|sh)\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex RunnableBlock();

    /// <summary>"Storage:QuotaMB", "Jobs__MaxRunTime=…", "RateLimits__Auth__PermitLimit": a section and a key.</summary>
    [GeneratedRegex(@"(?<![\w/.$-])(?<key>[A-Z][A-Za-z0-9]*(?:(?::|__)[A-Z][A-Za-z0-9]*)+)(?=[`=\s])")]
    private static partial Regex ConfigurationKey();
}
