using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Library;

public static class ImagesApi
{
    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/images").WithTags("Images");

        api.MapPost("/", UploadImage)
            .RequireRateLimiting(RateLimits.Upload)
            .WithName("UploadImage")
            .WithSummary("Upload a PNG or JPEG image")
            .WithDescription("multipart/form-data with field 'file' (one PNG or JPEG, at most 10 MB and 4096×4096 pixels) and optional 'name' " +
                "(at most 200 characters; default: the file name). The image is stored as 8-bit grayscale (Rec. 601 luma). Returns 201 with the image.")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<ImageDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(ImageUpload.MaxRequestBytes))
            .DisableAntiforgery();

        api.MapGet("/", ListImages)
            .WithName("ListImages")
            .WithSummary("List built-in photos (with licences) and uploaded images")
            .WithDescription("Built-in photos come first (ids 'builtin:<name>'), then uploads, newest first.");

        api.MapGet("/{id}", GetImage)
            .WithName("GetImage")
            .WithSummary("Get an image as grayscale PNG")
            .WithDescription("id is 'builtin:<name>' or an upload's id. Streamed with an ETag (the SHA-256 of the PNG): conditional GETs answer 304 and Range requests 206.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id}", DeleteImage)
            .WithName("DeleteImage")
            .WithSummary("Delete an uploaded image")
            .WithDescription("Built-in photos cannot be deleted (400).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Decodes an uploaded PNG or JPEG, converts it to grayscale and stores it.</summary>
    /// <param name="file">One PNG or JPEG file, at most 10 MB.</param>
    /// <param name="upload">The form's name and the services.</param>
    // The file stays a parameter of its own: Swashbuckle names form fields after it and refuses [FromForm] on a file.
    public static async Task<Results<Created<ImageDto>, ValidationProblem, ProblemHttpResult>> UploadImage(
        IFormFile? file, [AsParameters] UploadImageParameters upload) =>
        (await upload.Images.UploadAsync(file, upload.Name, upload.Viewer, upload.CancellationToken))
            .Map(dto => TypedResults.Created(dto.Url, dto));

    /// <summary>Built-in photos first, then uploads, newest first.</summary>
    public static async Task<Ok<IReadOnlyList<ImageDto>>> ListImages(ImageLibrary images, RequestUser viewer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await images.ListAsync(viewer, cancellationToken));

    /// <summary>The grayscale PNG of a built-in photo or an upload.</summary>
    /// <param name="id">"builtin:&lt;name&gt;" or an upload's id.</param>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetImage(string id, ImageLibrary images, RequestUser viewer, CancellationToken cancellationToken) =>
        await images.OpenPngAsync(id, viewer, cancellationToken) is { } png
            ? TypedResults.File(png.Content, "image/png", entityTag: BlobETag.Of(png.Hash), enableRangeProcessing: true)
            : ImageNotFound(id);

    /// <summary>Deletes an uploaded image.</summary>
    /// <param name="id">The upload's id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteImage(string id, ImageLibrary images, RequestUser viewer, CancellationToken cancellationToken)
    {
        if (ImageLibrary.IsBuiltInId(id))
        {
            return ImageLibrary.TryParseId(id, out _, out _)
                ? Problems.BadRequest("Built-in images cannot be deleted", $"Image {id} is one of the built-in photos; only uploaded images can be deleted.")
                : ImageNotFound(id);
        }

        return Guid.TryParse(id, out var upload) && await images.DeleteAsync(upload, viewer, cancellationToken)
            ? TypedResults.NoContent()
            : ImageNotFound(id);
    }

    internal static ProblemHttpResult ImageNotFound(string id) => Problems.NotFound("Image", id);
}

/// <summary>POST /api/images: the form's name and the services the handler calls.</summary>
/// <param name="Name">Display name, at most 200 characters; default the file name without extension.</param>
public sealed record UploadImageParameters(
    [FromForm(Name = "name")] string? Name,
    ImageLibrary Images,
    RequestUser Viewer,
    CancellationToken CancellationToken);
