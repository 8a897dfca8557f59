using System.Security.Claims;
using DeepNet.Models.ModelExchange;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Jobs;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Export and import of models as safetensors files with checksum (format version 1): download a readable model or the
/// model of an unlisted link; import a file as a new private model of the caller after strict validation.
/// </summary>
public static class ModelExchangeApi
{
    /// <summary>The whole import request: the file plus room for the multipart boundaries, headers and name.</summary>
    public const long MaxRequestBytes = ModelExchangeFormat.MaxFileBytes + 64 * 1024;

    private const string OctetStream = "application/octet-stream";

    public static IEndpointRouteBuilder MapModelExchangeApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("Models");

        models.MapGet("/{id:guid}/file", DownloadModel)
            .WithName("DownloadModel")
            .WithSummary("Download a model as a safetensors file")
            .WithDescription(
                "One safetensors file (8-byte little-endian header length, JSON header, raw little-endian float32). RBM: tensors " +
                "'weights' [hidden, visible], 'visible_bias' [visible], 'hidden_bias' [hidden]; DBN: 'layers.{l}.weight|visible_bias|hidden_bias' " +
                "and 'classifier.{l}.weight|bias'; CNN: 'param.{i}.weight|bias'. The header's __metadata__ carries format_version (\"1\"), " +
                "model_type (rbm|dbn|cnn), tensor_shapes, hyperparameters, data_spec, metrics, image_width, image_height, author, created_at, " +
                "parent (model id or \"\"), name, model_id and checksum = \"sha256:<hex>\" of the tensor data section, plus the model type's own " +
                "keys (visible_type, sigma, patches, evaluations, dbn_*, cnn_*).")
            .Produces(StatusCodes.Status200OK, contentType: OctetStream)
            .ProducesProblem(StatusCodes.Status404NotFound);

        models.MapPost("/import", ImportModel)
            .RequireRateLimiting(RateLimits.Upload)
            .WithName("ImportModel")
            .WithSummary("Import a safetensors model file as a new private model of the caller")
            .WithDescription(
                "multipart/form-data with field 'file' (the .safetensors file, at most 64 MiB) and optional 'name', or the raw file as " +
                "application/octet-stream (optional ?name=). The file must be a model file exported by this service (format_version \"1\") " +
                "with an intact checksum, F32 tensors whose byte ranges cover the data exactly, shapes consistent with its model_type and " +
                "finite values; anything else is a 400 whose detail says why, and nothing is stored. The new model is Private, Source " +
                "\"import\", and its parent is the model the file was exported from when the caller may read that model.")
            .Accepts<IFormFile>("multipart/form-data", OctetStream)
            .Produces<ModelDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .DisableAntiforgery();

        app.MapGet("/api/shared/{token}/file", DownloadSharedModel)
            .WithTags("Shared links")
            .AllowAnonymous()
            .WithName("DownloadSharedModel")
            .WithSummary("Download the model of an unlisted link as a safetensors file (no sign-in needed)")
            .WithDescription("The same file as GET /api/models/{id}/file.")
            .Produces(StatusCodes.Status200OK, contentType: OctetStream)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>The model's exchange file, named "&lt;name&gt;-&lt;id8&gt;.safetensors"; unknown and unreadable models are 404.</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadModel(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, ModelKindRegistry kinds, TrainingDataAccess trainingData, CancellationToken cancellationToken) =>
        await ModelExchangeExport.OpenAsync(db, db.TrainedModels.Where(m => m.Id == id), kinds, trainingData, user.UserIdOrNull(), cancellationToken) is { } file
            ? Send(file)
            : Problems.NotFound("Model", id);

    /// <summary>The exchange file of the model of an unlisted link; an unknown, rotated or revoked token is 404.</summary>
    /// <param name="token">The link's token.</param>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadSharedModel(
        string token, ClaimsPrincipal user, DeepNetDbContext db, ModelKindRegistry kinds, TrainingDataAccess trainingData, CancellationToken cancellationToken) =>
        token.Length is > 0 and <= 64
        && await ModelExchangeExport.OpenAsync(db, db.TrainedModels.WithShareToken(token), kinds, trainingData, user.UserIdOrNull(), cancellationToken) is { } file
            ? Send(file)
            : Problems.Missing("Link not found", "This link does not exist or was revoked.");

    /// <summary>Streams the file with its ETag; conditional GETs answer 304 and Range requests 206.</summary>
    private static FileStreamHttpResult Send(ModelDownload file) =>
        TypedResults.File(file.Content, OctetStream, file.FileName, entityTag: file.ETag, enableRangeProcessing: true);

    /// <summary>Validates an uploaded model file strictly and stores it as a new private model of the caller.</summary>
    public static async Task<Results<Created<ModelDto>, ValidationProblem, ProblemHttpResult>> ImportModel(
        HttpRequest request, ClaimsPrincipal user, DeepNetDbContext db, TimeProvider clock, ModelKindRegistry kinds, StorageQuota quota, TrainingDataAccess trainingData, CancellationToken cancellationToken)
    {
        string userId = user.UserId();
        byte[] bytes;
        string? name;
        string? fileName = null;
        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync(cancellationToken);
            IFormFile? file = form.Files.GetFile("file");
            if (file is null)
            {
                return Problems.Invalid("file", "is required: send the .safetensors file as multipart/form-data field 'file'.");
            }

            if (file.Length > ModelExchangeFormat.MaxFileBytes)
            {
                return TooLarge(file.Length);
            }

            bytes = await file.ReadAllBytesAsync(cancellationToken);

            name = form["name"].FirstOrDefault();
            fileName = file.FileName;
        }
        else if (request.ContentType is null || request.ContentType.StartsWith(OctetStream, StringComparison.OrdinalIgnoreCase))
        {
            if (await ReadBodyAsync(request.Body, cancellationToken) is not { } body)
            {
                return TooLarge(request.ContentLength);
            }

            bytes = body;
            name = request.Query["name"].FirstOrDefault();
        }
        else
        {
            return Problems.UnsupportedMedia(
                "Unsupported media type",
                $"Send the model file as multipart/form-data field 'file' or as {OctetStream}, not {request.ContentType}.");
        }

        if (bytes.Length == 0)
        {
            return Problems.Invalid("file", "is empty.", "Invalid model file");
        }

        ModelExchangeContents contents;
        try
        {
            contents = ModelExchangeFile.Read(bytes);
        }
        catch (InvalidDataException e)
        {
            return Problems.Invalid("file", e.Message, "Invalid model file");
        }

        string displayName = (string.IsNullOrWhiteSpace(name)
            ? contents.Metadata.GetValueOrDefault(ModelExchangeFormat.NameKey) ?? DefaultName(fileName)
            : name).Trim();
        if (string.IsNullOrWhiteSpace(name) && displayName.Length > DeepNetDbContext.NameMaxLength)
        {
            displayName = displayName[..DeepNetDbContext.NameMaxLength].Trim();
        }

        if (displayName.Length > 0 && UserText.NameProblem(displayName, DeepNetDbContext.NameMaxLength) is { } nameProblem)
        {
            return Problems.Invalid(string.IsNullOrWhiteSpace(name) ? "file" : "name", nameProblem);
        }

        if (displayName.Length == 0)
        {
            displayName = "imported model";
        }

        Guid? parent = null;
        foreach (Guid candidate in ModelExchangeImport.ParentCandidates(contents.Metadata))
        {
            // The caller's view: a model they may not read is no parent (its existence is not revealed either).
            if (await db.TrainedModels.AsNoTracking().AnyAsync(m => m.Id == candidate, cancellationToken))
            {
                parent = candidate;
                break;
            }
        }

        (TrainedModel? model, string? error) = ModelExchangeImport.Build(contents, bytes, displayName, userId, parent, clock.GetUtcNow().UtcDateTime, kinds);
        if (model is null)
        {
            return Problems.Invalid("file", error!, "Invalid model file");
        }

        if (await quota.RefuseAsync(userId, bytes.LongLength, "this model file", cancellationToken) is { } overQuota)
        {
            return overQuota;
        }

        // Stored only now that it is valid and fits the quota; a failure before the row is saved leaves an orphan the sweep removes.
        model.FileHash = (await db.Blobs.WriteAsync(bytes, cancellationToken)).Hash;
        db.TrainedModels.Add(model);
        await db.SaveChangesAsync(cancellationToken);
        ModelDto dto = await ModelCards.ToModelDtoAsync(db, model, userId, kinds, trainingData, cancellationToken);
        return TypedResults.Created($"/api/models/{model.Id}", dto);
    }

    /// <summary>The body, or null when it is larger than <see cref="ModelExchangeFormat.MaxFileBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > ModelExchangeFormat.MaxFileBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult TooLarge(long? length) => Problems.TooLarge(
        "Model file too large",
        (length is { } n ? $"The file is {n} bytes; " : "The file is too large; ")
            + $"at most {ModelExchangeFormat.MaxFileBytes} bytes (64 MiB) are accepted.",
        "file",
        "is larger than 64 MiB");

    private static string DefaultName(string? fileName)
    {
        string name = Path.GetFileNameWithoutExtension(fileName ?? "");
        return name.Length == 0 ? "imported model" : name;
    }
}
