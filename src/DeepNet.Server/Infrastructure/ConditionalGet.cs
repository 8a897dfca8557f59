using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace DeepNet.Server.Infrastructure;

/// <summary>
/// Conditional GETs for list endpoints: the JSON body (and any paging headers) hashed into a strong ETag, a 304 without
/// a body when the client's If-None-Match names it. Lists answer per user, so caches keep them private and revalidate.
/// </summary>
public static class ConditionalGet
{
    /// <summary>Cache-Control of per-user data that may be kept but must be revalidated each time.</summary>
    public const string RevalidatePrivately = "private, no-cache";

    /// <summary><paramref name="value"/> as JSON with an ETag, or 304 Not Modified.</summary>
    /// <param name="headers">Headers that belong to the representation (e.g. paging links); they are part of the ETag.</param>
    public static IResult Json<T>(HttpContext http, T value, IReadOnlyDictionary<string, string>? headers = null)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(value, JsonDefaults.Options);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(body);
        foreach (var (name, headerValue) in headers ?? new Dictionary<string, string>())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"\n{name}:{headerValue}"));
        }

        string etag = $"\"{Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16))}\"";
        var response = http.Response.Headers;
        response.ETag = etag;
        response.CacheControl = RevalidatePrivately;
        foreach (var (name, headerValue) in headers ?? new Dictionary<string, string>())
        {
            response[name] = headerValue;
        }

        return Matches(http.Request, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    /// <summary>True when the request's If-None-Match names <paramref name="etag"/> (or is "*").</summary>
    public static bool Matches(HttpRequest request, string etag)
    {
        if (!EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags))
        {
            return false;
        }

        var current = EntityTagHeaderValue.Parse(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }
}
