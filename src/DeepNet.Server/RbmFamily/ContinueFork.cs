using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.RbmFamily;

/// <summary>Fork mode "continue": the RBM job again — the parent's options (epochs replaced), data spec and patches — from its weights.</summary>
public sealed class ContinueFork(RbmFamilyKind kind) : IForkMode
{
    public string Mode => ForkModes.Continue;

    public string Purpose => "continues training an RBM";

    public string? Refuses(ForkParent parent) => parent.Kind == kind.Kind ? null : $"a {parent.Kind} model";

    public bool TakesDbnSpec => false;

    /// <summary>The RBM continues on its own data.</summary>
    public bool TakesData => false;

    public async Task<JobKindValidation> DraftAsync(ForkParent parent, ForkRequest request, string name, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var options = JobMapper.ReadOptions(parent.OptionsJson);
        options = options with { Epochs = request.Epochs ?? options.Epochs };
        var patches = PatchModel.ReadSpec(parent.PatchesJson);
        var validation = await kind.ValidateAsync(
            new CreateJobRequest { Kind = parent.Kind, Name = name, Rbm = options, Data = JobMapper.ReadDataSpec(parent.DataSpecJson), Patches = patches },
            db,
            cancellationToken);
        var errors = new Dictionary<string, string[]>(validation.Errors, StringComparer.Ordinal);
        await RequireReadableImagesAsync(patches, db, errors, cancellationToken);
        return errors.Count > 0 || validation.Draft is not { } draft ? JobKindValidation.Invalid(errors) : JobKindValidation.Valid(draft);
    }

    /// <summary>A patch model trained on someone's uploaded image continues only for a caller who may read that image.</summary>
    private static async Task RequireReadableImagesAsync(PatchesSpec? patches, DeepNetDbContext db, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (patches is null)
        {
            return;
        }

        foreach (var (field, id) in new[] { ("patches.trainImage", patches.TrainImage), ("patches.testImage", patches.TestImage) })
        {
            if (ImageLibrary.TryParseId(id, out var builtIn, out var upload) && builtIn is null
                && !await db.UserImages.AsNoTracking().AnyAsync(i => i.Id == upload, cancellationToken))
            {
                errors[field] = [$"image {id} does not exist: the model was trained on an image only its owner can use."];
            }
        }
    }
}
