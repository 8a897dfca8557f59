using DeepNet.Data;
using DeepNet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepNet.Server.Library;

/// <summary>
/// The one reader of an uploaded PNG or JPEG (POST /api/images, try-image, the pooling playground; data sets of images
/// read their files with <see cref="FormFiles.ReadAllBytesAsync"/> and decode them in <see cref="ImageDatasetReader"/>):
/// field 'file', at most <see cref="MaxImageBytes"/>, decoded by <see cref="ImageDecoder"/> (PNG and JPEG only, at most
/// 4096×4096 pixels) into grayscale. A missing or empty file is a 400 naming 'file', an oversized one a 413, a corrupt or
/// unsupported one a 400 "Invalid image" with the decoder's reason.
/// </summary>
public static class ImageUpload
{
    /// <summary>Largest accepted image file.</summary>
    public const long MaxImageBytes = 10L * 1024 * 1024;

    /// <summary>The whole multipart request: the file plus room for the form's boundaries, headers and name.</summary>
    public const long MaxRequestBytes = MaxImageBytes + 64 * 1024;

    public const string Field = "file";

    /// <summary>
    /// Checks that the file is there and not empty, adding to <paramref name="errors"/> (with the request's other fields);
    /// the 413 to answer when it is too large, else null.
    /// </summary>
    public static ProblemHttpResult? Check(IFormFile? file, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (file is null)
        {
            errors[Field] = ["is required: send one PNG or JPEG image as multipart/form-data field 'file'."];
        }
        else if (file.Length > MaxImageBytes)
        {
            return Problems.TooLarge(
                "Image too large",
                $"The file is {file.Length} bytes; at most {MaxImageBytes} bytes (10 MB) are accepted.",
                Field,
                "is larger than 10 MB");
        }
        else if (file.Length == 0)
        {
            errors[Field] = ["is empty."];
        }

        return null;
    }

    /// <summary>
    /// Decodes a checked file (<see cref="Check"/>) into a grayscale image in one of the server's decode slots, or a 400
    /// "Invalid image" with the reason (503 when no slot frees in time).
    /// </summary>
    public static async Task<Outcome<GrayImage>> DecodeAsync(IFormFile file, ImageDecodeSlots slots, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(slots);
        using var slot = await slots.TryEnterAsync(cancellationToken);
        if (slot is null)
        {
            return slots.Busy();
        }

        byte[] bytes = await file.ReadAllBytesAsync(cancellationToken);
        try
        {
            return ImageDecoder.Decode(bytes);
        }
        catch (InvalidImageException ex)
        {
            return Problems.Invalid(Field, ex.Message, "Invalid image");
        }
    }

    /// <summary><see cref="Check"/> then <see cref="DecodeAsync"/> for an endpoint whose only field is the file.</summary>
    public static async Task<Outcome<GrayImage>> ReadAsync(IFormFile? file, ImageDecodeSlots slots, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Check(file, errors) is { } tooLarge)
        {
            return tooLarge;
        }

        return errors.Count > 0 ? Problems.Invalid(errors, "Invalid upload") : await DecodeAsync(file!, slots, cancellationToken);
    }
}
