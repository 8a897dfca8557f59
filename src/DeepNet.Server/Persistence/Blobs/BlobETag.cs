using Microsoft.Net.Http.Headers;

namespace DeepNet.Server.Persistence.Blobs;

/// <summary>The ETag of a download sent as a stored blob is its content hash: equal bytes, equal tag, on every node.</summary>
public static class BlobETag
{
    public static EntityTagHeaderValue Of(string hash) => new($"\"{hash}\"");
}
