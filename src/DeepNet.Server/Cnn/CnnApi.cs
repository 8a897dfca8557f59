using DeepNet.Server.Infrastructure;
using DeepNet.Data;
using DeepNet.Models.Cnn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Library;

namespace DeepNet.Server.Cnn;

public static class CnnApi
{
    public static IEndpointRouteBuilder MapCnnApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/jobs").WithTags("Jobs");

        api.MapGet("/{id:guid}/feature-maps", GetFeatureMaps)
            .WithName("GetCnnFeatureMaps")
            .WithSummary("Feature maps of one test image at every layer of a CNN job")
            .WithDescription("Runs test image 'index' (0-based, of the MNIST test split filtered by the job's data spec; of the data set's selected rows for user data) through the job's model, or through its latest checkpoint while it trains. " +
                "Returns the PNG (base64; one row of tiles per layer, the input first) with its true and predicted class and the row labels.")
            .Produces<CnnFeatureMapsDto>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Renders the feature maps of test image <paramref name="index"/> with the job's latest weights.</summary>
    /// <param name="id">Job id (kind cnn).</param>
    /// <param name="index">Test image index, 0-based (default 0).</param>
    public static async Task<Results<Ok<CnnFeatureMapsDto>, ValidationProblem, ProblemHttpResult>> GetFeatureMaps(
        Guid id,
        int? index,
        JobStore store,
        IDbContextFactory<DeepNetDbContext> contexts,
        DeepNetDbContext view,
        CancellationToken cancellationToken)
    {
        int sampleIndex = index ?? 0;
        var job = await view.ReadableJobOwnerAsync(id, cancellationToken) is null ? null : await store.FindAsync(id, cancellationToken);
        if (job is null || job.Kind != CnnJobKind.Name)
        {
            return Problems.Missing("Not found", job is null ? $"Job {id} not found." : $"Job {id} is not a CNN job.");
        }

        if (sampleIndex is < 0 or > 100_000)
        {
            return Problems.Invalid("index", $"must be between 0 and the number of test images − 1, got {sampleIndex}", title: null);
        }

        Network? network = null;
        if (job.ModelId is { } modelId)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            byte[]? file = await db.ReadModelFileAsync(db.TrainedModels.AsNoTracking().Where(m => m.Id == modelId), cancellationToken);
            if (file is not null)
            {
                network = CnnModelFile.Load(file).Network;
            }
        }

        if (network is null && await store.GetCheckpointAsync(id, cancellationToken) is { } checkpoint)
        {
            var state = CnnCheckpointFile.FromBytes(checkpoint.State);
            network = Network.Restore(state.InputShape, state.Layers, 1, state.RngState, state.Parameters);
        }

        if (network is null)
        {
            return Problems.Missing("Not found", $"Job {id} has no weights yet; feature maps appear after its first epoch.");
        }

        var spec = JobMapper.ReadDataSpec(job.DataSpecJson);
        Dataset images;
        if (spec.Dataset == DataSpecValidator.UserDataset)
        {
            var all = await UserDatasets.LoadAsync(spec, contexts, cancellationToken);
            images = DatasetLoader.Select(all, spec with { Limit = null });
        }
        else
        {
            images = DatasetLoader.Load(spec with { Split = DataSpecValidator.TestSplit, Limit = sampleIndex + 1 });
        }

        if (sampleIndex >= images.Count)
        {
            return Problems.Invalid("index", $"must be below {images.Count} (the number of test images of this job's data spec), got {sampleIndex}", title: null);
        }

        if (images.FeatureCount != network.InputShape.Size)
        {
            return Problems.Missing("Not found", $"The images of job {id} no longer match its network.");
        }

        (byte[] png, int predicted) = CnnImages.FeatureMaps(network, images.Features.Row(sampleIndex));
        return TypedResults.Ok(new CnnFeatureMapsDto(sampleIndex, images.Labels[sampleIndex], predicted, CnnImages.FeatureMapRows(network), Convert.ToBase64String(png)));
    }
}
