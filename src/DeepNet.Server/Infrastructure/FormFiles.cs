namespace DeepNet.Server.Infrastructure;

/// <summary>Uploaded files read whole; their endpoints' request size limits bound them.</summary>
public static class FormFiles
{
    public static async Task<byte[]> ReadAllBytesAsync(this IFormFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var bytes = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
