using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Demos;

/// <summary>A stored model loaded for a demo: the RBM with its visible unit type, and how its inputs were shaped.</summary>
/// <param name="ImageWidth">Width of the model's input images (the filter tiles).</param>
/// <param name="ImageHeight">Height of the model's input images.</param>
/// <param name="Data">The data spec it was trained on.</param>
/// <param name="PatchesJson">The patches spec and standardizer parameters of a patch model, as stored; null otherwise.</param>
public sealed record DemoModel(Guid Id, string Kind, Rbm Rbm, int ImageWidth, int ImageHeight, DataSpec Data, string? PatchesJson);

/// <summary>Loads trained models for the demos, each with a short-lived database context.</summary>
public sealed class DemoModels(IDbContextFactory<DeepNetDbContext> contexts)
{
    /// <summary>The model, or null when there is none with that id that <paramref name="viewer"/> may read.</summary>
    public async Task<DemoModel?> LoadAsync(Guid id, RequestUser viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateViewAsync(viewer, cancellationToken);
        var row = await db.TrainedModels.AsNoTracking()
            .Where(m => m.Id == id)
            .Select(m => new { m.Id, m.Kind, m.FileHash, m.ImageWidth, m.ImageHeight, m.DataSpecJson, m.PatchesJson })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var rbm = RbmModelFile.Load(await db.Blobs.ReadAllBytesAsync(row.FileHash, cancellationToken)).Rbm;
        return new DemoModel(row.Id, row.Kind, rbm, row.ImageWidth, row.ImageHeight, JobMapper.ReadDataSpec(row.DataSpecJson), row.PatchesJson);
    }

    /// <summary>
    /// The side of the square tiles the model's filters (weight rows) form: the stored image size when it is square and
    /// matches the visible units, else √visible when that is an integer; null when the filters are not square images.
    /// </summary>
    public static int? FilterSide(DemoModel model)
    {
        int visible = model.Rbm.VisibleUnits;
        if (model.ImageWidth > 0 && model.ImageWidth == model.ImageHeight && (long)model.ImageWidth * model.ImageHeight == visible)
        {
            return model.ImageWidth;
        }

        int side = (int)Math.Round(Math.Sqrt(visible));
        return side * side == visible ? side : null;
    }
}
