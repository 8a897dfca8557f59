using DeepNet.Data;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>Resolves the image references of patch jobs: "builtin:&lt;name&gt;" or the id of an uploaded image.</summary>
public static class ImageReferences
{
    public const string BuiltInPrefix = "builtin:";

    /// <summary>The image's size, or null when the reference names no image.</summary>
    public static async Task<(int Width, int Height)?> FindAsync(string? reference, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            return null;
        }

        if (reference.StartsWith(BuiltInPrefix, StringComparison.Ordinal))
        {
            return BuiltInImages.Find(reference[BuiltInPrefix.Length..]) is { } info ? (info.Width, info.Height) : null;
        }

        if (!Guid.TryParse(reference, out var id))
        {
            return null;
        }

        var size = await db.UserImages.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Width, i.Height }).SingleOrDefaultAsync(cancellationToken);
        return size is null ? null : (size.Width, size.Height);
    }

    /// <summary>Loads the image as grayscale in [0, 1]; throws InvalidOperationException when it no longer exists.</summary>
    public static async Task<GrayImage> LoadAsync(string reference, IDbContextFactory<DeepNetDbContext> contexts, CancellationToken cancellationToken = default)
    {
        if (reference.StartsWith(BuiltInPrefix, StringComparison.Ordinal))
        {
            return BuiltInImages.Load(reference[BuiltInPrefix.Length..]);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        byte[]? png = Guid.TryParse(reference, out var id)
            ? await db.UserImages.AsNoTracking().Where(i => i.Id == id).Select(i => i.Png).SingleOrDefaultAsync(cancellationToken)
            : null;
        return png is null
            ? throw new InvalidOperationException($"Image '{reference}' no longer exists.")
            : ImageDecoder.Decode(png);
    }
}
