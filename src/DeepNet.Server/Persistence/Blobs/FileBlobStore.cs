using System.Security.Cryptography;

namespace DeepNet.Server.Persistence.Blobs;

/// <summary>
/// The blob store as files: &lt;root&gt;/ab/cd/abcd…(the 64 hex digits of the SHA-256). A blob is written to
/// &lt;root&gt;/tmp/&lt;guid&gt;, hashed as it is written, fsynced, then renamed to its name (a rename within one file system
/// is atomic, so a reader sees the whole blob or none). Two writers of the same bytes both rename onto the same name:
/// the contents are equal, so either wins. Works the same on a volume several nodes share.
/// </summary>
public sealed class FileBlobStore : IBlobStore
{
    private const string TemporaryFolder = "tmp";

    public FileBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(Root, TemporaryFolder));
    }

    public string Root { get; }

    public PendingBlob BeginWrite() => new PendingFile(this, Path.Combine(Root, TemporaryFolder, Guid.NewGuid().ToString("N")));

    public Stream OpenRead(string hash)
    {
        string path = PathOf(hash);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobMissingException(hash, Root);
        }
    }

    public IEnumerable<StoredBlob> List()
    {
        foreach (string first in Directory.EnumerateDirectories(Root))
        {
            if (Path.GetFileName(first) is not { Length: 2 })
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(first, "*", SearchOption.AllDirectories))
            {
                var info = new FileInfo(file);
                if (IsHash(info.Name) && info.Exists)
                {
                    yield return new StoredBlob(info.Name, info.Length, info.LastWriteTimeUtc);
                }
            }
        }
    }

    public bool DeleteIfOlder(string hash, DateTime cutoff)
    {
        var info = new FileInfo(PathOf(hash));
        // Read again just before deleting: a writer of the same bytes touches the file before its row is saved.
        if (!info.Exists || info.LastWriteTimeUtc >= cutoff)
        {
            return false;
        }

        info.Delete();
        return true;
    }

    public int DeleteStaleTemporaries(DateTime cutoff)
    {
        int removed = 0;
        foreach (var file in new DirectoryInfo(Path.Combine(Root, TemporaryFolder)).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc < cutoff)
            {
                file.Delete();
                removed++;
            }
        }

        return removed;
    }

    /// <summary>64 lowercase hex digits: the only names this store reads or writes (no path can be smuggled in).</summary>
    public static bool IsHash(string? hash) =>
        hash is { Length: 64 } && hash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private string PathOf(string hash)
    {
        if (!IsHash(hash))
        {
            throw new ArgumentException($"'{hash}' is not a blob hash (64 lowercase hex digits).", nameof(hash));
        }

        return Path.Combine(Root, hash[..2], hash[2..4], hash);
    }

    private sealed class PendingFile : PendingBlob
    {
        private readonly FileBlobStore _store;
        private readonly string _temporaryPath;
        private readonly FileStream _file;
        private readonly HashingStream _content;
        private bool _committed;

        public PendingFile(FileBlobStore store, string temporaryPath)
        {
            _store = store;
            _temporaryPath = temporaryPath;
            _file = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024);
            _content = new HashingStream(_file);
        }

        public override Stream Content => _content;

        public override long Length => _content.Written;

        public override async Task<BlobRef> CommitAsync(CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_committed, this);
            await _file.FlushAsync(cancellationToken);
            _file.Flush(flushToDisk: true);
            long length = _content.Written;
            string hash = _content.Finish();
            await _file.DisposeAsync();
            string path = _store.PathOf(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path))
            {
                // The same bytes are stored already: keep that file, but mark it fresh so the orphan sweep spares it
                // until the caller's row names it.
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
                File.Delete(_temporaryPath);
            }
            else
            {
                File.Move(_temporaryPath, path, overwrite: true);
            }

            _committed = true;
            return new BlobRef(hash, length);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                _content.Finish();
                await _file.DisposeAsync();
                File.Delete(_temporaryPath);
                _committed = true;
            }
        }

        public override void Dispose()
        {
            if (!_committed)
            {
                _content.Finish();
                _file.Dispose();
                File.Delete(_temporaryPath);
                _committed = true;
            }
        }
    }

    /// <summary>A write-only stream that hashes and counts what passes through to the file.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private string? _finished;

        public long Written { get; private set; }

        public string Finish()
        {
            if (_finished is null)
            {
                _finished = Convert.ToHexStringLower(_hash.GetHashAndReset());
                _hash.Dispose();
            }

            return _finished;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => _finished is null;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_finished is not null, this);
            _hash.AppendData(buffer);
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_finished is not null, this);
            _hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
            Written += buffer.Length;
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
