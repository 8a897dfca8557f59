using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>The configuration section "Storage": what one user may keep on the server.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// Models, data sets, images, job images and left-over checkpoints of one user, plus what their queued and running
    /// jobs are estimated to store. Uploads and submissions that would pass it are refused with 409.
    /// </summary>
    public long QuotaMB { get; set; } = 2048;
}

/// <summary>
/// Each user's storage quota: every upload (data sets, images, model files) and every job submission checks it before
/// anything is stored; a job reserves its estimated model and checkpoint until it ends.
/// </summary>
public sealed class StorageQuota(IDbContextFactory<DeepNetDbContext> contexts, IOptions<StorageOptions> options)
{
    public const string ExceededTitle = "Storage quota reached";

    public long QuotaBytes => options.Value.QuotaMB * JobBudget.Megabyte;

    /// <summary>What <paramref name="ownerId"/> stores and has reserved now.</summary>
    public async Task<StorageUse> UsageAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.OfAsync(ownerId, cancellationToken);
    }

    /// <summary>
    /// The 409 for an owner whose quota cannot take <paramref name="adding"/> more bytes of <paramref name="what"/>
    /// (e.g. "this data set"); null when it can.
    /// </summary>
    public async Task<ProblemHttpResult?> RefuseAsync(string ownerId, long adding, string what, CancellationToken cancellationToken)
    {
        var use = await UsageAsync(ownerId, cancellationToken);
        if (use.Total + adding <= QuotaBytes)
        {
            return null;
        }

        return Problems.Conflict(
            ExceededTitle,
            $"Storing {what} ({JobBudget.Size(adding)}) would bring your storage to {JobBudget.Size(use.Total + adding)}; your quota is " +
                $"{JobBudget.Size(QuotaBytes)}. You use {Describe(use)}. Delete models, data sets or images, or wait for queued jobs to finish, to make room.");
    }

    private static string Describe(StorageUse use)
    {
        var parts = new (string Name, long Bytes)[]
        {
            ("models", use.Models), ("data sets", use.Datasets), ("images", use.Images), ("checkpoints", use.Checkpoints),
            ("job images", use.JobImages), ("reserved by queued and running jobs", use.Reserved),
        };
        var used = parts.Where(p => p.Bytes > 0).Select(p => $"{JobBudget.Size(p.Bytes)} {p.Name}").ToList();
        return used.Count == 0 ? "nothing yet" : string.Join(", ", used);
    }
}
