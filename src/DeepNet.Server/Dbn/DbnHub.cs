using System.Diagnostics;
using System.Runtime.CompilerServices;
using DeepNet.Models.Dbn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Dbn;

/// <summary>Sampling from trained DBNs at <c>/hubs/dbn</c>.</summary>
public sealed class DbnHub(DbnGenerator generator, RequestUser viewer) : Hub
{
    public const string Path = "/hubs/dbn";

    /// <summary>
    /// Streams generation from a trained DBN (Hinton, Osindero &amp; Teh 2006): Gibbs chains in the top RBM, optionally
    /// with a digit clamped on the label units, each frame the down pass to pixels as a PNG grid (10 chains per row).
    /// A frame at step 0, every <c>every</c> steps and at the end; at most ~10 frames per second. Invalid requests
    /// (not a DBN, a label on a DBN without label units, out-of-range numbers) fail with a HubException saying why.
    /// </summary>
    public IAsyncEnumerable<DbnGenerationFrame> Generate(DbnGenerateRequest request, CancellationToken cancellationToken) =>
        generator.StreamAsync(request, viewer, cancellationToken);
}

/// <summary>
/// Runs DBN generation streams: the Gibbs steps of each frame on the thread pool, frames throttled to about 10 per
/// second, and a bounded number of streams at once so sampling cannot starve training.
/// </summary>
public sealed class DbnGenerator(IDbContextFactory<DeepNetDbContext> contexts, SamplingStreams streams)
{
    public const int MaxChains = 100;
    public const int MaxSteps = 5000;
    public const int DefaultChains = 20;
    public const int DefaultSteps = 200;
    public const int DefaultEvery = 10;

    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(100);

    public async IAsyncEnumerable<DbnGenerationFrame> StreamAsync(DbnGenerateRequest? request, RequestUser viewer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        request ??= new DbnGenerateRequest();
        int chains = request.Chains ?? DefaultChains;
        int steps = request.Steps ?? DefaultSteps;
        int every = request.Every ?? Math.Min(DefaultEvery, steps);
        if (chains is < 1 or > MaxChains)
        {
            throw new HubException($"chains must be between 1 and {MaxChains}; got {chains}.");
        }

        if (steps is < 1 or > MaxSteps)
        {
            throw new HubException($"steps must be between 1 and {MaxSteps}; got {steps}.");
        }

        if (every < 1 || every > steps)
        {
            throw new HubException($"every must be between 1 and steps ({steps}); got {every}.");
        }

        if (request.ModelId is not { } modelId)
        {
            throw new HubException("modelId is required: the id of a trained DBN model.");
        }

        var (stack, width, height) = await LoadAsync(modelId, viewer, cancellationToken);
        if (request.Label is { } label)
        {
            if (stack.LabelUnits == 0)
            {
                throw new HubException($"Model {modelId} was trained without label units (joinLabels), so it cannot generate a chosen digit; leave the label empty.");
            }

            if (label < 0 || label >= stack.LabelUnits)
            {
                throw new HubException($"label must be between 0 and {stack.LabelUnits - 1}; got {label}.");
            }
        }

        using (streams.Start(viewer.Id))
        {
            using var frames = DbnGeneration.Sample(stack, chains, steps, every, request.Label, request.Seed ?? 1, cancellationToken).GetEnumerator();
            var clock = Stopwatch.StartNew();
            var lastFrame = TimeSpan.MinValue;
            while (true)
            {
                var frame = await Task.Run(
                    () => frames.MoveNext() ? new DbnGenerationFrame(frames.Current.Step, Convert.ToBase64String(DbnImages.RenderFrame(frames.Current.Pixels, width, height))) : null,
                    cancellationToken);
                if (frame is null)
                {
                    yield break;
                }

                if (lastFrame != TimeSpan.MinValue)
                {
                    var wait = FrameInterval - (clock.Elapsed - lastFrame);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken);
                    }
                }

                lastFrame = clock.Elapsed;
                yield return frame;
            }
        }
    }

    private async Task<(DeepBeliefNetwork Stack, int Width, int Height)> LoadAsync(Guid modelId, RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        var row = await db.TrainedModels.AsNoTracking()
            .Where(m => m.Id == modelId)
            .Select(m => new { m.Kind, m.FileHash, m.ImageWidth, m.ImageHeight })
            .SingleOrDefaultAsync(cancellationToken) ?? throw new HubException($"Model {modelId} not found.");
        if (row.Kind != DbnJobKind.Name)
        {
            throw new HubException($"Model {modelId} is a {row.Kind} model, not a DBN; generation needs a model trained by a dbn job.");
        }

        byte[] file = await db.Blobs.ReadAllBytesAsync(row.FileHash, cancellationToken);
        DbnModelFileContents contents;
        try
        {
            contents = DbnModelFile.Load(file);
        }
        catch (InvalidDataException e)
        {
            throw new HubException($"Model {modelId} cannot be loaded: {e.Message}");
        }

        int inputs = contents.Stack.Inputs;
        (int width, int height) = (long)row.ImageWidth * row.ImageHeight == inputs ? (row.ImageWidth, row.ImageHeight) : (inputs, 1);
        return (contents.Stack, width, height);
    }
}
