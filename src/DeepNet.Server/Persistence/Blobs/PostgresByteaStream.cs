using System.Data;
using Npgsql;

namespace DeepNet.Server.Persistence.Blobs;

/// <summary>
/// PostgreSQL's counterpart of <c>SqliteBlob</c>: a read-only, seekable stream over one bytea value, read in
/// slices (<c>substring(column FROM offset FOR count)</c>) as the reader asks for them, so Range requests and seeking
/// work and no more than one slice is held. The column should be stored uncompressed (<c>SET STORAGE EXTERNAL</c>,
/// see the PostgreSQL migrations) so that a slice reads only its own TOAST chunks. The value must not change while
/// the stream is open (model files never do); a row deleted meanwhile ends the stream with an <see cref="IOException"/>.
/// </summary>
public sealed class PostgresByteaStream : Stream
{
    /// <summary>The smallest slice fetched at once: a caller reading a few bytes at a time costs one query per slice.</summary>
    private const int SliceBytes = 64 * 1024;

    private readonly NpgsqlConnection _connection;
    private readonly string _select;
    private readonly Guid _id;
    private readonly byte[] _slice = new byte[SliceBytes];
    private long _sliceStart;
    private int _sliceLength;
    private long _position;

    private PostgresByteaStream(NpgsqlConnection connection, string table, string column, string keyColumn, Guid id, long length)
    {
        _connection = connection;
        _select = $"""SELECT substring("{column}" FROM @from FOR @count) FROM "{table}" WHERE "{keyColumn}" = @id""";
        _id = id;
        Length = length;
    }

    /// <summary>The stream over <paramref name="column"/> of the row whose <paramref name="keyColumn"/> is <paramref name="id"/>; null when there is no such row.</summary>
    /// <param name="table">A table name from the model (not user input), like the column names.</param>
    public static PostgresByteaStream? Open(NpgsqlConnection connection, string table, string column, string keyColumn, Guid id)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = new NpgsqlCommand($"""SELECT octet_length("{column}") FROM "{table}" WHERE "{keyColumn}" = @id""", connection);
        command.Parameters.AddWithValue("id", id);
        object? length = command.ExecuteScalar();
        return length is null or DBNull ? null : new PostgresByteaStream(connection, table, column, keyColumn, id, Convert.ToInt64(length, System.Globalization.CultureInfo.InvariantCulture));
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (NeedsSlice(buffer.Length) is { } length)
        {
            FetchSync(_position, length);
        }

        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (NeedsSlice(buffer.Length) is { } length)
        {
            await FetchAsync(_position, length, cancellationToken);
        }

        return CopyOut(buffer.Span);
    }

    /// <summary>The length of the slice to fetch at the position before a read of <paramref name="wanted"/> bytes; null when none is needed.</summary>
    private int? NeedsSlice(int wanted) =>
        wanted == 0 || _position >= Length || (_position >= _sliceStart && _position < _sliceStart + _sliceLength)
            ? null
            : (int)Math.Min(SliceBytes, Length - _position);

    private int CopyOut(Span<byte> buffer)
    {
        if (buffer.Length == 0 || _position >= Length)
        {
            return 0;
        }

        int offset = (int)(_position - _sliceStart);
        int count = Math.Min(buffer.Length, _sliceLength - offset);
        _slice.AsSpan(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    private NpgsqlCommand SliceCommand(long start, int length)
    {
        var command = new NpgsqlCommand(_select, _connection);
        // substring counts from 1.
        command.Parameters.AddWithValue("from", checked((int)(start + 1)));
        command.Parameters.AddWithValue("count", length);
        command.Parameters.AddWithValue("id", _id);
        return command;
    }

    private void FetchSync(long start, int length)
    {
        using var command = SliceCommand(start, length);
        using var reader = command.ExecuteReader(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow);
        if (!reader.Read() || reader.IsDBNull(0))
        {
            throw Vanished();
        }

        using var value = reader.GetStream(0);
        Filled(start, value.ReadAtLeast(_slice.AsSpan(0, length), length, throwOnEndOfStream: false), length);
    }

    private async Task FetchAsync(long start, int length, CancellationToken cancellationToken)
    {
        await using var command = SliceCommand(start, length);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || await reader.IsDBNullAsync(0, cancellationToken))
        {
            throw Vanished();
        }

        await using var value = await reader.GetStreamAsync(0, cancellationToken);
        Filled(start, await value.ReadAtLeastAsync(_slice.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken), length);
    }

    private void Filled(long start, int read, int length)
    {
        if (read != length)
        {
            _sliceLength = 0;
            throw Vanished();
        }

        _sliceStart = start;
        _sliceLength = read;
    }

    private IOException Vanished() => new($"The stored value of {_id} changed or was removed while it was being read.");

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
