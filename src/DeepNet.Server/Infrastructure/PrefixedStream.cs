namespace DeepNet.Server.Infrastructure;

/// <summary>
/// A read-only, seekable stream of <c>prefix</c> followed by <c>source</c> from <c>sourceOffset</c> on: a download made of
/// a freshly written header and a stored body, served without copying the body into memory (Range requests seek).
/// Disposing it disposes <c>source</c>.
/// </summary>
public sealed class PrefixedStream : Stream
{
    private readonly byte[] _prefix;
    private readonly Stream _source;
    private readonly long _sourceOffset;
    private long _position;

    public PrefixedStream(byte[] prefix, Stream source, long sourceOffset)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceOffset);
        if (!source.CanSeek || !source.CanRead || sourceOffset > source.Length)
        {
            throw new ArgumentException("The source must be readable and seekable and hold the offset.", nameof(source));
        }

        _prefix = prefix;
        _source = source;
        _sourceOffset = sourceOffset;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _prefix.Length + (_source.Length - _sourceOffset);

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position < _prefix.Length)
        {
            int fromPrefix = Math.Min(buffer.Length, _prefix.Length - (int)_position);
            _prefix.AsSpan((int)_position, fromPrefix).CopyTo(buffer);
            _position += fromPrefix;
            return fromPrefix;
        }

        _source.Position = _sourceOffset + (_position - _prefix.Length);
        int read = _source.Read(buffer);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position < _prefix.Length)
        {
            return Read(buffer.Span);
        }

        _source.Position = _sourceOffset + (_position - _prefix.Length);
        int read = await _source.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
