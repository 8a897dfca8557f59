using System.Text.Json;
using DeepNet.Data;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Library;

/// <summary>
/// The caller's uploaded data sets: reading and checking an upload (IDX, CSV or images), storing it, and describing,
/// listing and deleting them. Scoped: it works through the caller's view (<see cref="DeepNetDbContext"/>).
/// </summary>
public sealed class DatasetLibrary(DeepNetDbContext db, StorageQuota quota, ImageDecodeSlots decodes, TimeProvider clock)
{
    public const int DefaultImageSize = 28;
    public const int MinImageSize = 4;
    public const int MaxImageSize = 128;

    public static readonly string[] Kinds = ["idx", "csv", "images"];

    /// <summary>Reads and checks an uploaded data set and stores it as <paramref name="ownerId"/>'s; nothing is stored when any file is malformed.</summary>
    public async Task<Outcome<DatasetDto>> UploadAsync(DatasetUploadForm form, string ownerId, CancellationToken cancellationToken)
    {
        string? normalizedKind = form.Kind?.Trim().ToLowerInvariant();
        if (normalizedKind is null || !Kinds.Contains(normalizedKind))
        {
            return Invalid("kind", form.Kind is null ? "is required: idx, csv or images." : $"'{form.Kind}' is not a data set kind; use idx, csv or images.");
        }

        var imageFiles = form.Files?.GetFiles("files") ?? [];
        IFormFile? firstFile = normalizedKind switch
        {
            "idx" => form.Images,
            "csv" => form.File,
            _ => imageFiles.FirstOrDefault(),
        };
        string displayName = string.IsNullOrWhiteSpace(form.Name)
            ? DefaultName(firstFile?.FileName)
            : form.Name.Trim();
        if (displayName.Length > 0 && UserText.NameProblem(displayName, DeepNetDbContext.NameMaxLength) is { } nameProblem)
        {
            return Invalid(string.IsNullOrWhiteSpace(form.Name) ? "file" : "name", nameProblem);
        }

        if (displayName.Length == 0)
        {
            displayName = $"{normalizedKind} data set";
        }

        // A data set of images is decoded in one of the server's decode slots, like a single uploaded image.
        using var decodeSlot = normalizedKind == "images" ? await decodes.TryEnterAsync(cancellationToken) : null;
        if (normalizedKind == "images" && decodeSlot is null)
        {
            return decodes.Busy();
        }

        var read = normalizedKind switch
        {
            "idx" => ReadIdx(form.Images, form.Labels),
            "csv" => ReadCsv(form.File, form.LabelColumn),
            _ => await ReadImagesAsync(imageFiles, form.Size, cancellationToken),
        };
        if (read.Error is { } error)
        {
            return Invalid(error.Field, error.Message);
        }

        var dataset = read.Dataset!;
        if (await quota.RefuseAsync(ownerId, DatasetFile.LengthOf(dataset), "this data set", cancellationToken) is { } overQuota)
        {
            return overQuota;
        }

        // Written in its natural type (bytes for IDX and images) to a temporary blob, committed only now that it is valid.
        BlobRef stored;
        await using (var pending = db.Blobs.BeginWrite())
        {
            DatasetFile.Write(dataset, pending.Content);
            stored = await pending.CommitAsync(cancellationToken);
        }

        int[]? classes = dataset.HasLabels ? dataset.Labels.Distinct().Order().Select(l => (int)l).ToArray() : null;
        var row = new UserDataset
        {
            Id = Guid.NewGuid(),
            Name = displayName,
            Kind = normalizedKind,
            Count = dataset.Count,
            Features = dataset.Features.Cols,
            Width = dataset.Width,
            Height = dataset.Height,
            HasLabels = dataset.HasLabels,
            ClassesJson = classes is null ? null : JsonSerializer.Serialize(classes, JsonDefaults.Options),
            SizeBytes = stored.Length,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            BlobHash = stored.Hash,
            OwnerId = ownerId,
        };
        db.UserDatasets.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(row.Id, row.Name, row.Kind, row.Count, row.Features, row.Width, row.Height, row.HasLabels, row.ClassesJson, row.SizeBytes, row.CreatedAt);
    }

    /// <summary>Uploaded data sets, newest first (descriptions only, never the data).</summary>
    public Task<List<DatasetDto>> ListAsync(CancellationToken cancellationToken) =>
        Describe(db.UserDatasets.AsNoTracking().OrderByDescending(d => d.CreatedAt)).ToListAsync(cancellationToken);

    /// <summary>One uploaded data set, or null when the caller has none with this id.</summary>
    public Task<DatasetDto?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Describe(db.UserDatasets.AsNoTracking().Where(d => d.Id == id)).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The stored file of one of the caller's data sets (the <see cref="DatasetFile"/> format) as a seekable stream from
    /// the blob store, with its hash and a download name; null when the caller has none with this id.
    /// </summary>
    public async Task<(Stream Content, string Hash, string FileName)?> OpenFileAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await db.UserDatasets.AsNoTracking().Where(d => d.Id == id).Select(d => new { d.Name, d.BlobHash }).SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : (db.Blobs.OpenRead(row.BlobHash), row.BlobHash, $"{SafeFileName(row.Name)}.dnds");
    }

    /// <summary>Deletes an uploaded data set; false when the caller has none with this id.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) =>
        await db.UserDatasets.Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;

    private static string SafeFileName(string name)
    {
        string safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return safe.Length == 0 ? "dataset" : safe[..Math.Min(safe.Length, 80)];
    }

    /// <summary>A file name without its extension, cut to the name length limit.</summary>
    internal static string DefaultName(string? fileName)
    {
        string name = Path.GetFileNameWithoutExtension(fileName ?? "").Trim();
        return name.Length > DeepNetDbContext.NameMaxLength ? name[..DeepNetDbContext.NameMaxLength] : name;
    }

    // Projects the descriptive columns so the (large) blobs never leave the database.
    private static IQueryable<DatasetDto> Describe(IQueryable<UserDataset> datasets) =>
        datasets.Select(d => ToDto(d.Id, d.Name, d.Kind, d.Count, d.Features, d.Width, d.Height, d.HasLabels, d.ClassesJson, d.SizeBytes, d.CreatedAt));

    private static DatasetDto ToDto(Guid id, string name, string kind, int count, int features, int width, int height, bool hasLabels, string? classesJson, long sizeBytes, DateTime createdAt) =>
        new(id, name, kind, count, features, width, height, hasLabels,
            classesJson is null ? null : JsonSerializer.Deserialize<int[]>(classesJson, JsonDefaults.Options), sizeBytes, createdAt);

    private static ReadResult ReadIdx(IFormFile? images, IFormFile? labels)
    {
        if (images is null)
        {
            return ReadResult.Fail("images", "is required for kind idx: an IDX image file (N×H×W unsigned bytes, raw or gzip).");
        }

        try
        {
            using var imageStream = images.OpenReadStream();
            using var labelStream = labels?.OpenReadStream();
            return new ReadResult(IdxDatasetReader.Read(imageStream, labelStream), null);
        }
        catch (DataFormatException ex)
        {
            // The reader names the file it found wrong ("The labels file …", "… but the labels file holds …").
            return ReadResult.Fail(ex.Message.Contains("labels file", StringComparison.Ordinal) ? "labels" : "images", ex.Message);
        }
    }

    private static ReadResult ReadCsv(IFormFile? file, string? labelColumn)
    {
        if (file is null)
        {
            return ReadResult.Fail("file", "is required for kind csv: a CSV file with one example per line.");
        }

        bool hasLabelColumn = false;
        if (!string.IsNullOrWhiteSpace(labelColumn) && !bool.TryParse(labelColumn.Trim(), out hasLabelColumn))
        {
            return ReadResult.Fail("labelColumn", $"must be true or false, not '{labelColumn}'.");
        }

        return Attempt("file", () =>
        {
            using var stream = file.OpenReadStream();
            return CsvDatasetReader.Read(stream, new CsvOptions(LabelColumn: hasLabelColumn));
        });
    }

    private static async Task<ReadResult> ReadImagesAsync(IReadOnlyList<IFormFile> files, string? size, CancellationToken cancellationToken)
    {
        int side = DefaultImageSize;
        if (!string.IsNullOrWhiteSpace(size) && (!int.TryParse(size.Trim(), out side) || side < MinImageSize || side > MaxImageSize))
        {
            return ReadResult.Fail("size", $"must be an integer between {MinImageSize} and {MaxImageSize}, not '{size}'.");
        }

        if (files.Count == 0)
        {
            return ReadResult.Fail("files", "are required for kind images: one or more PNG or JPEG files, each sent as field 'files'.");
        }

        var images = new List<(string Name, byte[] Bytes)>(files.Count);
        foreach (var f in files)
        {
            images.Add((f.FileName, await f.ReadAllBytesAsync(cancellationToken)));
        }

        return Attempt("files", () => ImageDatasetReader.Read(images, side));
    }

    private static ReadResult Attempt(string field, Func<Dataset> read)
    {
        try
        {
            return new ReadResult(read(), null);
        }
        catch (DataFormatException ex)
        {
            return ReadResult.Fail(field, ex.Message);
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        Problems.Invalid(field, message, "Invalid data set upload", note: "Nothing was stored.");

    private readonly record struct ReadResult(Dataset? Dataset, (string Field, string Message)? Error)
    {
        public static ReadResult Fail(string field, string message) => new(null, (field, message));
    }
}

/// <summary>The fields of a data set upload (POST /api/datasets), as the form sent them.</summary>
public sealed record DatasetUploadForm(
    string? Name,
    string? Kind,
    IFormFile? Images,
    IFormFile? Labels,
    IFormFile? File,
    string? LabelColumn,
    IFormFileCollection? Files,
    string? Size);
