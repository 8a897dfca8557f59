using System.Globalization;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Numerics;
using PoolingKernels = DeepNet.Numerics.Pooling;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Pooling;

/// <summary>
/// The pooling playground (issue 5): max and average pooling of a small matrix or of an image, computed by the same
/// kernels the CNN layers use (<see cref="Pooling"/>). Nothing is stored.
/// </summary>
public static class PoolingApi
{
    public const string Max = "max";
    public const string Average = "average";
    public const int MaxMatrixSide = 64;

    /// <summary>Inputs up to this many rows and columns get the per-output-cell windows (<see cref="PoolingStep"/>).</summary>
    public const int MaxStepsSide = 16;

    public const int MaxWindow = 16;
    public const int MaxStride = 16;
    public const int DefaultWindow = 2;
    public const int MinResize = 4;
    public const int MaxResize = 1024;

    /// <summary>A 64×64 matrix of long decimals (JavaScript prints 0.1 + 0.2 as 0.30000000000000004) fits easily.</summary>
    public const long MaxMatrixRequestBytes = 256 * 1024;

    /// <summary>
    /// Most window reads (outputs × window²) one image request may cost, about a tenth of a second of one core. A 1024×1024
    /// image with 16×16 windows at stride 1 would need 2.6·10⁸; it is refused with a hint to resize or raise the stride.
    /// </summary>
    public const long MaxImageWindowReads = 1L << 27;

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
            .WithMetadata(new RequestSizeLimitAttribute(MaxMatrixRequestBytes));

        api.MapPost("/image", PoolImage)
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
    public static Results<Ok<PoolMatrixResponse>, ValidationProblem> PoolMatrix(PoolMatrixRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var settings = ReadSettings(request?.Mode, request?.Window, request?.Stride, errors);
        float[][]? values = request?.Values;
        int rows = 0;
        int cols = 0;
        if (values is null)
        {
            errors["values"] = ["is required: a list of rows, each a list of numbers, e.g. [[1,2],[3,4]]."];
        }
        else if (values.Length is 0 or > MaxMatrixSide)
        {
            errors["values"] = [$"has {values.Length} rows; 1 to {MaxMatrixSide} rows are accepted."];
        }
        else
        {
            rows = values.Length;
            cols = values[0]?.Length ?? 0;
            CheckRows(values, cols, errors);
        }

        if (errors.Count == 0 && settings.Window > Math.Min(rows, cols))
        {
            errors["window"] = [
                $"a {settings.Window}×{settings.Window} window does not fit in the {rows}×{cols} input (rows × columns); " +
                $"use a window of at most {Math.Min(rows, cols)}."];
        }

        if (errors.Count > 0)
        {
            return Invalid(errors, "Invalid pooling request");
        }

        var input = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            values![r].CopyTo(input, r * cols);
        }

        var result = Pool(input, rows, cols, settings);
        var output = new float[result.Rows][];
        for (int r = 0; r < result.Rows; r++)
        {
            output[r] = result.Values.AsSpan(r * result.Cols, result.Cols).ToArray();
        }

        List<PoolingStep>? steps = null;
        if (rows <= MaxStepsSide && cols <= MaxStepsSide)
        {
            steps = new List<PoolingStep>(result.Rows * result.Cols);
            for (int r = 0; r < result.Rows; r++)
            {
                for (int c = 0; c < result.Cols; c++)
                {
                    int? argmax = result.Argmax?[r * result.Cols + c];
                    steps.Add(new PoolingStep(r, c, r * settings.Stride, c * settings.Stride, argmax / cols, argmax % cols));
                }
            }
        }

        return TypedResults.Ok(new PoolMatrixResponse(
            output, settings.Mode, settings.Window, settings.Stride, rows, cols, result.Rows, result.Cols, steps));
    }

    /// <summary>
    /// Max or average pooling of an image: a built-in or uploaded one named by id (JSON), or a PNG or JPEG sent as
    /// multipart/form-data (not stored). Answers with the pooled PNG, or with both images and their sizes (format=json).
    /// </summary>
    /// <param name="format">"png" (default): the pooled image; "json": both images as base64 PNG with their sizes.</param>
    public static async Task<Results<FileContentHttpResult, Ok<PoolImageResponse>, ValidationProblem, ProblemHttpResult>> PoolImage(
        HttpRequest request,
        [FromQuery] string? format,
        ImageLibrary images,
        RequestUser viewer,
        CancellationToken cancellationToken)
    {
        string answer = string.IsNullOrWhiteSpace(format) ? "png" : format.Trim().ToLowerInvariant();
        if (answer is not ("png" or "json"))
        {
            return Invalid(new() { ["format"] = ["must be \"png\" (the pooled image) or \"json\" (both images and their sizes)."] }, "Invalid pooling request");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        PoolingSettings settings;
        int? resize;
        GrayImage? image;
        if (request.HasJsonContentType())
        {
            if (request.ContentLength > RequestBodyLimit.MaxApiBodyBytes)
            {
                throw new BadHttpRequestException(
                    $"The request body is {request.ContentLength} bytes; at most {RequestBodyLimit.MaxApiBodyBytes} bytes of JSON are accepted.",
                    StatusCodes.Status413PayloadTooLarge);
            }

            var body = await ReadJsonAsync(request, cancellationToken);
            settings = ReadSettings(body?.Mode, body?.Window, body?.Stride, errors);
            resize = CheckResize(body?.Resize, errors);
            string? id = body?.Image?.Trim();
            if (string.IsNullOrEmpty(id))
            {
                errors["image"] = ["is required: 'builtin:chelsea', 'builtin:coffee', 'builtin:rocket' or an uploaded image's id."];
            }

            if (errors.Count > 0)
            {
                return Invalid(errors, "Invalid pooling request");
            }

            image = await images.LoadAsync(id!, viewer, cancellationToken);
            if (image is null)
            {
                return ImagesApi.ImageNotFound(id!);
            }
        }
        else if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                return Invalid(new() { ["file"] = [$"the multipart/form-data body could not be read: {ex.Message}"] }, "Invalid upload");
            }

            settings = ReadSettings(
                form["mode"].ToString() is { Length: > 0 } mode ? mode : null,
                FormInt(form, "window", errors),
                FormInt(form, "stride", errors),
                errors);
            resize = CheckResize(FormInt(form, "resize", errors), errors);
            var file = form.Files.GetFile("file");
            if (file is null)
            {
                errors["file"] = ["is required: send one PNG or JPEG image as multipart/form-data field 'file'."];
            }
            else if (file.Length > ImageUpload.MaxImageBytes)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "Image too large",
                    detail: $"The file is {file.Length} bytes; at most {ImageUpload.MaxImageBytes} bytes (10 MB) are accepted.",
                    extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["file"] = ["is larger than 10 MB"] } });
            }
            else if (file.Length == 0)
            {
                errors["file"] = ["is empty."];
            }

            if (errors.Count > 0)
            {
                return Invalid(errors, "Invalid pooling request");
            }

            var bytes = new byte[file!.Length];
            await using (var stream = file.OpenReadStream())
            {
                await stream.ReadExactlyAsync(bytes, cancellationToken);
            }

            try
            {
                image = ImageDecoder.Decode(bytes);
            }
            catch (InvalidImageException ex)
            {
                return Invalid(new() { ["file"] = [ex.Message] }, "Invalid image");
            }
        }
        else
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"Send application/json (an image id) or multipart/form-data (a PNG or JPEG as field 'file'), not '{request.ContentType}'.");
        }

        if (resize is { } side)
        {
            image = image.Resize(side, side);
        }

        if (settings.Window > Math.Min(image.Width, image.Height))
        {
            return Invalid(
                new()
                {
                    ["window"] = [
                        $"a {settings.Window}×{settings.Window} window does not fit in the {image.Width}×{image.Height} image (width × height)" +
                        $"{(resize is null ? "" : " after the resize")}; use a window of at most {Math.Min(image.Width, image.Height)}."],
                },
                "Invalid pooling request");
        }

        (int outputHeight, int outputWidth) = PoolingKernels.OutputSize(image.Height, image.Width, settings.Window, settings.Stride);
        long reads = (long)outputHeight * outputWidth * settings.Window * settings.Window;
        if (reads > MaxImageWindowReads)
        {
            return Invalid(
                new()
                {
                    ["window"] = [
                        $"pooling the {image.Width}×{image.Height} image with {settings.Window}×{settings.Window} windows at stride {settings.Stride} " +
                        $"reads {reads} values, more than the {MaxImageWindowReads} allowed; resize the image or use a larger stride."],
                },
                "Invalid pooling request");
        }

        var result = Pool(image.Pixels, image.Height, image.Width, settings);
        var pooled = new GrayImage(result.Cols, result.Rows, result.Values);
        byte[] png = pooled.ToPng();
        if (answer == "json")
        {
            return TypedResults.Ok(new PoolImageResponse(
                settings.Mode, settings.Window, settings.Stride, resize, image.Width, image.Height, pooled.Width, pooled.Height,
                Convert.ToBase64String(image.ToPng()), Convert.ToBase64String(png)));
        }

        var headers = request.HttpContext.Response.Headers;
        headers[InputSizeHeader] = $"{image.Width}x{image.Height}";
        headers[OutputSizeHeader] = $"{pooled.Width}x{pooled.Height}";
        return TypedResults.File(png, "image/png");
    }

    /// <summary>
    /// Pools one plane of <paramref name="rows"/> × <paramref name="cols"/> values with the CNN kernels; the argmax
    /// (index y·cols + x of each window's first maximum) only for max pooling.
    /// </summary>
    internal static (float[] Values, int[]? Argmax, int Rows, int Cols) Pool(float[] input, int rows, int cols, PoolingSettings settings)
    {
        (int outRows, int outCols) = PoolingKernels.OutputSize(rows, cols, settings.Window, settings.Stride);
        var output = new float[outRows * outCols];
        if (settings.Mode == Max)
        {
            var argmax = new int[output.Length];
            PoolingKernels.MaxForward(input, 1, rows, cols, settings.Window, settings.Stride, output, argmax);
            return (output, argmax, outRows, outCols);
        }

        PoolingKernels.AverageForward(input, 1, rows, cols, settings.Window, settings.Stride, output);
        return (output, null, outRows, outCols);
    }

    internal readonly record struct PoolingSettings(string Mode, int Window, int Stride);

    private static PoolingSettings ReadSettings(string? mode, int? window, int? stride, Dictionary<string, string[]> errors)
    {
        string normalized = string.IsNullOrWhiteSpace(mode) ? Max : mode.Trim().ToLowerInvariant();
        if (normalized is not (Max or Average))
        {
            errors["mode"] = [$"must be \"{Max}\" or \"{Average}\", not \"{mode}\"."];
        }

        int w = window ?? DefaultWindow;
        if (w is < 1 or > MaxWindow)
        {
            errors["window"] = [$"must be between 1 and {MaxWindow} (the side of the square window), not {w}."];
        }

        int s = stride ?? w;
        if (s is < 1 or > MaxStride)
        {
            errors["stride"] = [$"must be between 1 and {MaxStride}, not {s}."];
        }

        return new PoolingSettings(normalized, w, s);
    }

    private static void CheckRows(float[][] values, int cols, Dictionary<string, string[]> errors)
    {
        for (int r = 0; r < values.Length; r++)
        {
            float[]? row = values[r];
            string field = $"values[{r}]";
            if (row is null)
            {
                errors[field] = ["must be a list of numbers, not null."];
                return;
            }

            if (r == 0 && (row.Length is 0 or > MaxMatrixSide))
            {
                errors[field] = [$"has {row.Length} numbers; rows of 1 to {MaxMatrixSide} numbers are accepted."];
                return;
            }

            if (row.Length != cols)
            {
                errors[field] = [$"has {row.Length} numbers but row 0 has {cols}: every row must have the same length."];
                return;
            }

            for (int c = 0; c < row.Length; c++)
            {
                if (!float.IsFinite(row[c]))
                {
                    errors[$"values[{r}][{c}]"] = [$"must be a finite number, not {row[c].ToString(CultureInfo.InvariantCulture)}."];
                    return;
                }
            }
        }
    }

    private static int? CheckResize(int? resize, Dictionary<string, string[]> errors)
    {
        if (resize is { } side && side is < MinResize or > MaxResize)
        {
            errors["resize"] = [$"must be between {MinResize} and {MaxResize} (the side of the square the image is resized to), not {side}; omit it to keep the image's size."];
        }

        return resize;
    }

    private static int? FormInt(IFormCollection form, string name, Dictionary<string, string[]> errors)
    {
        string text = form[name].ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        errors[name] = [$"must be a whole number, not \"{text}\"."];
        return null;
    }

    private static async Task<PoolImageRequest?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFromJsonAsync<PoolImageRequest>(cancellationToken);
        }
        catch (JsonException ex)
        {
            // The exception handler turns this into a ProblemDetails naming the field, as for bound bodies.
            throw new BadHttpRequestException("Failed to read the JSON request body.", StatusCodes.Status400BadRequest, ex);
        }
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title) =>
        TypedResults.ValidationProblem(
            errors,
            detail: string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            title: title);
}
