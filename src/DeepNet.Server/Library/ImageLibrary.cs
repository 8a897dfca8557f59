using System.Collections.Concurrent;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Library;

/// <summary>
/// The images students work with: the built-in photos (ids "builtin:&lt;name&gt;") and uploads (GUID ids, stored as
/// grayscale PNG). One place resolves an image id to pixels for the feature-map demo and patch training.
/// </summary>
public sealed class ImageLibrary(IDbContextFactory<DeepNetDbContext> contexts, StorageQuota quota, ImageDecodeSlots decodes, TimeProvider clock)
{
    public const string BuiltInPrefix = "builtin:";
    public const string BuiltInSource = "builtin";
    public const string UploadSource = "upload";

    private static readonly ConcurrentDictionary<string, (byte[] Png, string Hash)> _builtInPngs = new(StringComparer.Ordinal);

    /// <summary>Built-in photos first (in their catalogue order), then uploads, newest first.</summary>
    public async Task<IReadOnlyList<ImageDto>> ListAsync(RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        var uploads = await db.UserImages.AsNoTracking()
            .OrderByDescending(i => i.CreatedAt)
            .Select(i => new { i.Id, i.Name, i.Width, i.Height, i.SizeBytes, i.CreatedAt })
            .ToListAsync(cancellationToken);
        var list = BuiltInImages.All.Select(ToDto).ToList();
        list.AddRange(uploads.Select(i => UploadDto(i.Id, i.Name, i.Width, i.Height, i.SizeBytes, i.CreatedAt)));
        return list;
    }

    /// <summary>One image's description, or null when the id names no image.</summary>
    public async Task<ImageDto?> FindAsync(string id, RequestUser? viewer, CancellationToken cancellationToken)
    {
        if (TryParseId(id, out var builtIn, out var upload))
        {
            if (builtIn is not null)
            {
                return ToDto(builtIn);
            }

            await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
            var row = await db.UserImages.AsNoTracking()
                .Where(i => i.Id == upload)
                .Select(i => new { i.Id, i.Name, i.Width, i.Height, i.SizeBytes, i.CreatedAt })
                .SingleOrDefaultAsync(cancellationToken);
            return row is null ? null : UploadDto(row.Id, row.Name, row.Width, row.Height, row.SizeBytes, row.CreatedAt);
        }

        return null;
    }

    /// <summary>
    /// The grayscale PNG of an image as a seekable stream (an upload's straight from the blob store) with the SHA-256 of
    /// its bytes, or null when the id names no image.
    /// </summary>
    public async Task<StoredPng?> OpenPngAsync(string id, RequestUser? viewer, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var builtIn, out var upload))
        {
            return null;
        }

        if (builtIn is not null)
        {
            var (png, hash) = _builtInPngs.GetOrAdd(builtIn.Name, name =>
            {
                byte[] bytes = BuiltInImages.Load(name).ToPng();
                return (bytes, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            });
            return new StoredPng(new MemoryStream(png, writable: false), hash);
        }

        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        string? stored = await db.UserImages.AsNoTracking()
            .Where(i => i.Id == upload)
            .Select(i => i.PngHash)
            .SingleOrDefaultAsync(cancellationToken);
        return stored is null ? null : new StoredPng(db.Blobs.OpenRead(stored), stored);
    }

    /// <summary>The pixels of an image (values in [0,1]), or null when the id names no image.</summary>
    public async Task<GrayImage?> LoadAsync(string id, RequestUser? viewer, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var builtIn, out _))
        {
            return null;
        }

        if (builtIn is not null)
        {
            return BuiltInImages.Load(builtIn.Name);
        }

        if (await OpenPngAsync(id, viewer, cancellationToken) is not { } png)
        {
            return null;
        }

        await using var content = png.Content;
        var bytes = new byte[content.Length];
        await content.ReadExactlyAsync(bytes, cancellationToken);
        return ImageDecoder.Decode(bytes);
    }

    /// <summary>The pixels of an image a job refers to (the worker's unrestricted view); throws InvalidOperationException when it no longer exists.</summary>
    public async Task<GrayImage> LoadExistingAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, viewer: null, cancellationToken) ?? throw new InvalidOperationException($"Image '{id}' no longer exists.");

    /// <summary>
    /// Reads an uploaded PNG or JPEG (<see cref="ImageUpload"/>), names it (<paramref name="name"/>, else the file name)
    /// and stores it as the caller's.
    /// </summary>
    public async Task<Outcome<ImageDto>> UploadAsync(IFormFile? file, string? name, RequestUser viewer, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (ImageUpload.Check(file, errors) is { } tooLarge)
        {
            return tooLarge;
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Invalid upload");
        }

        string displayName = string.IsNullOrWhiteSpace(name) ? DatasetLibrary.DefaultName(file!.FileName) : name.Trim();
        if (UserText.NameProblem(displayName, DeepNetDbContext.NameMaxLength) is { } nameProblem)
        {
            return Problems.Invalid(string.IsNullOrWhiteSpace(name) ? "file" : "name", nameProblem, "Invalid upload");
        }

        var decoded = await ImageUpload.DecodeAsync(file!, decodes, cancellationToken);
        return decoded.Value is { } image
            ? await AddAsync(displayName.Length == 0 ? "image" : displayName, image, viewer.Id, cancellationToken)
            : decoded.Problem<ImageDto>();
    }

    /// <summary>Stores a decoded image as a grayscale PNG, or the 409 when it does not fit the owner's storage quota.</summary>
    private async Task<Outcome<ImageDto>> AddAsync(string name, GrayImage image, string ownerId, CancellationToken cancellationToken)
    {
        byte[] png = image.ToPng();
        if (await quota.RefuseAsync(ownerId, png.LongLength, "this image", cancellationToken) is { } overQuota)
        {
            return overQuota;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        BlobRef stored = await db.Blobs.WriteAsync(png, cancellationToken);

        var row = new UserImage
        {
            Id = Guid.NewGuid(),
            Name = name,
            Width = image.Width,
            Height = image.Height,
            PngHash = stored.Hash,
            SizeBytes = stored.Length,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            OwnerId = ownerId,
        };
        db.UserImages.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return UploadDto(row.Id, row.Name, row.Width, row.Height, row.SizeBytes, row.CreatedAt);
    }

    /// <summary>Deletes an upload; false when there is no such upload.</summary>
    public async Task<bool> DeleteAsync(Guid id, RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        return await db.UserImages.Where(i => i.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// "builtin:&lt;name&gt;" of a built-in photo or the GUID of an upload.
    /// False for anything else, including unknown built-in names.
    /// </summary>
    public static bool TryParseId(string? id, out BuiltInImageInfo? builtIn, out Guid upload)
    {
        builtIn = null;
        upload = Guid.Empty;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        if (IsBuiltInId(id))
        {
            builtIn = BuiltInImages.Find(id[BuiltInPrefix.Length..]);
            return builtIn is not null;
        }

        return Guid.TryParse(id, out upload);
    }

    public static bool IsBuiltInId(string? id) => id?.StartsWith(BuiltInPrefix, StringComparison.Ordinal) == true;

    private static ImageDto ToDto(BuiltInImageInfo info) => new(
        BuiltInPrefix + info.Name,
        info.Title,
        info.Width,
        info.Height,
        BuiltInSource,
        $"{info.Licence}. Source: {info.Source}",
        $"/api/images/{BuiltInPrefix}{info.Name}",
        null,
        null);

    private static ImageDto UploadDto(Guid id, string name, int width, int height, long sizeBytes, DateTime createdAt) =>
        new(id.ToString("D"), name, width, height, UploadSource, null, $"/api/images/{id:D}", sizeBytes, createdAt);
}

/// <summary>An image's PNG to send: its bytes as a seekable stream (disposed after sending) and their SHA-256, its ETag.</summary>
public sealed record StoredPng(Stream Content, string Hash);
