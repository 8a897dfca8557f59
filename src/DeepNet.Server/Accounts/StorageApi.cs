using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DeepNet.Server.Accounts;

/// <summary>The caller's storage against their quota, for the account page.</summary>
/// <param name="QuotaBytes">The per-user quota (configuration Storage:QuotaMB).</param>
/// <param name="UsedBytes">Everything below added up; uploads and submissions that would pass the quota are refused with 409.</param>
/// <param name="ModelBytes">Trained, imported and forked model files.</param>
/// <param name="DatasetBytes">Uploaded data sets.</param>
/// <param name="ImageBytes">Uploaded images.</param>
/// <param name="CheckpointBytes">Checkpoints left by jobs that no longer run.</param>
/// <param name="JobImageBytes">Filters, reconstructions and other images of the caller's jobs.</param>
/// <param name="ReservedBytes">Estimated models and checkpoints of the caller's queued and running jobs.</param>
public sealed record StorageDto(
    long QuotaBytes, long UsedBytes, long ModelBytes, long DatasetBytes, long ImageBytes, long CheckpointBytes, long JobImageBytes, long ReservedBytes);

public static class StorageApi
{
    public static IEndpointRouteBuilder MapStorageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/storage", GetStorage)
            .WithTags("Accounts")
            .WithName("GetStorage")
            .WithSummary("What the caller stores, by kind, against their storage quota")
            .WithDescription("Models, data sets, images, job images and left-over checkpoints, plus what queued and running jobs are estimated to store. Uploads, imports and job submissions that would pass the quota are refused with 409 'Storage quota reached'.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static async Task<Ok<StorageDto>> GetStorage(StorageQuota quota, HttpContext http, CancellationToken cancellationToken)
    {
        var use = await quota.UsageAsync(http.User.UserId(), cancellationToken);
        return TypedResults.Ok(new StorageDto(
            quota.QuotaBytes, use.Total, use.Models, use.Datasets, use.Images, use.Checkpoints, use.JobImages, use.Reserved));
    }
}
