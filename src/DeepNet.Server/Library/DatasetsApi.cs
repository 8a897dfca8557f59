using System.Text.Json;
using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Library;

public static class DatasetsApi
{
    /// <summary>Largest accepted upload request (all files of one data set together, plus the form fields).</summary>
    public const long MaxRequestBytes = 50L * 1024 * 1024;

    public const int DefaultImageSize = 28;
    public const int MinImageSize = 4;
    public const int MaxImageSize = 128;

    public static readonly string[] Kinds = ["idx", "csv", "images"];

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Datasets");

        api.MapPost("/", UploadDataset)
            .WithName("UploadDataset")
            .WithSummary("Upload a data set (IDX, CSV or images)")
            .WithDescription(
                "multipart/form-data, at most 50 MB per request. Fields: 'name' (optional, at most 200 characters), 'kind' = idx | csv | images, then per kind: " +
                "idx → 'images' (an IDX ubyte file N×H×W or N×features, raw or gzip, at most 50 000 000 values; divided by 255) and optional 'labels' (IDX ubyte, N labels); " +
                "csv → 'file' (one example per line, numbers separated by commas, at most 100000 rows and 10000 columns; values kept as given) and " +
                "'labelColumn' = true | false (the first column is an integer class label; default false); " +
                "images → one or more 'files' (at most 1000 PNG or JPEG files; each converted to grayscale and resized to size×size) and 'size' (4..128, default 28). " +
                "A malformed file gets a 400 naming the field and the problem, and nothing is stored. Returns 201 with the data set.")
            .Produces<DatasetDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .DisableAntiforgery();

        api.MapGet("/", ListDatasets)
            .WithName("ListDatasets")
            .WithSummary("List uploaded data sets, newest first");

        api.MapGet("/{id:guid}", GetDataset)
            .WithName("GetDataset")
            .WithSummary("Get one uploaded data set")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id:guid}", DeleteDataset)
            .WithName("DeleteDataset")
            .WithSummary("Delete an uploaded data set")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Reads and checks an uploaded data set and stores it; nothing is stored when any file is malformed.</summary>
    /// <param name="name">Display name, at most 200 characters; default the first file's name.</param>
    /// <param name="kind">idx, csv or images.</param>
    /// <param name="images">kind idx: the IDX image file (N×H×W unsigned bytes, or N×features), raw or gzip.</param>
    /// <param name="labels">kind idx, optional: the IDX label file (N unsigned bytes), raw or gzip.</param>
    /// <param name="file">kind csv: the CSV file.</param>
    /// <param name="labelColumn">kind csv: "true" if the first column holds integer class labels; default false.</param>
    /// <param name="files">kind images: one or more PNG or JPEG files, sent as repeated field 'files'.</param>
    /// <param name="size">kind images: side of the square every image is resized to, 4..128; default 28.</param>
    public static async Task<Results<Created<DatasetDto>, ValidationProblem>> UploadDataset(
        [FromForm] string? name,
        [FromForm] string? kind,
        IFormFile? images,
        IFormFile? labels,
        IFormFile? file,
        [FromForm] string? labelColumn,
        IFormFileCollection? files,
        [FromForm] string? size,
        HttpContext http,
        DeepNetDbContext db,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        string? normalizedKind = kind?.Trim().ToLowerInvariant();
        if (normalizedKind is null || !Kinds.Contains(normalizedKind))
        {
            return Invalid("kind", kind is null ? "is required: idx, csv or images." : $"'{kind}' is not a data set kind; use idx, csv or images.");
        }

        var imageFiles = files?.GetFiles("files") ?? [];
        IFormFile? firstFile = normalizedKind switch
        {
            "idx" => images,
            "csv" => file,
            _ => imageFiles.FirstOrDefault(),
        };
        string displayName = string.IsNullOrWhiteSpace(name)
            ? DefaultName(firstFile?.FileName)
            : name.Trim();
        if (displayName.Length > DeepNetDbContext.NameMaxLength)
        {
            return Invalid("name", $"must be at most {DeepNetDbContext.NameMaxLength} characters.");
        }

        if (displayName.Length == 0)
        {
            displayName = $"{normalizedKind} data set";
        }

        var read = normalizedKind switch
        {
            "idx" => ReadIdx(images, labels),
            "csv" => ReadCsv(file, labelColumn),
            _ => await ReadImagesAsync(imageFiles, size, cancellationToken),
        };
        if (read.Error is { } error)
        {
            return Invalid(error.Field, error.Message);
        }

        var dataset = read.Dataset!;
        byte[] blob = DatasetFile.Save(dataset);
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
            SizeBytes = blob.LongLength,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Blob = blob,
            OwnerId = http.User.UserId(),
        };
        db.UserDatasets.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        var dto = ToDto(row.Id, row.Name, row.Kind, row.Count, row.Features, row.Width, row.Height, row.HasLabels, row.ClassesJson, row.SizeBytes, row.CreatedAt);
        return TypedResults.Created($"/api/datasets/{row.Id}", dto);
    }

    /// <summary>Uploaded data sets, newest first (descriptions only, never the data).</summary>
    public static async Task<Ok<List<DatasetDto>>> ListDatasets(DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var rows = await Describe(db.UserDatasets.AsNoTracking().OrderByDescending(d => d.CreatedAt)).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows);
    }

    /// <summary>One uploaded data set.</summary>
    /// <param name="id">Data set id.</param>
    public static async Task<Results<Ok<DatasetDto>, ProblemHttpResult>> GetDataset(Guid id, DeepNetDbContext db, CancellationToken cancellationToken) =>
        await Describe(db.UserDatasets.AsNoTracking().Where(d => d.Id == id)).SingleOrDefaultAsync(cancellationToken) is { } dataset
            ? TypedResults.Ok(dataset)
            : DatasetNotFound(id);

    /// <summary>Deletes an uploaded data set.</summary>
    /// <param name="id">Data set id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteDataset(Guid id, DeepNetDbContext db, CancellationToken cancellationToken) =>
        await db.UserDatasets.Where(d => d.Id == id).ExecuteDeleteAsync(cancellationToken) > 0
            ? TypedResults.NoContent()
            : DatasetNotFound(id);

    // Projects the descriptive columns so the (large) blobs never leave the database.
    private static IQueryable<DatasetDto> Describe(IQueryable<UserDataset> datasets) =>
        datasets.Select(d => ToDto(d.Id, d.Name, d.Kind, d.Count, d.Features, d.Width, d.Height, d.HasLabels, d.ClassesJson, d.SizeBytes, d.CreatedAt));

    private static DatasetDto ToDto(Guid id, string name, string kind, int count, int features, int width, int height, bool hasLabels, string? classesJson, long sizeBytes, DateTime createdAt) =>
        new(id, name, kind, count, features, width, height, hasLabels,
            classesJson is null ? null : JsonSerializer.Deserialize<int[]>(classesJson, JsonDefaults.Options), sizeBytes, createdAt);

    /// <summary>A file name without its extension, cut to the name length limit.</summary>
    internal static string DefaultName(string? fileName)
    {
        string name = Path.GetFileNameWithoutExtension(fileName ?? "").Trim();
        return name.Length > DeepNetDbContext.NameMaxLength ? name[..DeepNetDbContext.NameMaxLength] : name;
    }

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
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            detail: $"{field}: {message} Nothing was stored.",
            title: "Invalid data set upload");

    private static ProblemHttpResult DatasetNotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Data set not found",
        detail: $"Data set {id} not found.");

    private readonly record struct ReadResult(Dataset? Dataset, (string Field, string Message)? Error)
    {
        public static ReadResult Fail(string field, string message) => new(null, (field, message));
    }
}
