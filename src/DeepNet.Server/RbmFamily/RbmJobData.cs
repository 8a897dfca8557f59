using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Demos;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Library;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.RbmFamily;

/// <summary>
/// What a job trains and monitors on, resolved from its data spec or patches spec. The same job always resolves to
/// the same data (patch positions come from the job's seed), so a resumed run continues on identical rows.
/// </summary>
/// <param name="Train">Samples × visible: the training rows (standardized for patch jobs).</param>
/// <param name="HeldOut">Rows never trained on (the other MNIST split, or a held-out slice), for the monitor's free-energy gap.</param>
/// <param name="Preview">A few held-out rows in [0, 1] whose reconstructions are rendered while training, or null (patch jobs).</param>
/// <param name="TileWidth">Width of one row as an image (filters and previews).</param>
/// <param name="TileHeight">Height of one row as an image.</param>
/// <param name="Standardizer">The fitted patch standardizer of a patch job.</param>
public sealed record RbmJobData(Matrix Train, Matrix HeldOut, Matrix? Preview, int TileWidth, int TileHeight, PatchStandardizer? Standardizer)
{
    /// <summary>How many held-out samples the reconstruction image shows.</summary>
    public const int PreviewRows = 10;

    /// <summary>At most this many held-out rows are kept (the monitor uses up to 1000).</summary>
    public const int MaxHeldOutRows = RbmMonitor.MaxSampleRows;

    /// <summary>Offset of the patch sampler's seed from the trainer's, so the two random streams differ.</summary>
    public const ulong PatchSeedOffset = 0x9E3779B97F4A7C15UL;

    public static async Task<RbmJobData> LoadAsync(
        string kind,
        RbmOptions options,
        DataSpec spec,
        PatchesSpec? patches,
        IDbContextFactory<DeepNetDbContext> contexts,
        ImageLibrary images,
        CancellationToken cancellationToken)
    {
        if (kind == RbmKinds.RbmPatches)
        {
            return await LoadPatchesAsync(options, patches ?? new PatchesSpec(), images, cancellationToken);
        }

        if (spec.Dataset == DataSpecValidator.UserDataset)
        {
            var dataset = await UserDatasets.LoadAsync(spec, contexts, cancellationToken);
            return FromUserDataset(dataset, spec);
        }

        var train = DatasetLoader.Load(spec);
        string otherSplit = spec.Split == DataSpecValidator.TestSplit ? DataSpecValidator.TrainSplit : DataSpecValidator.TestSplit;
        var heldOut = DatasetLoader.Load(spec with { Split = otherSplit, Limit = MaxHeldOutRows });
        return new RbmJobData(train.Features, heldOut.Features, heldOut.Features.FirstRows(PreviewRows), train.Width, train.Height, null);
    }

    /// <summary>
    /// Classes, limit (first N matching rows) and binarization apply as for MNIST; the last tenth of those rows
    /// (at most 1000) is held out for monitoring and never trained on.
    /// </summary>
    private static RbmJobData FromUserDataset(Dataset dataset, DataSpec spec)
    {
        var selected = new List<int>(dataset.Count);
        for (int i = 0; i < dataset.Count && (spec.Limit is not { } limit || selected.Count < limit); i++)
        {
            if (spec.Classes is not { } classes || (dataset.HasLabels && classes.Contains(dataset.Labels[i])))
            {
                selected.Add(i);
            }
        }

        if (selected.Count == 0)
        {
            throw new InvalidOperationException("No rows of the data set match the data spec's classes.");
        }

        int features = dataset.Features.Cols;
        var all = new Matrix(selected.Count, features);
        for (int r = 0; r < selected.Count; r++)
        {
            Span<float> row = all.Row(r);
            dataset.Features.Row(selected[r]).CopyTo(row);
            if (spec.BinarizeThreshold is { } threshold)
            {
                for (int c = 0; c < row.Length; c++)
                {
                    row[c] = row[c] > threshold ? 1f : 0f;
                }
            }
        }

        int heldOutCount = selected.Count < 2 ? 0 : HeldOutCount(selected.Count);
        var train = heldOutCount == 0 ? all : all.CopyRows(0, selected.Count - heldOutCount);
        var heldOut = heldOutCount == 0 ? all : all.CopyRows(selected.Count - heldOutCount, heldOutCount);
        (int width, int height) = dataset.Width > 0 && dataset.Height > 0 ? (dataset.Width, dataset.Height) : (features, 1);
        return new RbmJobData(train, heldOut, heldOut.FirstRows(PreviewRows), width, height, null);
    }

    private static int HeldOutCount(int rows) => Math.Clamp(rows / 10, 1, MaxHeldOutRows);

    /// <summary>
    /// Random patches of the training image (positions from the job's seed), standardized by a standardizer fitted on
    /// them; held-out patches are further random patches of the same image.
    /// </summary>
    private static async Task<RbmJobData> LoadPatchesAsync(RbmOptions options, PatchesSpec patches, ImageLibrary images, CancellationToken cancellationToken)
    {
        var image = await images.LoadExistingAsync(patches.TrainImage, cancellationToken);
        var rng = new Xoshiro256StarStar(unchecked(options.Seed + PatchSeedOffset));
        var train = Patches.Sample(image, patches.PatchSize, patches.PatchCount, rng);
        var heldOut = Patches.Sample(image, patches.PatchSize, HeldOutCount(patches.PatchCount), rng);
        var standardizer = PatchStandardizer.Fit(train, patches.Standardization, patches.Zca);
        return new RbmJobData(
            standardizer.Transform(train, out _),
            standardizer.Transform(heldOut, out _),
            null,
            patches.PatchSize,
            patches.PatchSize,
            standardizer);
    }
}
