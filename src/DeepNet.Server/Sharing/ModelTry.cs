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
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>The descriptive columns of a model a try needs (never the file).</summary>
public sealed record TryModelRow(Guid Id, string Kind, int ImageWidth, int ImageHeight, string OptionsJson, string? PatchesJson);

/// <summary>Why a try was refused: the field to name in the 400 and the message.</summary>
public sealed record TryError(string Field, string Message);

/// <summary>
/// Runs a readable model on an image: an RBM's up-down pass with probabilities (through the patch standardizer for
/// patch models), a DBN's class probabilities and — when its layers are generative — its reconstruction through the
/// stack, a CNN's class probabilities. Models are loaded from their files with the model-file readers and kept in a
/// small least-recently-used cache per model id (a stored model never changes).
/// </summary>
public sealed class ModelTry(IDbContextFactory<DeepNetDbContext> contexts)
{
    public const int MaxSide = 1024;

    /// <summary>Uploads for a patch reconstruction are scaled down to at most this many pixels on their longer side.</summary>
    public const int MaxPatchImageSide = 256;

    public const int CacheCapacity = 16;

    private readonly LinkedList<(Guid Id, LoadedModel Model)> _cache = new();
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

    /// <summary>Runs the model on a validated request; a model that cannot take images gives an error naming "id".</summary>
    public async Task<(TryResultDto? Result, TryError? Error)> TryAsync(TryModelRow row, TryRequest request, CancellationToken cancellationToken)
    {
        if (await LoadOrErrorAsync(row, cancellationToken) is not (LoadedModel model, null))
        {
            return (null, Unreadable(row));
        }

        var image = new GrayImage(request.Width!.Value, request.Height!.Value, (float[])request.Pixels!.Clone());
        return model switch
        {
            LoadedRbm rbm => TryRbm(rbm, image),
            LoadedDbn dbn => TryDbn(row, dbn, image),
            LoadedCnn cnn => TryCnn(cnn, image),
            _ => (null, new TryError("id", $"Model {row.Id} is of kind '{row.Kind}', which cannot be tried.")),
        };
    }

    /// <summary>
    /// The patch reconstruction of an uploaded image under a patch RBM (the homework 2 evaluation's code): the image
    /// (scaled down to <see cref="MaxPatchImageSide"/> when larger) | from binary hidden samples | from probabilities.
    /// </summary>
    public async Task<(byte[]? Png, TryError? Error)> TryImageAsync(TryModelRow row, GrayImage image, CancellationToken cancellationToken)
    {
        if (row.Kind == JobKinds.RbmPatches && await LoadOrErrorAsync(row, cancellationToken) is (null, _))
        {
            return (null, Unreadable(row));
        }

        if (row.Kind != JobKinds.RbmPatches || await LoadAsync(row, cancellationToken) is not LoadedRbm { Patches: { } patches, Standardizer: { } standardizer } rbm)
        {
            return (null, new TryError("id", $"Model {row.Id} is of kind '{row.Kind}'; a patch reconstruction needs a patch model (kind '{JobKinds.RbmPatches}'). Use /try for other models."));
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

        var (_, png) = JobEvaluator.PatchReconstruction(rbm.Rbm, standardizer, image, patches, seed: 1, cancellationToken);
        return (png, null);
    }

    private static (TryResultDto?, TryError?) TryRbm(LoadedRbm model, GrayImage image)
    {
        Rbm rbm = model.Rbm;
        if (model.Patches is { } patches && model.Standardizer is { } standardizer)
        {
            // A patch model sees one standardized patch: the image resized to the patch, standardized, reconstructed, mapped back.
            int side = patches.PatchSize;
            var patch = new Matrix(1, side * side, image.Resize(side, side).Pixels);
            var standardized = standardizer.Transform(patch, out var statistics);
            var hidden = new Matrix(1, rbm.VisibleUnits);
            rbm.Reconstruct(standardized.AsSpan(), 1, hidden.AsSpan());
            float[] back = standardizer.InverseTransform(hidden, statistics).Data;
            return (Result(side, side, patch.Data, back, null), null);
        }

        if (model.Width * model.Height != rbm.VisibleUnits)
        {
            return (null, NotAnImage(model.Width, model.Height, rbm.VisibleUnits));
        }

        float[] input = image.Resize(model.Width, model.Height).Pixels;
        var reconstruction = new float[rbm.VisibleUnits];
        rbm.Reconstruct(input, 1, reconstruction);
        return (Result(model.Width, model.Height, input, reconstruction, null), null);
    }

    private static (TryResultDto?, TryError?) TryDbn(TryModelRow row, LoadedDbn model, GrayImage image)
    {
        DeepBeliefNetwork stack = model.Stack;
        if ((long)row.ImageWidth * row.ImageHeight != stack.Inputs)
        {
            return (null, NotAnImage(row.ImageWidth, row.ImageHeight, stack.Inputs));
        }

        float[] input = image.Resize(row.ImageWidth, row.ImageHeight).Pixels;
        float[]? probabilities = null;
        if (model.Classifier is { } classifier)
        {
            var workspace = new NetworkWorkspace(classifier, 1);
            classifier.Forward(input, 1, workspace);
            probabilities = workspace.Activations(classifier.LayerCount - 1, 1).ToArray();
        }

        float[]? reconstruction = model.Generative ? UpDown(stack, input) : null;
        return (Result(row.ImageWidth, row.ImageHeight, input, reconstruction, probabilities), null);
    }

    private static (TryResultDto?, TryError?) TryCnn(LoadedCnn model, GrayImage image)
    {
        TensorShape shape = model.Network.InputShape;
        if (shape.Channels != 1)
        {
            return (null, new TryError("id", $"The network takes {shape} inputs, not grey images."));
        }

        float[] input = image.Resize(shape.Width, shape.Height).Pixels;
        var probabilities = new float[model.Network.Classes];
        lock (model.Network)
        {
            // The network computes in buffers of its own: one forward pass at a time.
            TensorPrimitives.SoftMax(model.Network.Forward(input, 1), probabilities);
        }

        return (Result(shape.Width, shape.Height, input, null, probabilities), null);
    }

    /// <summary>
    /// Mean-field up pass Q(h|below) through every layer (label units of a label-joined top RBM at 0), then the down pass
    /// of visible means through every layer's generative weights back to pixels.
    /// </summary>
    private static float[] UpDown(DeepBeliefNetwork stack, float[] input)
    {
        var current = new Matrix(1, input.Length, input);
        IReadOnlyList<Rbm> layers = stack.Layers;
        for (int l = 0; l < layers.Count; l++)
        {
            var visible = l == layers.Count - 1 && stack.LabelUnits > 0 ? DeepBeliefNetwork.AppendLabels(current, null, stack.LabelUnits) : current;
            current = DeepBeliefNetwork.Propagate(layers[l], visible, HiddenFeatures.Probabilities, null);
        }

        float[] below = current.Data;
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var means = new float[layers[l].VisibleUnits];
            layers[l].VisibleProbabilities(below, 1, means);
            // A label-joined top RBM's last visible units are the labels; the layer below sees the features only.
            below = l == layers.Count - 1 && stack.LabelUnits > 0 ? means[..(means.Length - stack.LabelUnits)] : means;
        }

        return below;
    }

    private static TryResultDto Result(int width, int height, float[] input, float[]? reconstruction, float[]? probabilities) => new(
        width,
        height,
        reconstruction,
        reconstruction is null ? null : Convert.ToBase64String(TileImage.RenderRows(input, reconstruction, 1, width, height)),
        probabilities,
        probabilities is null ? null : TensorPrimitives.IndexOfMax(probabilities));

    private static TryError NotAnImage(int width, int height, int inputs) =>
        new("id", $"The model takes {inputs} inputs, which are not a {width}×{height} image; it cannot be tried on a drawing.");

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

    private static TryError Unreadable(TryModelRow row) => new("id", $"The weights of model {row.Id} cannot be read as a {row.Kind} model.");

    /// <summary>The loaded model, or (null, true) when its file is not a readable model of its kind.</summary>
    private async Task<(LoadedModel? Model, bool? Unreadable)> LoadOrErrorAsync(TryModelRow row, CancellationToken cancellationToken)
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

    private async Task<LoadedModel> LoadAsync(TryModelRow row, CancellationToken cancellationToken)
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
            file = await db.TrainedModels.AsNoTracking().Where(m => m.Id == row.Id).Select(m => m.File).SingleOrDefaultAsync(cancellationToken) ?? [];
        }

        LoadedModel model = Parse(row, file);
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
    private static LoadedModel Parse(TryModelRow row, byte[] file)
    {
        switch (row.Kind)
        {
            case JobKinds.Rbm or JobKinds.RbmPatches:
                var rbm = RbmModelFile.Load(file).Rbm;
                var patches = row.PatchesJson is null ? null : JsonSerializer.Deserialize<ModelPatchesDto>(row.PatchesJson, JsonDefaults.Options)?.Spec;
                return new LoadedRbm(rbm, row.ImageWidth, row.ImageHeight, patches, FeatureMaps.ReadStandardizer(row.PatchesJson));
            case JobKinds.Dbn:
                var contents = DbnModelFile.Load(file);
                return new LoadedDbn(contents.Stack, contents.Classifier, IsGenerative(row.OptionsJson, contents.Metadata));
            case JobKinds.Cnn:
                return new LoadedCnn(CnnModelFile.Load(file).Network);
            default:
                throw new InvalidDataException($"Model {row.Id} is of kind '{row.Kind}', which cannot be tried.");
        }
    }

    /// <summary>
    /// A DBN's stack can reconstruct when its layers were pre-trained generatively: as RBMs (the lecture's DBN) or as
    /// tied-weight auto-associators (decoder Wᵀ and bias b). Supervised layers have no visible bias and random layers no
    /// training; their stacks give no reconstruction. The spec is the model's hyperparameters (its column, else the file's).
    /// </summary>
    private static bool IsGenerative(string optionsJson, IReadOnlyDictionary<string, string> metadata)
    {
        string? pretraining = Pretraining(optionsJson) ?? (metadata.TryGetValue("hyperparameters", out var hyperparameters) ? Pretraining(hyperparameters) : null);
        return pretraining is DbnSpecNames.Rbm or DbnSpecNames.AutoEncoder;
    }

    private static string? Pretraining(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("pretraining", out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private abstract record LoadedModel;

    private sealed record LoadedRbm(Rbm Rbm, int Width, int Height, PatchesSpec? Patches, PatchStandardizer? Standardizer) : LoadedModel;

    private sealed record LoadedDbn(DeepBeliefNetwork Stack, DenseSigmoidNetwork? Classifier, bool Generative) : LoadedModel;

    private sealed record LoadedCnn(Network Network) : LoadedModel;
}
