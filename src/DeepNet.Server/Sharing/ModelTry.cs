using System.Numerics.Tensors;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Models.Cnn;
using DeepNet.Models.Dbn;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Runs a readable model on an image through its kind (<see cref="IModelKind.LoadForTry"/>). Loaded models are kept in
/// a small least-recently-used cache per model id (a stored model never changes).
/// </summary>
public sealed class ModelTry(IDbContextFactory<DeepNetDbContext> contexts, ModelKindRegistry kinds, ImageDecodeSlots decodes)
{
    public const int MaxSide = 1024;

    public const int CacheCapacity = 16;

    private readonly LinkedList<(Guid Id, ITryableModel Model)> _cache = new();
    private readonly Lock _cacheLock = new();

    /// <summary>The try columns of the model, if <paramref name="models"/> (already narrowed to what the caller may read) has it.</summary>
    public static Task<TryModelRow?> FindAsync(IQueryable<TrainedModel> models, CancellationToken cancellationToken) =>
        models.AsNoTracking()
            .Select(m => new TryModelRow(m.Id, m.Kind, m.ImageWidth, m.ImageHeight, m.OptionsJson, m.PatchesJson))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>Checks a try request: sizes 1..<see cref="MaxSide"/>, width·height pixels, each finite in [0, 1].</summary>
    public static Dictionary<string, string[]> Validate(TryRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request is null)
        {
            errors["pixels"] = ["is required: send {width, height, pixels} with width·height grey levels in [0, 1]."];
            return errors;
        }

        CheckSide(errors, "width", request.Width);
        CheckSide(errors, "height", request.Height);
        if (request.Pixels is null)
        {
            errors["pixels"] = ["is required: width·height grey levels in [0, 1], row-major."];
        }
        else if (request.Width is { } w && request.Height is { } h && !errors.ContainsKey("width") && !errors.ContainsKey("height"))
        {
            if (request.Pixels.Length != w * h)
            {
                errors["pixels"] = [$"must hold width·height = {w}×{h} = {w * h} values, got {request.Pixels.Length}."];
            }
            else
            {
                for (int i = 0; i < request.Pixels.Length; i++)
                {
                    float p = request.Pixels[i];
                    if (!float.IsFinite(p) || p < 0 || p > 1)
                    {
                        errors[$"pixels[{i}]"] = [$"must be a grey level in [0, 1], got {p}."];
                        break;
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>The try columns of the model an unlisted link names, or null (the token is the permission).</summary>
    public static async Task<TryModelRow?> FindSharedAsync(DeepNetDbContext db, string token, CancellationToken cancellationToken) =>
        await SharedLinkApi.FindAsync(db, token, cancellationToken) is { } model
            ? new TryModelRow(model.Id, model.Kind, model.ImageWidth, model.ImageHeight, model.OptionsJson, model.PatchesJson)
            : null;

    /// <summary>
    /// Checks a drawn image (<see cref="Validate"/>: 400 "Invalid image") and runs the model on it; a model that cannot take
    /// it is a 400 "Model cannot be tried" naming "id".
    /// </summary>
    public async Task<Outcome<TryResultDto>> TryAsync(TryModelRow row, TryRequest? request, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Invalid image");
        }

        var (result, error) = await RunAsync(row, request!, cancellationToken);
        return result is not null ? result : CannotBeTried(error!);
    }

    /// <summary>
    /// Reads an uploaded PNG or JPEG (<see cref="ImageUpload"/>) and reconstructs it with a patch model: the PNG of
    /// <see cref="RunPatchesAsync"/>, or a 400 "Model cannot be tried" naming "id".
    /// </summary>
    public async Task<Outcome<byte[]>> TryImageAsync(TryModelRow row, IFormFile? file, CancellationToken cancellationToken)
    {
        var upload = await ImageUpload.ReadAsync(file, decodes, cancellationToken);
        if (upload.Value is not { } image)
        {
            return upload.Problem<byte[]>();
        }

        var (png, error) = await RunPatchesAsync(row, image, cancellationToken);
        return png is not null ? png : CannotBeTried(error!);
    }

    /// <summary>Runs the model on a validated request; a model that cannot take images gives an error naming "id".</summary>
    private async Task<(TryResultDto? Result, TryError? Error)> RunAsync(TryModelRow row, TryRequest request, CancellationToken cancellationToken)
    {
        if (await LoadOrErrorAsync(row, cancellationToken) is not (ITryableModel model, null))
        {
            return (null, Unreadable(row));
        }

        var image = new GrayImage(request.Width!.Value, request.Height!.Value, (float[])request.Pixels!.Clone());
        return model.Try(row, image);
    }

    /// <summary>
    /// The patch reconstruction of an uploaded image under a patch model (the homework 2 evaluation's code): the image
    /// (scaled down when large) | from binary hidden samples | from probabilities.
    /// </summary>
    private async Task<(byte[]? Png, TryError? Error)> RunPatchesAsync(TryModelRow row, GrayImage image, CancellationToken cancellationToken)
    {
        if (kinds.Find(row.Kind) is not { HasPatchReconstruction: true })
        {
            string patchKinds = string.Join("' or '", kinds.Names.Where(k => kinds.Find(k)!.HasPatchReconstruction));
            return (null, new TryError("id", $"Model {row.Id} is of kind '{row.Kind}'; a patch reconstruction needs a patch model (kind '{patchKinds}'). Use /try for other models."));
        }

        return await LoadOrErrorAsync(row, cancellationToken) is (ITryableModel model, null) && model.TryPatches(image, cancellationToken) is { } result
            ? result
            : (null, Unreadable(row));
    }

    private static void CheckSide(Dictionary<string, string[]> errors, string field, int? value)
    {
        if (value is null)
        {
            errors[field] = [$"is required: 1..{MaxSide} pixels."];
        }
        else if (value is < 1 or > MaxSide)
        {
            errors[field] = [$"must be between 1 and {MaxSide} pixels, got {value}."];
        }
    }

    private static ValidationProblem CannotBeTried(TryError error) => Problems.Invalid(error.Field, error.Message, "Model cannot be tried");

    private static TryError Unreadable(TryModelRow row) => new("id", $"The weights of model {row.Id} cannot be read as a {row.Kind} model.");

    /// <summary>The loaded model, or (null, true) when its file is not a readable model of its kind.</summary>
    private async Task<(ITryableModel? Model, bool? Unreadable)> LoadOrErrorAsync(TryModelRow row, CancellationToken cancellationToken)
    {
        try
        {
            return (await LoadAsync(row, cancellationToken), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException)
        {
            return (null, true);
        }
    }

    private async Task<ITryableModel> LoadAsync(TryModelRow row, CancellationToken cancellationToken)
    {
        lock (_cacheLock)
        {
            for (var node = _cache.First; node is not null; node = node.Next)
            {
                if (node.Value.Id == row.Id)
                {
                    _cache.Remove(node);
                    _cache.AddFirst(node);
                    return node.Value.Model;
                }
            }
        }

        byte[] file;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            file = await db.ReadModelFileAsync(db.TrainedModels.AsNoTracking().Where(m => m.Id == row.Id), cancellationToken) ?? [];
        }

        ITryableModel model = Parse(row, file);
        lock (_cacheLock)
        {
            if (!_cache.Any(e => e.Id == row.Id))
            {
                _cache.AddFirst((row.Id, model));
                while (_cache.Count > CacheCapacity)
                {
                    _cache.RemoveLast();
                }
            }
        }

        return model;
    }

    /// <exception cref="InvalidDataException">The file is not a model of the row's kind.</exception>
    private ITryableModel Parse(TryModelRow row, byte[] file) =>
        kinds.Find(row.Kind) is { } kind
            ? kind.LoadForTry(row, file)
            : throw new InvalidDataException($"Model {row.Id} is of kind '{row.Kind}', which cannot be tried.");
}
