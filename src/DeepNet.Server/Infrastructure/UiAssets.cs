using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// How the browser UI (wwwroot) is served so that a cold load is small and a reload fetches nothing again:
/// text answers (files and JSON) compressed with Brotli or gzip; every file of wwwroot also served under
/// <c>/v/{version}/…</c>, where the version is a hash of all of wwwroot, cached for a year as immutable; and
/// index.html — the one file with unversioned URLs — rewritten once at startup to point into the versioned tree and
/// revalidated on every load. The ES modules import each other by relative paths, so they stay in the versioned tree
/// without a build step.
/// </summary>
public static partial class UiAssets
{
    /// <summary>The prefix of versioned asset URLs.</summary>
    public const string VersionedPrefix = "/v";

    /// <summary>Cache-Control of a versioned asset: its URL changes whenever any file of wwwroot does.</summary>
    public const string ImmutableCaching = "public, max-age=31536000, immutable";

    /// <summary>Cache-Control of the page itself: kept, but revalidated with its ETag on every load.</summary>
    public const string PageCaching = "no-cache";

    private const string VersionedItem = "deepnet:versioned-asset";

    public static IServiceCollection AddUiAssets(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // Same-origin pages, and no secret is echoed next to attacker-chosen text in one compressed answer (BREACH).
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["image/svg+xml", "application/problem+json"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        return services;
    }

    /// <summary>Compression, the rewritten index.html, then wwwroot under its versioned and its plain paths.</summary>
    public static WebApplication UseUiAssets(this WebApplication app)
    {
        var files = app.Environment.WebRootFileProvider;
        string version = VersionOf(files);
        bool apiDocs = app.Configuration.GetValue($"{ApiDocument.Section}:Enabled", defaultValue: true);
        var page = IndexPage(files, version, apiDocs);
        var compressed = new CompressedAssets(files);

        app.UseResponseCompression();
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                if (request.Path == "/" || request.Path == "/index.html")
                {
                    return page is null ? next(context) : ServePageAsync(context, page);
                }

                if (request.Path.StartsWithSegments(VersionedPrefix, out var rest)
                    && rest.Value is { } path
                    && path.IndexOf('/', 1) is > 1 and var slash)
                {
                    // An old page after a redeploy asks for an older version: it gets today's file, uncached.
                    bool current = path[1..slash] == version;
                    context.Items[VersionedItem] = current;
                    request.Path = path[slash..];
                    if (current)
                    {
                        return ServeCompressedAsync(context, compressed, next);
                    }
                }
            }

            return next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl =
                file.Context.Items.TryGetValue(VersionedItem, out var current) && current is true ? ImmutableCaching : PageCaching,
        });
        return app;
    }

    /// <summary>A short hash of every file of wwwroot (names and contents).</summary>
    public static string VersionOf(IFileProvider files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, file) in AllFiles(files, "").OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(path));
            using var stream = file.CreateReadStream();
            byte[] buffer = new byte[81920];
            for (int read; (read = stream.Read(buffer)) > 0;)
            {
                hash.AppendData(buffer.AsSpan(0, read));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 6));
    }

    /// <summary>
    /// index.html with its own files' URLs (href="css/…", src="js/…", href="lib/…", the icon) moved into the versioned
    /// tree and whether Swagger is served on the root element (the nav hides its API link otherwise).
    /// </summary>
    public static byte[]? IndexPage(IFileProvider files, string version, bool apiDocs)
    {
        var index = files.GetFileInfo("index.html");
        if (!index.Exists)
        {
            return null;
        }

        using var reader = new StreamReader(index.CreateReadStream());
        string html = OwnFileUrl().Replace(reader.ReadToEnd(), m => $"{m.Groups["attr"].Value}=\"v/{version}/{m.Groups["path"].Value}\"");
        html = html.Replace("<html lang=\"en\">", $"<html lang=\"en\" data-api-docs=\"{(apiDocs ? "on" : "off")}\">", StringComparison.Ordinal);
        return System.Text.Encoding.UTF8.GetBytes(html);
    }

    private static async Task ServeCompressedAsync(HttpContext context, CompressedAssets compressed, RequestDelegate next)
    {
        if (!await compressed.TryServeAsync(context, context.Request.Path.Value!, ImmutableCaching))
        {
            await next(context);
        }
    }

    private static async Task ServePageAsync(HttpContext context, byte[] page)
    {
        string etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(page).AsSpan(0, 8))}\"";
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = PageCaching;
        if (ConditionalGet.Matches(context.Request, etag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = page.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(page, context.RequestAborted);
        }
    }

    private static IEnumerable<(string Path, IFileInfo File)> AllFiles(IFileProvider files, string directory)
    {
        foreach (var entry in files.GetDirectoryContents(directory))
        {
            string path = directory.Length == 0 ? entry.Name : $"{directory}/{entry.Name}";
            if (entry.IsDirectory)
            {
                foreach (var file in AllFiles(files, path))
                {
                    yield return file;
                }
            }
            else
            {
                yield return (path, entry);
            }
        }
    }

    [GeneratedRegex(@"(?<attr>href|src)=""(?<path>(?:css|js|lib)/[^""]+|favicon\.svg)""", RegexOptions.CultureInvariant)]
    private static partial Regex OwnFileUrl();
}
