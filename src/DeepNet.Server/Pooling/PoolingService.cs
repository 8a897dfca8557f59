using System.Globalization;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using PoolingKernels = DeepNet.Numerics.Pooling;

namespace DeepNet.Server.Pooling;

/// <summary>
/// The pooling playground (issue 5): max and average pooling of a small matrix or of an image, computed by the same
/// kernels the CNN layers use (<see cref="PoolingKernels"/>). Nothing is stored.
/// </summary>
public sealed class PoolingService(ImageLibrary images, ImageDecodeSlots decodes)
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

    private const string InvalidTitle = "Invalid pooling request";

    /// <summary>Max or average pooling of a small matrix, with each output cell's window for inputs up to 16×16.</summary>
    public Outcome<PoolMatrixResponse> PoolMatrix(PoolMatrixRequest? request)
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
            return Problems.Invalid(errors, InvalidTitle);
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

        return new PoolMatrixResponse(
            output, settings.Mode, settings.Window, settings.Stride, rows, cols, result.Rows, result.Cols, steps);
    }

    /// <summary>
    /// Max or average pooling of an image: a built-in or uploaded one named by id (JSON), or a PNG or JPEG sent as
    /// multipart/form-data (<see cref="ImageUpload"/>; not stored). <paramref name="format"/> is checked first.
    /// </summary>
    public async Task<Outcome<PooledImage>> PoolImageAsync(HttpRequest request, string? format, RequestUser viewer, CancellationToken cancellationToken)
    {
        string answer = string.IsNullOrWhiteSpace(format) ? PooledImage.Png : format.Trim().ToLowerInvariant();
        if (answer is not (PooledImage.Png or PooledImage.Json))
        {
            return Problems.Invalid("format", "must be \"png\" (the pooled image) or \"json\" (both images and their sizes).", InvalidTitle);
        }

        var input = request.HasJsonContentType()
            ? await ReadJsonRequestAsync(request, viewer, cancellationToken)
            : request.HasFormContentType
                ? await ReadFormRequestAsync(request, cancellationToken)
                : Problems.UnsupportedMedia(
                    "Unsupported content type",
                    $"Send application/json (an image id) or multipart/form-data (a PNG or JPEG as field 'file'), not '{request.ContentType}'.");
        if (input.Value is not ImageRequest(var image, var settings, var resize))
        {
            return input.Problem<PooledImage>();
        }

        if (resize is { } side)
        {
            image = image.Resize(side, side);
        }

        if (settings.Window > Math.Min(image.Width, image.Height))
        {
            return Problems.Invalid(
                "window",
                $"a {settings.Window}×{settings.Window} window does not fit in the {image.Width}×{image.Height} image (width × height)" +
                $"{(resize is null ? "" : " after the resize")}; use a window of at most {Math.Min(image.Width, image.Height)}.",
                InvalidTitle);
        }

        (int outputHeight, int outputWidth) = PoolingKernels.OutputSize(image.Height, image.Width, settings.Window, settings.Stride);
        long reads = (long)outputHeight * outputWidth * settings.Window * settings.Window;
        if (reads > MaxImageWindowReads)
        {
            return Problems.Invalid(
                "window",
                $"pooling the {image.Width}×{image.Height} image with {settings.Window}×{settings.Window} windows at stride {settings.Stride} " +
                $"reads {reads} values, more than the {MaxImageWindowReads} allowed; resize the image or use a larger stride.",
                InvalidTitle);
        }

        var result = Pool(image.Pixels, image.Height, image.Width, settings);
        return new PooledImage(answer, settings.Mode, settings.Window, settings.Stride, resize, image, new GrayImage(result.Cols, result.Rows, result.Values));
    }

    /// <summary>JSON {image, resize?, mode?, window?, stride?}: a built-in or uploaded image by id.</summary>
    private async Task<Outcome<ImageRequest>> ReadJsonRequestAsync(HttpRequest request, RequestUser viewer, CancellationToken cancellationToken)
    {
        if (request.ContentLength > RequestBodyLimit.MaxApiBodyBytes)
        {
            throw new BadHttpRequestException(
                $"The request body is {request.ContentLength} bytes; at most {RequestBodyLimit.MaxApiBodyBytes} bytes of JSON are accepted.",
                StatusCodes.Status413PayloadTooLarge);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var body = await ReadJsonAsync(request, cancellationToken);
        var settings = ReadSettings(body?.Mode, body?.Window, body?.Stride, errors);
        int? resize = CheckResize(body?.Resize, errors);
        string? id = body?.Image?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            errors["image"] = ["is required: 'builtin:chelsea', 'builtin:coffee', 'builtin:rocket' or an uploaded image's id."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, InvalidTitle);
        }

        return await images.LoadAsync(id!, viewer, cancellationToken) is { } image
            ? new ImageRequest(image, settings, resize)
            : ImagesApi.ImageNotFound(id!);
    }

    /// <summary>multipart/form-data: field 'file' (<see cref="ImageUpload"/>) and resize, mode, window, stride.</summary>
    private async Task<Outcome<ImageRequest>> ReadFormRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            return Problems.Invalid(ImageUpload.Field, $"the multipart/form-data body could not be read: {ex.Message}", "Invalid upload");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var settings = ReadSettings(
            form["mode"].ToString() is { Length: > 0 } mode ? mode : null,
            FormInt(form, "window", errors),
            FormInt(form, "stride", errors),
            errors);
        int? resize = CheckResize(FormInt(form, "resize", errors), errors);
        var file = form.Files.GetFile(ImageUpload.Field);
        if (ImageUpload.Check(file, errors) is { } tooLarge)
        {
            return tooLarge;
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, InvalidTitle);
        }

        var decoded = await ImageUpload.DecodeAsync(file!, decodes, cancellationToken);
        return decoded.Value is { } image ? new ImageRequest(image, settings, resize) : decoded.Problem<ImageRequest>();
    }

    /// <summary>
    /// Pools one plane of <paramref name="rows"/> × <paramref name="cols"/> values with the CNN kernels; the argmax
    /// (index y·cols + x of each window's first maximum) only for max pooling.
    /// </summary>
    private static (float[] Values, int[]? Argmax, int Rows, int Cols) Pool(float[] input, int rows, int cols, PoolingSettings settings)
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

    private readonly record struct PoolingSettings(string Mode, int Window, int Stride);

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

    private sealed record ImageRequest(GrayImage Image, PoolingSettings Settings, int? Resize);
}

/// <summary>An image as pooled: the input (gray, resized) and the result, with the answer's format ("png" or "json").</summary>
public sealed record PooledImage(string Format, string Mode, int Window, int Stride, int? Resize, GrayImage Input, GrayImage Output)
{
    public const string Png = "png";
    public const string Json = "json";
}
