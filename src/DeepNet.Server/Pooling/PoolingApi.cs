using DeepNet.Server.Infrastructure;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DeepNet.Server.Pooling;

/// <summary>The pooling playground's endpoints; <see cref="PoolingService"/> reads the input and pools it.</summary>
public static class PoolingApi
{
    /// <summary>Response headers of the PNG answer of POST /api/pooling/image: "&lt;width&gt;x&lt;height&gt;".</summary>
    public const string InputSizeHeader = "X-Input-Size";

    public const string OutputSizeHeader = "X-Output-Size";

    public static IEndpointRouteBuilder MapPoolingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/pooling").WithTags("Pooling");

        api.MapPost("/matrix", PoolMatrix)
            .WithName("PoolMatrix")
            .WithSummary("Max or average pooling of a small matrix")
            .WithDescription(
                "values: 1..64 rows of 1..64 finite numbers (rectangular); mode 'max' (default) or 'average'; window 1..16 (default 2; " +
                "at most the rows and columns); stride 1..16 (default: the window). No padding: the result has ⌊(rows − window) / stride⌋ + 1 " +
                "rows and ⌊(cols − window) / stride⌋ + 1 columns. The lecture's example: [[1,2,0,3],[4,3,6,5],[3,4,1,2],[2,7,2,0]] with a 2×2 " +
                "window and stride 2 gives [[4,6],[7,2]] (max) and [[2.5,3.5],[4,1.25]] (average). For inputs of at most 16×16, 'steps' names " +
                "each output cell's window (top-left input cell) and, for max pooling, the position of its maximum (the first one on ties).")
            .Accepts<PoolMatrixRequest>("application/json")
            .Produces<PoolMatrixResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(PoolingService.MaxMatrixRequestBytes));

        api.MapPost("/image", PoolImage)
            .RequireRateLimiting(RateLimits.Upload)
            .WithName("PoolImage")
            .WithSummary("Max or average pooling of an image (built-in, uploaded earlier, or sent with the request)")
            .WithDescription(
                "Either JSON {image: 'builtin:<name>' or an uploaded image's id, resize?, mode?, window?, stride?} or multipart/form-data with " +
                "field 'file' (one PNG or JPEG, at most 10 MB and 4096×4096 pixels; pooled and forgotten, nothing is stored) and the same " +
                "optional fields resize, mode, window, stride. The image is converted to grayscale (Rec. 601 luma), resized to resize×resize " +
                "when resize (4..1024) is given, then pooled: mode 'max' (default) or 'average', window 1..16 (default 2), stride 1..16 " +
                "(default: the window). The lecture's example: resize 200, window 4, stride 4 takes 200×200 to 50×50. " +
                "format=png (default) answers with the pooled image as grayscale PNG and the sizes in the headers X-Input-Size and " +
                "X-Output-Size ('<width>x<height>'); format=json answers with both images (base64 PNG) and their sizes.")
            .Accepts<PoolImageRequest>("application/json", "multipart/form-data")
            .Produces<PoolImageResponse>(StatusCodes.Status200OK, "application/json", "image/png")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithMetadata(new RequestSizeLimitAttribute(ImageUpload.MaxRequestBytes))
            .DisableAntiforgery();

        return app;
    }

    /// <summary>Max or average pooling of a small matrix, with each output cell's window for inputs up to 16×16.</summary>
    /// <param name="request">values (required), mode, window and stride.</param>
    /// <param name="pooling">The playground.</param>
    public static Results<Ok<PoolMatrixResponse>, ValidationProblem> PoolMatrix(PoolMatrixRequest? request, PoolingService pooling)
    {
        var pooled = pooling.PoolMatrix(request);
        return pooled.Invalid is { } invalid ? invalid : TypedResults.Ok(pooled.Value!);
    }

    /// <summary>
    /// Max or average pooling of an image: a built-in or uploaded one named by id (JSON), or a PNG or JPEG sent as
    /// multipart/form-data (not stored). Answers with the pooled PNG, or with both images and their sizes (format=json).
    /// </summary>
    public static async Task<Results<FileContentHttpResult, Ok<PoolImageResponse>, ValidationProblem, ProblemHttpResult>> PoolImage(
        [AsParameters] PoolImageParameters call)
    {
        var pooled = await call.Pooling.PoolImageAsync(call.Request, call.Format, call.Viewer, call.CancellationToken);
        if (pooled.Value is not { } result)
        {
            return pooled.Invalid is { } invalid ? invalid : pooled.Refused!;
        }

        byte[] png = result.Output.ToPng();
        if (result.Format == PooledImage.Json)
        {
            return TypedResults.Ok(new PoolImageResponse(
                result.Mode, result.Window, result.Stride, result.Resize, result.Input.Width, result.Input.Height, result.Output.Width, result.Output.Height,
                Convert.ToBase64String(result.Input.ToPng()), Convert.ToBase64String(png)));
        }

        var headers = call.Request.HttpContext.Response.Headers;
        headers[InputSizeHeader] = $"{result.Input.Width}x{result.Input.Height}";
        headers[OutputSizeHeader] = $"{result.Output.Width}x{result.Output.Height}";
        return TypedResults.File(png, "image/png");
    }
}

/// <summary>POST /api/pooling/image: the raw request (JSON or multipart), the answer's format and the services the handler calls.</summary>
/// <param name="Format">"png" (default): the pooled image; "json": both images as base64 PNG with their sizes.</param>
public sealed record PoolImageParameters(
    HttpRequest Request,
    [FromQuery(Name = "format")] string? Format,
    PoolingService Pooling,
    RequestUser Viewer,
    CancellationToken CancellationToken);
