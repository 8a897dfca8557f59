using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>Access to jobs: read as the caller's view of the database allows (see <see cref="DeepNetDbContext"/>); change as the owner.</summary>
public static class JobAccess
{
    /// <summary>
    /// The owner of job <paramref name="jobId"/> when the caller of this scoped <paramref name="db"/> may read it
    /// (they own it, or may read the model it made); null when they may not or it does not exist.
    /// </summary>
    public static Task<string?> ReadableJobOwnerAsync(this DeepNetDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.OwnerId).SingleOrDefaultAsync(cancellationToken);
}
