namespace DeepNet.Server.Persistence.Blobs;

/// <summary>A stored blob: the SHA-256 of its bytes (64 lowercase hex digits, its name in the store) and its length.</summary>
public sealed record BlobRef(string Hash, long Length);

/// <summary>A blob as listed by the store, for the orphan sweep.</summary>
public sealed record StoredBlob(string Hash, long Length, DateTime LastWriteUtc);

/// <summary>
/// Where checkpoints, model files, data sets and images live: content-addressed, immutable blobs. The database keeps a
/// row's metadata and the hash of its blob. A blob is written to a temporary name and only appears under its hash once
/// complete (<see cref="PendingBlob.CommitAsync"/>), so a reader never sees half a blob; identical contents share one
/// blob. Blobs are never deleted by the code that stored them: the retention sweep removes the ones no row names
/// (<see cref="BlobSweep"/>), after a grace period that covers a write whose row is not saved yet.
/// </summary>
public interface IBlobStore
{
    /// <summary>A new temporary blob to write; nothing is stored until it is committed, and disposing it uncommitted removes it.</summary>
    PendingBlob BeginWrite();

    /// <summary>A read-only, seekable stream over the blob.</summary>
    /// <exception cref="BlobMissingException">No blob has this hash.</exception>
    Stream OpenRead(string hash);

    /// <summary>Every stored blob (not the temporary ones).</summary>
    IEnumerable<StoredBlob> List();

    /// <summary>
    /// Removes the blob when it was last written before <paramref name="cutoff"/> (a blob written again since is kept),
    /// and temporary blobs older than that; true when the blob was removed.
    /// </summary>
    bool DeleteIfOlder(string hash, DateTime cutoff);

    /// <summary>Removes abandoned temporary blobs (an interrupted process's) last written before <paramref name="cutoff"/>; how many.</summary>
    int DeleteStaleTemporaries(DateTime cutoff);
}

/// <summary>A blob being written: <see cref="Content"/> takes the bytes, <see cref="CommitAsync"/> stores them under their hash.</summary>
public abstract class PendingBlob : IAsyncDisposable, IDisposable
{
    /// <summary>The write-only stream of the blob's bytes.</summary>
    public abstract Stream Content { get; }

    /// <summary>Bytes written so far.</summary>
    public abstract long Length { get; }

    /// <summary>Makes the blob durable (fsync) and visible under its hash; the content stream is closed.</summary>
    public abstract Task<BlobRef> CommitAsync(CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();

    public abstract void Dispose();
}

/// <summary>A row names a blob the store does not hold (the volume is not mounted, or the file was removed by hand).</summary>
public sealed class BlobMissingException(string hash, string where)
    : IOException($"Blob {hash} is missing from the blob store ({where}). Is Blobs:Root the same volume on every node?")
{
    public string Hash { get; } = hash;
}

/// <summary>Writes and reads whole blobs through an <see cref="IBlobStore"/>.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Stores what <paramref name="write"/> writes into the stream it is given.</summary>
    public static async Task<BlobRef> WriteAsync(this IBlobStore store, Action<Stream> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(write);
        await using var pending = store.BeginWrite();
        write(pending.Content);
        return await pending.CommitAsync(cancellationToken);
    }

    /// <summary>Stores <paramref name="bytes"/>.</summary>
    public static Task<BlobRef> WriteAsync(this IBlobStore store, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        store.WriteAsync(stream => stream.Write(bytes.Span), cancellationToken);

    /// <summary>The whole blob as an array — for callers that parse it whole anyway (a model to run, a checkpoint to resume).</summary>
    public static async Task<byte[]> ReadAllBytesAsync(this IBlobStore store, string hash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var stream = store.OpenRead(hash);
        var bytes = new byte[stream.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
