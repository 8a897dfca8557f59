namespace DeepNet.Data;

/// <summary>
/// Image bytes that cannot be accepted: not a PNG or JPEG, corrupt or truncated, or larger than the decoder's limits.
/// The message says which, in words fit to show a user.
/// </summary>
public sealed class InvalidImageException : Exception
{
    public InvalidImageException()
    {
    }

    public InvalidImageException(string message)
        : base(message)
    {
    }

    public InvalidImageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
