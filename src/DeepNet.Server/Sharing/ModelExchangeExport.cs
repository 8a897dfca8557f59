using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DeepNet.Models.ModelExchange;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

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
    /// <summary>
    /// The exchange file of a model as a stream — the stamped header, then the stored data section read from the blob store
    /// as it is sent (a download holds a buffer, not the file, and Range requests seek) — with its download name
    /// ("&lt;name&gt;-&lt;id8&gt;.safetensors") and an ETag of its bytes; null when not found.
    /// </summary>
    /// <param name="models">Where to look: the caller's view (<c>db.TrainedModels</c>) or an unlisted link's query.</param>
    /// <param name="viewerId">The downloader; null for nobody signed in (an unlisted link).</param>
    public static async Task<ModelDownload?> OpenAsync(
        DeepNetDbContext db, IQueryable<TrainedModel> models, ModelKindRegistry kinds, TrainingDataAccess trainingData, string? viewerId, CancellationToken cancellationToken)
    {
        var model = await models.AsNoTracking()
            .Select(m => new { m.Id, m.Name, m.Kind, m.OwnerId, m.CreatedAt, m.ParentModelId, m.Description, m.JobId, m.Source, m.MetricsJson })
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
        var stored = await db.OpenModelFileAsync(model.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Model {model.Id} was found but its file was not.");
        try
        {
            var head = new byte[8];
            await stored.ReadExactlyAsync(head, cancellationToken);
            Array.Resize(ref head, 8 + SafeTensorsLayout.HeaderLengthOf(head));
            await stored.ReadExactlyAsync(head.AsMemory(8), cancellationToken);
            var layout = SafeTensorsLayout.ParseHeader(head, stored.Length, maxFileBytes: long.MaxValue);
            // An imported file's checksum was verified at import; a trained model's is computed by reading its data once.
            string checksum = layout.Metadata.TryGetValue(ModelExchangeFormat.ChecksumKey, out string? stamped) && ModelExchangeFormat.IsWellFormedChecksum(stamped)
                ? stamped
                : await ChecksumAsync(stored, layout.DataStart, cancellationToken);
            byte[] header = ModelExchangeFile.ExportHeader(layout, checksum, stamp);
            var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(header))[..32]}\"");
            return new ModelDownload(new PrefixedStream(header, stored, layout.DataStart), $"{SafeFileName(model.Name)}-{model.Id.ToString("N")[..8]}.safetensors", etag);
        }
        catch
        {
            await stored.DisposeAsync();
            throw;
        }
    }

    private static Task<string> ChecksumAsync(Stream stored, long dataStart, CancellationToken cancellationToken)
    {
        stored.Position = dataStart;
        return ModelExchangeFormat.ChecksumAsync(stored, cancellationToken);
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

/// <summary>A model's exchange file to send: its bytes as a seekable stream (disposed after sending), its download name and ETag.</summary>
public sealed record ModelDownload(Stream Content, string FileName, EntityTagHeaderValue ETag);
