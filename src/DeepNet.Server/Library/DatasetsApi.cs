using System.Security.Claims;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Library;

public static class DatasetsApi
{
    /// <summary>Largest accepted upload request (all files of one data set together, plus the form fields).</summary>
    public const long MaxRequestBytes = 50L * 1024 * 1024;

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Datasets");

        api.MapPost("/", UploadDataset)
            .RequireRateLimiting(RateLimits.Upload)
            .WithName("UploadDataset")
            .WithSummary("Upload a data set (IDX, CSV or images)")
            .WithDescription(
                "multipart/form-data, at most 50 MB per request. Fields: 'name' (optional, at most 200 characters), 'kind' = idx | csv | images, then per kind: " +
                "idx → 'images' (an IDX ubyte file N×H×W or N×features, raw or gzip, at most 50 000 000 values; divided by 255) and optional 'labels' (IDX ubyte, N labels); " +
                "csv → 'file' (one example per line, numbers separated by commas, at most 100000 rows and 10000 columns; values kept as given) and " +
                "'labelColumn' = true | false (the first column is an integer class label; default false); " +
                "images → one or more 'files' (at most 1000 PNG or JPEG files; each converted to grayscale and resized to size×size) and 'size' (4..128, default 28). " +
                "A malformed file gets a 400 naming the field and the problem, and nothing is stored; a data set that would pass the caller's storage quota gets a 409. Returns 201 with the data set.")
            .Produces<DatasetDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
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

        api.MapGet("/{id:guid}/file", DownloadDataset)
            .WithName("DownloadDataset")
            .WithSummary("Download an uploaded data set's stored file")
            .WithDescription(
                "The data set as stored (application/octet-stream, little-endian): \"DNDS\" | uint32 version 1 | int32 count | int32 features | " +
                "int32 width | int32 height | int32 flags (bit 0 labelled, bit 1 values are bytes k meaning k/255, else float32) | the values | " +
                "count label bytes when labelled. Streamed with an ETag (the SHA-256 of the file): conditional GETs answer 304 and Range requests 206.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
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
    /// <param name="call">The caller and the service.</param>
    // The form's fields stay parameters of their own: Swashbuckle names form fields after them and refuses [FromForm] on files.
    public static async Task<Results<Created<DatasetDto>, ValidationProblem, ProblemHttpResult>> UploadDataset(
        [FromForm] string? name,
        [FromForm] string? kind,
        IFormFile? images,
        IFormFile? labels,
        IFormFile? file,
        [FromForm] string? labelColumn,
        IFormFileCollection? files,
        [FromForm] string? size,
        [AsParameters] DatasetsParameters call)
    {
        var form = new DatasetUploadForm(name, kind, images, labels, file, labelColumn, files, size);
        var stored = await call.Datasets.UploadAsync(form, call.User.UserId(), call.CancellationToken);
        return stored.Map(dto => TypedResults.Created($"/api/datasets/{dto.Id}", dto));
    }

    /// <summary>Uploaded data sets, newest first (descriptions only, never the data).</summary>
    public static async Task<Ok<List<DatasetDto>>> ListDatasets([AsParameters] DatasetsParameters call) =>
        TypedResults.Ok(await call.Datasets.ListAsync(call.CancellationToken));

    /// <summary>One uploaded data set.</summary>
    /// <param name="id">Data set id.</param>
    /// <param name="call">The caller and the service.</param>
    public static async Task<Results<Ok<DatasetDto>, ProblemHttpResult>> GetDataset(Guid id, [AsParameters] DatasetsParameters call) =>
        await call.Datasets.FindAsync(id, call.CancellationToken) is { } dataset
            ? TypedResults.Ok(dataset)
            : Problems.NotFound("Data set", id);

    /// <summary>The stored file of an uploaded data set, streamed with its ETag and Range support.</summary>
    /// <param name="id">Data set id.</param>
    /// <param name="call">The caller and the service.</param>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadDataset(Guid id, [AsParameters] DatasetsParameters call) =>
        await call.Datasets.OpenFileAsync(id, call.CancellationToken) is { } file
            ? TypedResults.File(file.Content, "application/octet-stream", file.FileName, entityTag: BlobETag.Of(file.Hash), enableRangeProcessing: true)
            : Problems.NotFound("Data set", id);

    /// <summary>Deletes an uploaded data set.</summary>
    /// <param name="id">Data set id.</param>
    /// <param name="call">The caller and the service.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteDataset(Guid id, [AsParameters] DatasetsParameters call) =>
        await call.Datasets.DeleteAsync(id, call.CancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("Data set", id);
}

/// <summary>What every /api/datasets handler binds besides its own fields: the caller and the data set library.</summary>
public sealed record DatasetsParameters(ClaimsPrincipal User, DatasetLibrary Datasets, CancellationToken CancellationToken);
