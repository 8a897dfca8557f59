using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Library;

public static class ImagesApi
{
    /// <summary>Largest accepted image file.</summary>
    public const long MaxImageBytes = 10L * 1024 * 1024;

    /// <summary>The whole multipart request: the file plus room for the form's boundaries, headers and name.</summary>
    public const long MaxRequestBytes = MaxImageBytes + 64 * 1024;

    public static IEndpointRouteBuilder MapImagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/images").WithTags("Images");

        api.MapPost("/", UploadImage)
            .WithName("UploadImage")
            .WithSummary("Upload a PNG or JPEG image")
            .WithDescription("multipart/form-data with field 'file' (one PNG or JPEG, at most 10 MB and 4096×4096 pixels) and optional 'name' " +
                "(at most 200 characters; default: the file name). The image is stored as 8-bit grayscale (Rec. 601 luma). Returns 201 with the image.")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<ImageDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .DisableAntiforgery();

        api.MapGet("/", ListImages)
            .WithName("ListImages")
            .WithSummary("List built-in photos (with licences) and uploaded images")
            .WithDescription("Built-in photos come first (ids 'builtin:<name>'), then uploads, newest first.");

        api.MapGet("/{id}", GetImage)
            .WithName("GetImage")
            .WithSummary("Get an image as grayscale PNG")
            .WithDescription("id is 'builtin:<name>' or an upload's id.")
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
    /// <param name="name">Display name, at most 200 characters; default the file name without extension.</param>
    public static async Task<Results<Created<ImageDto>, ValidationProblem, ProblemHttpResult>> UploadImage(
        IFormFile? file,
        [FromForm] string? name,
        ImageLibrary images,
        RequestUser viewer,
        CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return Invalid("file", "is required: send one PNG or JPEG image as multipart/form-data field 'file'.");
        }

        if (file.Length > MaxImageBytes)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Image too large",
                detail: $"The file is {file.Length} bytes; at most {MaxImageBytes} bytes (10 MB) are accepted.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["file"] = ["is larger than 10 MB"] } });
        }

        if (file.Length == 0)
        {
            return Invalid("file", "is empty.");
        }

        string displayName = string.IsNullOrWhiteSpace(name) ? DatasetsApi.DefaultName(file.FileName) : name.Trim();
        if (displayName.Length > DeepNetDbContext.NameMaxLength)
        {
            return Invalid("name", $"must be at most {DeepNetDbContext.NameMaxLength} characters.");
        }

        if (displayName.Length == 0)
        {
            displayName = "image";
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        GrayImage image;
        try
        {
            image = ImageDecoder.Decode(bytes);
        }
        catch (InvalidImageException ex)
        {
            return Invalid("file", ex.Message, "Invalid image");
        }

        var dto = await images.AddAsync(displayName, image, viewer.Id, cancellationToken);
        return TypedResults.Created(dto.Url, dto);
    }

    /// <summary>Built-in photos first, then uploads, newest first.</summary>
    public static async Task<Ok<IReadOnlyList<ImageDto>>> ListImages(ImageLibrary images, RequestUser viewer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await images.ListAsync(viewer, cancellationToken));

    /// <summary>The grayscale PNG of a built-in photo or an upload.</summary>
    /// <param name="id">"builtin:&lt;name&gt;" or an upload's id.</param>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetImage(string id, ImageLibrary images, RequestUser viewer, CancellationToken cancellationToken) =>
        await images.GetPngAsync(id, viewer, cancellationToken) is { } png ? TypedResults.File(png, "image/png") : ImageNotFound(id);

    /// <summary>Deletes an uploaded image.</summary>
    /// <param name="id">The upload's id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteImage(string id, ImageLibrary images, RequestUser viewer, CancellationToken cancellationToken)
    {
        if (ImageLibrary.IsBuiltInId(id))
        {
            return ImageLibrary.TryParseId(id, out _, out _)
                ? TypedResults.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Built-in images cannot be deleted",
                    detail: $"Image {id} is one of the built-in photos; only uploaded images can be deleted.")
                : ImageNotFound(id);
        }

        return Guid.TryParse(id, out var upload) && await images.DeleteAsync(upload, viewer, cancellationToken)
            ? TypedResults.NoContent()
            : ImageNotFound(id);
    }

    internal static ProblemHttpResult ImageNotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Image not found",
        detail: $"Image {id} not found.");

    private static ValidationProblem Invalid(string field, string message, string title = "Invalid upload") =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            detail: $"{field}: {message}",
            title: title);
}
