using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Persistence;

/// <summary>Access to jobs: read as the caller's view of the database allows (see <see cref="DeepNetDbContext"/>); change as the owner.</summary>
public static class JobAccess
{
    /// <summary>
    /// The owner of job <paramref name="jobId"/> when the caller of this scoped <paramref name="db"/> may read it
    /// (they own it, may read the model it made, or may open the class view of an assignment it is submitted to);
    /// null when they may not or it does not exist.
    /// </summary>
    public static async Task<string?> ReadableJobOwnerAsync(this DeepNetDbContext db, Guid jobId, CancellationToken cancellationToken)
    {
        string? owner = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.OwnerId).SingleOrDefaultAsync(cancellationToken);
        if (owner is not null || db.Viewer is not { IsRestricted: true, Id: { Length: > 0 } viewerId })
        {
            return owner;
        }

        // A submission is its class's instructor's to read, and its classmates' once the instructor opened the class view;
        // the submitter is the job's owner (submitting checks it).
        return await (from s in db.AssignmentSubmissions.AsNoTracking()
                      join a in db.Assignments on s.AssignmentId equals a.Id
                      join m in db.ClassMembers on a.ClassId equals m.ClassId
                      where s.JobId == jobId && m.UserId == viewerId && (m.Role == ClassMember.InstructorRole || a.ClassCanView)
                      select s.UserId)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
