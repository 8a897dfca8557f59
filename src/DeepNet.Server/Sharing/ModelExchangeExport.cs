using System.Text;
using System.Text.Json;
using DeepNet.Models.ModelExchange;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>
/// The downloadable file of a model: the stored safetensors file stamped with the exchange metadata (format version,
/// model type, tensor shapes, author, creation time, parent, checksum) and the model's current name and description.
/// Every metadata key the stored file carries (hyperparameters, data_spec, metrics, image size, patches, …) is kept, except
/// that a downloader who may not read the model's training data gets the metrics without the rows they list
/// (<see cref="TrainingDataAccess"/>).
/// </summary>
public static class ModelExchangeExport
{
    /// <summary>The exchange file and its download name ("&lt;name&gt;-&lt;id8&gt;.safetensors") of a model, or null when not found.</summary>
    /// <param name="models">Where to look: the caller's view (<c>db.TrainedModels</c>) or an unlisted link's query.</param>
    /// <param name="viewerId">The downloader; null for nobody signed in (an unlisted link).</param>
    public static async Task<(byte[] File, string FileName)?> CreateAsync(
        DeepNetDbContext db, IQueryable<TrainedModel> models, ModelKindRegistry kinds, TrainingDataAccess trainingData, string? viewerId, CancellationToken cancellationToken)
    {
        var model = await models.AsNoTracking()
            .Select(m => new { m.Id, m.Name, m.Kind, m.OwnerId, m.CreatedAt, m.ParentModelId, m.Description, m.JobId, m.Source, m.MetricsJson, m.File })
            .SingleOrDefaultAsync(cancellationToken);
        if (model is null)
        {
            return null;
        }

        string author = await ModelCards.DisplayNameAsync(db, model.OwnerId, cancellationToken);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ModelExchangeFormat.NameKey] = model.Name,
            [ModelExchangeFormat.ModelIdKey] = model.Id.ToString("D"),
            ["job_id"] = model.JobId?.ToString("D") ?? "",
            ["source"] = model.Source,
        };
        if (!string.IsNullOrEmpty(model.Description))
        {
            extra["description"] = model.Description;
        }

        if (!await trainingData.CanReadModelDataAsync(model.Id, viewerId, cancellationToken))
        {
            extra["metrics"] = trainingData.WithoutRows(model.Kind, JsonSerializer.Deserialize<JsonElement>(model.MetricsJson)).GetRawText();
        }

        string modelType = kinds.Find(model.Kind)?.ModelType ?? throw new InvalidOperationException($"Model kind '{model.Kind}' has no exchange format.");
        var stamp = new ModelExchangeStamp(modelType, author, model.CreatedAt, model.ParentModelId, extra);
        byte[] file = ModelExchangeFile.Export(model.File, stamp);
        return (file, $"{SafeFileName(model.Name)}-{model.Id.ToString("N")[..8]}.safetensors");
    }

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
}
