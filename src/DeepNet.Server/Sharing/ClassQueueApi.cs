using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>GET /api/classes/{id}/queue: the instructor's view of what the class's members have queued and running.</summary>
public static class ClassQueueApi
{
    public static IEndpointRouteBuilder MapClassQueueApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/classes/{id:guid}/queue", GetClassQueue)
            .WithTags("Classes")
            .WithName("GetClassQueue")
            .WithSummary("The class's queued and running jobs (instructor only)")
            .WithDescription("Every queued or running job of the class's members, running first, then queued in the order the fair queue will start them, with each job's position and estimated start. Only the class's instructor may read it: 404 for someone outside the class, 403 for a member.")
            .Produces<ClassQueueDto>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<ClassQueueDto>, ValidationProblem, ProblemHttpResult>> GetClassQueue(
        Guid id, ClassQueue queue, HttpContext http, CancellationToken cancellationToken) =>
        (await queue.ReadAsync(id, http.User.UserId(), cancellationToken)).Map(TypedResults.Ok);
}

/// <summary>A class's queue.</summary>
/// <param name="Jobs">Running jobs first, then queued ones in the order they will start.</param>
public sealed record ClassQueueDto(IReadOnlyList<ClassQueueEntryDto> Jobs);

/// <summary>One job in a class's queue.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Its model kind.</param>
/// <param name="Owner">The member who submitted it (display name).</param>
/// <param name="Status">Queued or Running.</param>
/// <param name="Position">Place in the whole server's fair queue (1 starts next); null while running.</param>
/// <param name="EstimatedStartAt">Expected start (UTC) of a queued job.</param>
/// <param name="StartedAt">When a running job started.</param>
/// <param name="EstimatedRunSeconds">Its run time as estimated at submission.</param>
public sealed record ClassQueueEntryDto(
    Guid JobId, string Name, string Kind, string Owner, JobStatus Status, int? Position, DateTime? EstimatedStartAt, DateTime? StartedAt, double? EstimatedRunSeconds);

/// <summary>Reads a class's queue for its instructor; members' jobs are read unrestricted once the role is checked.</summary>
public sealed class ClassQueue(DeepNetDbContext db, IDbContextFactory<DeepNetDbContext> contexts, JobStore store)
{
    public async Task<Outcome<ClassQueueDto>> ReadAsync(Guid classId, string userId, CancellationToken cancellationToken)
    {
        var role = await db.ClassMembers.AsNoTracking()
            .Where(m => m.ClassId == classId && m.UserId == userId)
            .Select(m => m.Role)
            .SingleOrDefaultAsync(cancellationToken);
        if (role is null)
        {
            return Problems.NotFound("Class", classId);
        }

        if (role != ClassMember.InstructorRole)
        {
            return Problems.OnlyThe("instructor", "Class", classId, "see its queue");
        }

        await using var all = await contexts.CreateDbContextAsync(cancellationToken);
        var jobs = await all.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
                && all.ClassMembers.Any(m => m.ClassId == classId && m.UserId == j.OwnerId))
            .Join(all.Users, j => j.OwnerId, u => u.Id, (j, u) => new { Job = j, Owner = u.DisplayName })
            .ToListAsync(cancellationToken);
        var slots = await store.ForecastAsync(cancellationToken);
        var entries = jobs
            .Select(x => new ClassQueueEntryDto(
                x.Job.Id, x.Job.Name, x.Job.Kind, x.Owner, x.Job.Status,
                slots.GetValueOrDefault(x.Job.Id)?.Position, slots.GetValueOrDefault(x.Job.Id)?.EstimatedStartAt, x.Job.StartedAt, x.Job.EstimatedRunSeconds))
            .OrderBy(e => e.Status == JobStatus.Running ? 0 : 1)
            .ThenBy(e => e.Position ?? 0)
            .ThenBy(e => e.StartedAt)
            .ToList();
        return new ClassQueueDto(entries);
    }
}
