using System.Security.Cryptography;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace DeepNet.Server.Tests;

/// <summary>The file blob store on a real directory: names, atomic commits, concurrent writers, missing blobs, the sweep's deletes.</summary>
public sealed class BlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "deepnet-blob-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Nothing stored and nothing half-written in the app's blob store.</summary>
    internal static void AssertEmpty(TestApp app)
    {
        var store = (FileBlobStore)app.Services.GetRequiredService<IBlobStore>();
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store.Root, "tmp")));
    }

    [Fact]
    public async Task ABlobIsStoredUnderTheSha256OfItsBytesAndReadsBack()
    {
        var store = new FileBlobStore(_root);
        var bytes = RandomBytes(300_001, seed: 1);

        BlobRef stored = await store.WriteAsync(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Hash);
        Assert.Equal(bytes.Length, stored.Length);
        Assert.True(File.Exists(Path.Combine(_root, stored.Hash[..2], stored.Hash[2..4], stored.Hash)));
        Assert.Equal(bytes, await store.ReadAllBytesAsync(stored.Hash));
        await using var stream = store.OpenRead(stored.Hash);
        Assert.True(stream.CanSeek);
        stream.Position = 300_000;
        Assert.Equal(bytes[300_000], stream.ReadByte());
        var listed = Assert.Single(store.List());
        Assert.Equal((stored.Hash, stored.Length), (listed.Hash, listed.Length));
    }

    [Fact]
    public async Task AWriteIsInvisibleUntilCommittedAndAnUncommittedOneLeavesNothing()
    {
        var store = new FileBlobStore(_root);
        var bytes = RandomBytes(100_000, seed: 2);
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));

        await using (var pending = store.BeginWrite())
        {
            pending.Content.Write(bytes);
            Assert.Equal(bytes.Length, pending.Length);
            Assert.Empty(store.List());
            Assert.Throws<BlobMissingException>(() => store.OpenRead(hash));
            Assert.Single(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
        }

        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public async Task ConcurrentWritesOfTheSameBytesLeaveOneWholeBlob()
    {
        var store = new FileBlobStore(_root);
        var bytes = RandomBytes(2_000_000, seed: 3);

        var refs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.WriteAsync(bytes))));

        Assert.Single(refs.Distinct());
        Assert.Equal(bytes, await store.ReadAllBytesAsync(refs[0].Hash));
        Assert.Single(store.List());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public void AMissingBlobIsAClearErrorAndNamesThatAreNotHashesAreRefused()
    {
        var store = new FileBlobStore(_root);
        string hash = new('a', 64);

        var missing = Assert.Throws<BlobMissingException>(() => store.OpenRead(hash));

        Assert.Contains(hash, missing.Message, StringComparison.Ordinal);
        Assert.Contains("Blobs:Root", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => store.OpenRead("../../etc/passwd"));
        Assert.Throws<ArgumentException>(() => store.OpenRead(new string('A', 64)));
    }

    [Fact]
    public async Task OnlyBlobsAndTemporariesOlderThanTheCutoffAreDeleted()
    {
        var store = new FileBlobStore(_root);
        BlobRef blob = await store.WriteAsync(RandomBytes(10, seed: 4));
        var abandoned = store.BeginWrite();
        abandoned.Content.Write(RandomBytes(10, seed: 5));
        await abandoned.Content.FlushAsync();

        Assert.False(store.DeleteIfOlder(blob.Hash, DateTime.UtcNow.AddMinutes(-1)));
        Assert.Equal(0, store.DeleteStaleTemporaries(DateTime.UtcNow.AddMinutes(-1)));

        // Writing the same bytes again makes an old blob young: a row about to name it keeps it.
        File.SetLastWriteTimeUtc(Path.Combine(_root, blob.Hash[..2], blob.Hash[2..4], blob.Hash), DateTime.UtcNow.AddHours(-2));
        await store.WriteAsync(RandomBytes(10, seed: 4));
        Assert.False(store.DeleteIfOlder(blob.Hash, DateTime.UtcNow.AddMinutes(-1)));

        Assert.True(store.DeleteIfOlder(blob.Hash, DateTime.UtcNow.AddMinutes(1)));
        Assert.Empty(store.List());
        await abandoned.DisposeAsync();
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
