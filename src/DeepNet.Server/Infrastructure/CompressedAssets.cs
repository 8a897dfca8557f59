using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// The UI's text files compressed once at the strongest Brotli and gzip levels and kept in memory (wwwroot is about a
/// megabyte; the cache holds at most one copy per file and encoding), so the immutable versioned assets cost no
/// compression work after their first request and travel at about a quarter of their size.
/// </summary>
public sealed class CompressedAssets(IFileProvider files)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly HashSet<string> Compressible = new(StringComparer.OrdinalIgnoreCase) { ".js", ".css", ".svg", ".html", ".json", ".txt", ".md" };

    private readonly ConcurrentDictionary<(string Path, string Encoding), Lazy<byte[]?>> _cache = new();

    /// <summary>
    /// Writes the file at <paramref name="path"/> compressed in the best encoding the request accepts; false (nothing
    /// written) when the file is missing, not text, or the client accepts neither Brotli nor gzip.
    /// </summary>
    public async Task<bool> TryServeAsync(HttpContext context, string path, string cacheControl)
    {
        string extension = Path.GetExtension(path);
        if (!Compressible.Contains(extension) || !ContentTypes.TryGetContentType(path, out var contentType) || Preferred(context.Request) is not { } encoding)
        {
            return false;
        }

        if (_cache.GetOrAdd((path, encoding), key => new Lazy<byte[]?>(() => Compress(key.Path, key.Encoding))).Value is not { } body)
        {
            return false;
        }

        var response = context.Response;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        response.Headers.ContentEncoding = encoding;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.CacheControl = cacheControl;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }

        return true;
    }

    private static string? Preferred(HttpRequest request)
    {
        if (!StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var accepted))
        {
            return null;
        }

        bool Accepts(string name) => accepted.Any(a => a.Value.Equals(name, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);
        return Accepts("br") ? "br" : Accepts("gzip") ? "gzip" : null;
    }

    private byte[]? Compress(string path, string encoding)
    {
        var file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory)
        {
            return null;
        }

        using var input = file.CreateReadStream();
        using var output = new MemoryStream();
        using (Stream compressor = encoding == "br"
            ? new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true)
            : new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            input.CopyTo(compressor);
        }

        return output.ToArray();
    }
}
