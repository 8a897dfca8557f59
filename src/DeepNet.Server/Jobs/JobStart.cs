using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Where a job starts when it has no checkpoint: the fork endpoint stores a <see cref="JobStartFrom"/> as the property
/// "startFrom" of the job's options JSON (the kinds' own option readers ignore it), and a job kind that starts without a
/// checkpoint reads it back and loads the parent's weights. A job resumed from its checkpoint never looks at the parent.
/// </summary>
public static class JobStart
{
    public const string PropertyName = "startFrom";

    /// <summary>The start-from reference in a job's options JSON, or null for a job that starts from scratch.</summary>
    public static JobStartFrom? Read(string optionsJson)
    {
        if (string.IsNullOrWhiteSpace(optionsJson))
        {
            return null;
        }

        using var document = JsonDocument.Parse(optionsJson);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty(PropertyName, out var element)
            && element.ValueKind == JsonValueKind.Object
            ? element.Deserialize<JobStartFrom>(JsonDefaults.Options)
            : null;
    }

    /// <summary><paramref name="optionsJson"/> (a JSON object) with "startFrom" set.</summary>
    public static string Attach(string optionsJson, JobStartFrom startFrom)
    {
        ArgumentNullException.ThrowIfNull(startFrom);
        var options = JsonNode.Parse(optionsJson)?.AsObject() ?? throw new ArgumentException("The options are not a JSON object.", nameof(optionsJson));
        options[PropertyName] = JsonSerializer.SerializeToNode(startFrom, JsonDefaults.Options);
        return options.ToJsonString(JsonDefaults.Options);
    }

    /// <summary>
    /// The parent's model file, read with the worker's unrestricted view (the fork endpoint checked that the job's owner
    /// could read it). A parent deleted since the fork fails the job with a message that says so.
    /// </summary>
    public static async Task<byte[]> LoadParentFileAsync(IDbContextFactory<DeepNetDbContext> contexts, JobStartFrom start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ReadModelFileAsync(db.TrainedModels.AsNoTracking().Where(m => m.Id == start.ModelId), cancellationToken)
            ?? throw new InvalidOperationException($"Model {start.ModelId}, which this job was forked from, no longer exists.");
    }
}

/// <summary>
/// A job that starts from a readable model instead of random weights (a fork). Stored as "startFrom" in the job's
/// options JSON (see <see cref="JobStart"/>).
/// </summary>
/// <param name="ModelId">The parent model; the job's model gets it as ParentModelId.</param>
/// <param name="Mode">How the kind uses the parent (the fork modes: continue, dbnFirstLayer, fineTune).</param>
public sealed record JobStartFrom(Guid ModelId, string Mode);
