using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.RbmFamily;

/// <summary>The patches spec and the fitted standardizer a patch model stores beside its weights ("patches" column and metadata).</summary>
public static class PatchModel
{
    public static PatchesSpec? ReadSpec(string? patchesJson) =>
        patchesJson is null ? null : JsonSerializer.Deserialize<ModelPatchesDto>(patchesJson, JsonDefaults.Options)?.Spec;

    /// <summary>The patches spec of a model's patches column ({"spec", "standardizer"}) or of a job's (the spec itself).</summary>
    public static PatchesSpec? ReadSpecOfModelOrJob(string? patchesJson) =>
        string.IsNullOrWhiteSpace(patchesJson) ? null : ReadSpec(patchesJson) ?? JobMapper.ReadPatches(patchesJson);

    /// <summary>The standardizer of a patch model, or null when the JSON holds none (or none that can be read).</summary>
    public static PatchStandardizer? ReadStandardizer(string? patchesJson)
    {
        if (string.IsNullOrWhiteSpace(patchesJson))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(patchesJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("standardizer", out var element)
                && element.ValueKind == JsonValueKind.Object
                ? PatchStandardizer.FromJson(element.GetRawText())
                : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>
/// An RBM tried on an image: its up-down pass with probabilities — for a patch model, of one standardized patch (the
/// image resized to the patch) mapped back to grey levels — and, for a patch model, homework 2's whole-image reconstruction.
/// </summary>
public sealed class TryableRbm(Rbm rbm, int width, int height, PatchesSpec? patches, PatchStandardizer? standardizer) : ITryableModel
{
    /// <summary>Uploads for a patch reconstruction are scaled down to at most this many pixels on their longer side.</summary>
    public const int MaxPatchImageSide = 256;

    public static TryableRbm Load(TryModelRow row, byte[] file) => new(
        RbmModelFile.Load(file).Rbm, row.ImageWidth, row.ImageHeight, PatchModel.ReadSpec(row.PatchesJson), PatchModel.ReadStandardizer(row.PatchesJson));

    public (TryResultDto? Result, TryError? Error) Try(TryModelRow row, GrayImage image)
    {
        if (patches is not null && standardizer is not null)
        {
            int side = patches.PatchSize;
            var patch = new Matrix(1, side * side, image.Resize(side, side).Pixels);
            var standardized = standardizer.Transform(patch, out var statistics);
            var hidden = new Matrix(1, rbm.VisibleUnits);
            rbm.Reconstruct(standardized.AsSpan(), 1, hidden.AsSpan());
            float[] back = standardizer.InverseTransform(hidden, statistics).Data;
            return (TryResultDto.Of(side, side, patch.Data, back, null), null);
        }

        if (width * height != rbm.VisibleUnits)
        {
            return (null, TryError.NotAnImage(width, height, rbm.VisibleUnits));
        }

        float[] input = image.Resize(width, height).Pixels;
        var reconstruction = new float[rbm.VisibleUnits];
        rbm.Reconstruct(input, 1, reconstruction);
        return (TryResultDto.Of(width, height, input, reconstruction, null), null);
    }

    public (byte[]? Png, TryError? Error)? TryPatches(GrayImage image, CancellationToken cancellationToken)
    {
        if (patches is null || standardizer is null)
        {
            return null;
        }

        int longer = Math.Max(image.Width, image.Height);
        if (longer > MaxPatchImageSide)
        {
            double scale = (double)MaxPatchImageSide / longer;
            image = image.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
        }

        if (image.Width < patches.PatchSize || image.Height < patches.PatchSize)
        {
            return (null, new TryError("file", $"is {image.Width}×{image.Height} pixels; the model's patches are {patches.PatchSize}×{patches.PatchSize}, so the image must be at least that large."));
        }

        var (_, png) = RbmEvaluator.PatchReconstruction(rbm, standardizer, image, patches, seed: 1, cancellationToken);
        return (png, null);
    }
}
