using System.Text;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Endpoints;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/models").WithTags("Models");

        api.MapGet("/", ListModels)
            .WithName("ListModels")
            .WithSummary("List trained models, newest first");

        api.MapGet("/{id:guid}", GetModel)
            .WithName("GetModel")
            .WithSummary("Get one trained model")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:guid}/file", DownloadModel)
            .WithName("DownloadModel")
            .WithSummary("Download a model as a safetensors file")
            .WithDescription("Tensors 'weights' [hidden, visible], 'visible_bias' [visible], 'hidden_bias' [hidden]; hyperparameters, data spec, metrics (with the last epoch's monitoring report), patches spec with standardizer (patch models) and evaluations in the header's __metadata__.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Trained models, newest first.</summary>
    public static async Task<Ok<List<ModelDto>>> ListModels(DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var models = await WithoutFile(db.TrainedModels).OrderByDescending(m => m.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(models.Select(JobMapper.ToDto).ToList());
    }

    /// <summary>One trained model.</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<Ok<ModelDto>, ProblemHttpResult>> GetModel(Guid id, DeepNetDbContext db, CancellationToken cancellationToken) =>
        await WithoutFile(db.TrainedModels).SingleOrDefaultAsync(m => m.Id == id, cancellationToken) is { } model
            ? TypedResults.Ok(JobMapper.ToDto(model))
            : ModelNotFound(id);

    /// <summary>The model's safetensors file, named "&lt;name&gt;-&lt;id8&gt;.safetensors".</summary>
    /// <param name="id">Model id.</param>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadModel(Guid id, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        var file = await db.TrainedModels.AsNoTracking()
            .Where(m => m.Id == id)
            .Select(m => new { m.Name, m.File })
            .SingleOrDefaultAsync(cancellationToken);
        return file is null
            ? ModelNotFound(id)
            : TypedResults.File(file.File, "application/octet-stream", $"{SafeFileName(file.Name)}-{id.ToString("N")[..8]}.safetensors");
    }

    private static IQueryable<TrainedModel> WithoutFile(IQueryable<TrainedModel> models) =>
        models.AsNoTracking().Select(m => new TrainedModel
        {
            Id = m.Id,
            Name = m.Name,
            Kind = m.Kind,
            JobId = m.JobId,
            CreatedAt = m.CreatedAt,
            VisibleUnits = m.VisibleUnits,
            HiddenUnits = m.HiddenUnits,
            ImageWidth = m.ImageWidth,
            ImageHeight = m.ImageHeight,
            OptionsJson = m.OptionsJson,
            DataSpecJson = m.DataSpecJson,
            MetricsJson = m.MetricsJson,
            ReconstructionError = m.ReconstructionError,
            TestError = m.TestError,
            Architecture = m.Architecture,
            SizeBytes = m.SizeBytes,
            PatchesJson = m.PatchesJson,
            EvaluationsJson = m.EvaluationsJson,
        });

    private static string SafeFileName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        string safe = builder.ToString().Trim('-', '.');
        return safe.Length == 0 ? "model" : safe[..Math.Min(safe.Length, 80)];
    }

    private static ProblemHttpResult ModelNotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Model not found",
        detail: $"Model {id} not found.");
}
