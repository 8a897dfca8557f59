using System.Numerics.Tensors;
using DeepNet.Data;

namespace DeepNet.Server.Contracts;

/// <summary>The descriptive columns of a model a try needs (never the file).</summary>
public sealed record TryModelRow(Guid Id, string Kind, int ImageWidth, int ImageHeight, string OptionsJson, string? PatchesJson);

/// <summary>Why a try was refused: the field to name in the 400 and the message.</summary>
public sealed record TryError(string Field, string Message)
{
    public static TryError NotAnImage(int width, int height, int inputs) =>
        new("id", $"The model takes {inputs} inputs, which are not a {width}×{height} image; it cannot be tried on a drawing.");
}

/// <summary>A stored model loaded for "try it" (cached: a stored model never changes). Calls may come from several requests at once.</summary>
public interface ITryableModel
{
    /// <summary>What the model makes of one grey image (resized to the model's input).</summary>
    (TryResultDto? Result, TryError? Error) Try(TryModelRow row, GrayImage image);

    /// <summary>
    /// Homework 2's patch reconstruction of a whole image (the image | from binary features | from probabilities), or null
    /// when the model is not a patch model.
    /// </summary>
    (byte[]? Png, TryError? Error)? TryPatches(GrayImage image, CancellationToken cancellationToken) => null;
}

/// <summary>What a model makes of an image.</summary>
/// <param name="Width">Width of the model's input (the image after resizing).</param>
/// <param name="Height">Height of the model's input.</param>
/// <param name="Reconstruction">
/// Width·height values, row-major: an RBM's up-down pass with probabilities (Q(h|x), then the visible means); a DBN's
/// up pass through its stack and down pass back to pixels when its layers are generative (pre-trained as RBMs or
/// auto-associators); null for CNNs and DBNs without generative weights.
/// </param>
/// <param name="ReconstructionPngBase64">Base64 PNG of the model's input (top) above its reconstruction (bottom); null without a reconstruction.</param>
/// <param name="Probabilities">Class probabilities of a classifier (DBN with a classifier, CNN); null for RBMs.</param>
/// <param name="Predicted">The most probable class; null for RBMs.</param>
public sealed record TryResultDto(
    int Width,
    int Height,
    float[]? Reconstruction,
    string? ReconstructionPngBase64,
    float[]? Probabilities,
    int? Predicted)
{
    /// <summary>The result for <paramref name="input"/> (width·height values), with its reconstruction image when there is one.</summary>
    public static TryResultDto Of(int width, int height, float[] input, float[]? reconstruction, float[]? probabilities) => new(
        width,
        height,
        reconstruction,
        reconstruction is null ? null : Convert.ToBase64String(TileImage.RenderRows(input, reconstruction, 1, width, height)),
        probabilities,
        probabilities is null ? null : TensorPrimitives.IndexOfMax(probabilities));
}
