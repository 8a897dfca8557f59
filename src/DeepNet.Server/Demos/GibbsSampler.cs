using System.Diagnostics;
using System.Runtime.CompilerServices;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Demos;

/// <summary>
/// Streams Gibbs sampling from a trained RBM as frames: the CPU work of each run of <c>every</c> steps happens on the
/// thread pool, never on the hub's thread; frames are throttled to about 10 per second; each stream holds one of the
/// <see cref="SamplingStreams"/> so demos cannot starve training and one user cannot hold them all.
/// </summary>
public sealed class GibbsSampler(DemoModels models, IDbContextFactory<DeepNetDbContext> contexts, SamplingStreams streams, TrainingDataAccess trainingData)
{
    public const string NoiseStart = "noise";
    public const string DigitStart = "digit";
    public const int MaxChains = 64;
    public const int MaxSteps = 5000;
    public const int DefaultChains = 16;
    public const int DefaultSteps = 500;
    public const int DefaultEvery = 10;

    /// <summary>Minimum time between two frames of one stream (at most ~10 frames per second).</summary>
    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Validates the request, then yields the starting state (step 0) and a frame every <c>every</c> steps until
    /// <c>steps</c> are done or <paramref name="cancellationToken"/> fires. Invalid requests throw <see cref="HubException"/>.
    /// </summary>
    public async IAsyncEnumerable<GibbsFrame> StreamAsync(GibbsRequest? request, RequestUser viewer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (model, side, start, chains, steps, every, seed) = await PrepareAsync(request ?? new GibbsRequest(), viewer, cancellationToken);
        using (streams.Start(viewer.Id))
        {
            var rng = new Xoshiro256StarStar(seed);
            var state = await Task.Run(() => new GibbsChains(model.Rbm, chains, start ?? GibbsChains.Noise(model.Rbm, chains, rng), rng), cancellationToken);
            var clock = Stopwatch.StartNew();
            string frame = await Task.Run(() => Convert.ToBase64String(state.Render(side, side)), cancellationToken);
            yield return new GibbsFrame(0, frame);
            var lastFrame = clock.Elapsed;
            while (state.Step < steps)
            {
                int batch = Math.Min(every, steps - state.Step);
                frame = await Task.Run(
                    () =>
                    {
                        state.Advance(batch, cancellationToken);
                        return Convert.ToBase64String(state.Render(side, side));
                    },
                    cancellationToken);
                var wait = FrameInterval - (clock.Elapsed - lastFrame);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                lastFrame = clock.Elapsed;
                yield return new GibbsFrame(state.Step, frame);
            }
        }
    }

    private async Task<(DemoModel Model, int Side, float[]? Start, int Chains, int Steps, int Every, ulong Seed)> PrepareAsync(
        GibbsRequest request, RequestUser viewer, CancellationToken cancellationToken)
    {
        int chains = request.Chains ?? DefaultChains;
        int steps = request.Steps ?? DefaultSteps;
        int every = request.Every ?? DefaultEvery;
        string start = (request.Start ?? NoiseStart).Trim().ToLowerInvariant();
        if (chains is < 1 or > MaxChains)
        {
            throw new HubException($"chains must be between 1 and {MaxChains}.");
        }

        if (steps is < 1 or > MaxSteps)
        {
            throw new HubException($"steps must be between 1 and {MaxSteps}.");
        }

        if (every < 1 || every > steps)
        {
            throw new HubException($"every must be between 1 and steps ({steps}).");
        }

        if (start is not (NoiseStart or DigitStart))
        {
            throw new HubException($"start must be '{NoiseStart}' or '{DigitStart}', not '{request.Start}'.");
        }

        if (request.ModelId is not { } modelId)
        {
            throw new HubException("modelId is required.");
        }

        var model = await models.LoadAsync(modelId, viewer, cancellationToken) ?? throw new HubException($"Model {modelId} not found.");
        int side = DemoModels.FilterSide(model)
            ?? throw new HubException($"Model {modelId} has {model.Rbm.VisibleUnits} visible units, which do not form a square image.");
        float[]? startStates = start == DigitStart ? await DigitsAsync(model, chains, viewer, cancellationToken) : null;
        return (model, side, startStates, chains, steps, every, request.Seed ?? 1);
    }

    /// <summary>
    /// The first test examples of the model's data, presented as it was trained on them (size, binarization). A viewer who
    /// may not read the model's uploaded data set (<see cref="TrainingDataAccess"/>) gets MNIST test digits instead when
    /// the model takes 28×28 or 16×16 images, and a refusal otherwise.
    /// </summary>
    private async Task<float[]> DigitsAsync(DemoModel model, int chains, RequestUser viewer, CancellationToken cancellationToken)
    {
        Matrix features;
        if (model.Kind == RbmKinds.RbmPatches)
        {
            throw new HubException("start 'digit' needs a model trained on digits or a data set; this model was trained on image patches — start from noise.");
        }

        if (model.Data.Dataset == DataSpecValidator.UserDataset && await trainingData.CanReadModelDataAsync(model.Id, viewer.Id, cancellationToken))
        {
            features = await UserExamplesAsync(model.Data, cancellationToken);
        }
        else
        {
            var spec = model.Data.Dataset == DataSpecValidator.UserDataset
                ? MnistStandIn(model) ?? throw new HubException(
                    "start 'digit' would show rows of a private data set that only the model's owner can read, and the model's "
                    + $"{model.Rbm.VisibleUnits} inputs do not fit MNIST's 28×28 or 16×16 test digits — start from noise.")
                : model.Data;
            spec = spec with { Split = DataSpecValidator.TestSplit, Limit = chains, Classes = null };
            features = (await Task.Run(() => DatasetLoader.Load(spec), cancellationToken)).Features;
        }

        if (features.Cols != model.Rbm.VisibleUnits)
        {
            throw new HubException($"The model's data has {features.Cols} values per example but the model has {model.Rbm.VisibleUnits} visible units.");
        }

        // Fewer examples than chains: start the remaining chains from the examples again, in order.
        var start = new float[chains * features.Cols];
        for (int c = 0; c < chains; c++)
        {
            features.Row(c % features.Rows).CopyTo(start.AsSpan(c * features.Cols, features.Cols));
        }

        return start;
    }

    /// <summary>MNIST test digits in the model's image size and binarization, or null when its inputs are not an MNIST size.</summary>
    private static DataSpec? MnistStandIn(DemoModel model) =>
        DemoModels.FilterSide(model) is { } side && side is 28 or 16
            ? new DataSpec { Dataset = DataSpecValidator.MnistDataset, ImageSize = side, BinarizeThreshold = model.Data.BinarizeThreshold }
            : null;

    private async Task<Matrix> UserExamplesAsync(DataSpec spec, CancellationToken cancellationToken)
    {
        if (spec.DatasetId is not { } datasetId)
        {
            throw new HubException("The model's data spec names no uploaded data set.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var dataset = await db.LoadDatasetAsync(datasetId, cancellationToken)
            ?? throw new HubException($"The model's data set {datasetId} no longer exists; start from noise.");
        if (dataset.Count == 0)
        {
            throw new HubException($"The model's data set {datasetId} is empty; start from noise.");
        }

        var features = dataset.Features;
        if (spec.BinarizeThreshold is { } threshold)
        {
            features = features.Clone();
            Span<float> values = features.AsSpan();
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = values[i] > threshold ? 1f : 0f;
            }
        }

        return features;
    }
}
