namespace DeepNet.Data;

/// <summary>
/// An uploaded data set file (CSV, IDX, images) is malformed or exceeds a limit. The message names the problem
/// and where it is (file, line, column) in words fit to show a user.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException()
    {
    }

    public DataFormatException(string message)
        : base(message)
    {
    }

    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
