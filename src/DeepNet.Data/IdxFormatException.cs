namespace DeepNet.Data;

/// <summary>An IDX (or gzip-wrapped IDX) stream is malformed: bad magic number, unsupported type, bad dimensions, or wrong payload length.</summary>
public sealed class IdxFormatException : Exception
{
    public IdxFormatException()
    {
    }

    public IdxFormatException(string message)
        : base(message)
    {
    }

    public IdxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
