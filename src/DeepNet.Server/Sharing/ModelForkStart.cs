using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>
/// The one seam between a fork and the job kinds: the fork endpoint stores a <see cref="JobStartFrom"/> as the property
/// "startFrom" of the job's options JSON (the kinds' own option readers ignore it), and a job kind that starts without a
/// checkpoint reads it back and loads the parent's weights. A job resumed from its checkpoint never looks at the parent.
/// </summary>
public static class ModelForkStart
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
        return await db.TrainedModels.AsNoTracking()
                .Where(m => m.Id == start.ModelId)
                .Select(m => m.File)
                .SingleOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Model {start.ModelId}, which this job was forked from, no longer exists.");
    }

    /// <summary>Copies the parent RBM's W, b and c into a new trainer's model (same shape and visible unit type).</summary>
    public static void CopyInto(Rbm parent, Rbm model)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(model);
        if (parent.VisibleUnits != model.VisibleUnits || parent.HiddenUnits != model.HiddenUnits || parent.VisibleType != model.VisibleType)
        {
            throw new InvalidDataException(
                $"The parent is a {parent.VisibleType} RBM {parent.VisibleUnits}→{parent.HiddenUnits}; this job trains a {model.VisibleType} RBM {model.VisibleUnits}→{model.HiddenUnits}.");
        }

        parent.Weights.Data.CopyTo(model.Weights.Data, 0);
        parent.VisibleBias.CopyTo(model.VisibleBias, 0);
        parent.HiddenBias.CopyTo(model.HiddenBias, 0);
    }
}
