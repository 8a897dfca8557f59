using System.Threading.Channels;
using DeepNet.Server.Persistence;
using DeepNet.Server.Persistence.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>What one sweep removed.</summary>
/// <param name="Checkpoints">Checkpoints no job may continue from (finished, failed past the grace period, or of no job).</param>
/// <param name="OrphanedRows">Metrics, stage epochs, reports, evaluations and images of jobs that no longer exist.</param>
/// <param name="DanglingLinks">Model → job and job → model links to rows that no longer exist, cleared.</param>
/// <param name="ReclaimedBytes">Free space handed back to the file system.</param>
/// <param name="OrphanedBlobs">Blobs no row names any more, older than <see cref="BlobOptions.OrphanGrace"/>, removed from the blob store.</param>
/// <param name="OrphanedBlobBytes">Their bytes.</param>
public sealed record SweepResult(int Checkpoints, int OrphanedRows, int DanglingLinks, long ReclaimedBytes, int OrphanedBlobs = 0, long OrphanedBlobBytes = 0);

/// <summary>
/// Removes what no job needs any more — checkpoints by the rules of <see cref="JobRetention"/>, rows of jobs deleted
/// while the database's foreign keys were off, links to deleted jobs and models — and gives the freed pages back
/// (<see cref="SqliteVacuum"/>). Sweeps at startup (a database from before retention holds every checkpoint ever
/// written), every <see cref="RetentionOptions.SweepInterval"/>, and soon after <see cref="Request"/> (a job was deleted).
/// Last it removes the blobs no row names any more (<see cref="BlobSweep"/>), the removed checkpoints' among them.
/// </summary>
public sealed class RetentionSweeper(
    IDbContextFactory<DeepNetDbContext> contexts, IOptions<RetentionOptions> options, IOptions<BlobOptions> blobOptions, TimeProvider clock,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Asks for a sweep now rather than at the next interval.</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    /// <summary>One sweep; concurrent calls run one after another.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var result = await SweepOnceAsync(cancellationToken);
            if (result.Checkpoints + result.OrphanedRows + result.DanglingLinks + result.OrphanedBlobs > 0 || result.ReclaimedBytes > 0)
            {
                logger.LogInformation(
                    "Retention: removed {Checkpoints} checkpoint(s), {Rows} orphaned row(s) and {Blobs} orphaned blob(s) ({BlobMegabytes:F1} MB), cleared {Links} dangling link(s), gave back {Megabytes:F1} MB.",
                    result.Checkpoints, result.OrphanedRows, result.OrphanedBlobs, result.OrphanedBlobBytes / 1048576.0, result.DanglingLinks, result.ReclaimedBytes / 1048576.0);
            }

            return result;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Retention: the sweep failed; it runs again at the next interval.");
            }

            using var interval = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            interval.CancelAfter(options.Value.SweepInterval);
            try
            {
                await _requests.Reader.ReadAsync(interval.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<SweepResult> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var failedBefore = clock.GetUtcNow().UtcDateTime - options.Value.FailedCheckpointGrace;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        int checkpoints;
        int rows = 0;
        int links = 0;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            checkpoints = await JobRetention.RemoveCheckpointsAsync(JobRetention.ExpiredCheckpoints(db, failedBefore), cancellationToken);
            var jobs = db.Jobs.IgnoreQueryFilters();
            rows += await db.JobEpochMetrics.Where(m => !jobs.Any(j => j.Id == m.JobId)).ExecuteDeleteAsync(cancellationToken);
            rows += await db.JobStageEpochs.Where(e => !jobs.Any(j => j.Id == e.JobId)).ExecuteDeleteAsync(cancellationToken);
            rows += await db.JobEpochReports.Where(r => !jobs.Any(j => j.Id == r.JobId)).ExecuteDeleteAsync(cancellationToken);
            rows += await db.JobEvaluations.Where(e => !jobs.Any(j => j.Id == e.JobId)).ExecuteDeleteAsync(cancellationToken);
            rows += await db.JobImages.Where(i => !jobs.Any(j => j.Id == i.JobId)).ExecuteDeleteAsync(cancellationToken);
            var models = db.TrainedModels.IgnoreQueryFilters();
            links += await models.Where(m => m.JobId != null && !jobs.Any(j => j.Id == m.JobId))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.JobId, (Guid?)null), cancellationToken);
            links += await jobs.Where(j => j.ModelId != null && !models.Any(m => m.Id == j.ModelId))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.ModelId, (Guid?)null), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        long reclaimed = await SqliteVacuum.ReclaimFreePagesAsync(db, cancellationToken);
        var blobs = await BlobSweep.SweepAsync(db, db.Blobs, clock.GetUtcNow().UtcDateTime - blobOptions.Value.OrphanGrace, cancellationToken);
        return new SweepResult(checkpoints, rows, links, reclaimed, blobs.Blobs, blobs.Bytes);
    }
}
