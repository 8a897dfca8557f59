using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Assignments;

/// <summary>
/// A student's side of an assignment: runs started from its template (fixed settings enforced), the one submission
/// (resubmitting replaces it; after the due date it is marked late), and the instructor's comment on it.
/// </summary>
public sealed class AssignmentSubmissions(DeepNetDbContext db, AssignmentAccess access, AssignmentBook book, TimeProvider clock)
{
    /// <summary>The job a member may start: the template with their editable settings; 400 naming a fixed setting that differs.</summary>
    public async Task<Outcome<CreateJobRequest>> RunRequestAsync(Guid id, JsonObject? body, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.MemberAsync(id, userId, cancellationToken);
        if (seat.Value is not { } found)
        {
            return seat.Problem<CreateJobRequest>();
        }

        var job = JobTemplate.Apply(AssignmentBook.JobOf(found.Assignment), body, AssignmentBook.Strings(found.Assignment.EditableFieldsJson));
        if (job.Value is not { } merged)
        {
            return job.Problem<CreateJobRequest>();
        }

        try
        {
            return merged.Deserialize<CreateJobRequest>(JsonDefaults.Options)!;
        }
        catch (JsonException e)
        {
            return Problems.Invalid(e.Path is { Length: > 2 } path ? path[2..] : "job", "has a value of the wrong type.", "Invalid job");
        }
    }

    /// <summary>Records that <paramref name="jobId"/> was started from the assignment, so its owner may submit it.</summary>
    public async Task RecordRunAsync(Guid id, Guid jobId, string userId, CancellationToken cancellationToken)
    {
        db.AssignmentRuns.Add(new AssignmentRun { AssignmentId = id, JobId = jobId, UserId = userId });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The caller's runs from the assignment, newest first.</summary>
    public async Task<Outcome<List<AssignmentRunDto>>> RunsAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.MemberAsync(id, userId, cancellationToken);
        if (seat.Value is null)
        {
            return seat.Problem<List<AssignmentRunDto>>();
        }

        var submitted = await db.AssignmentSubmissions.Where(s => s.AssignmentId == id && s.UserId == userId)
            .Select(s => (Guid?)s.JobId).SingleOrDefaultAsync(cancellationToken);
        var runs = await (from r in db.AssignmentRuns
                          join j in db.Jobs on r.JobId equals j.Id
                          where r.AssignmentId == id && r.UserId == userId && j.OwnerId == userId
                          orderby j.CreatedAt descending
                          select new { j.Id, j.Name, j.Status, j.CreatedAt })
            .Take(200)
            .ToListAsync(cancellationToken);
        return runs.Select(r => new AssignmentRunDto(r.Id, r.Name, r.Status.ToString(), r.CreatedAt, r.Id == submitted)).ToList();
    }

    /// <summary>
    /// Submits one of the caller's finished runs from the assignment, replacing an earlier submission (the comment stays);
    /// late when after the due date.
    /// </summary>
    public async Task<Outcome<AssignmentDto>> SubmitAsync(Guid id, SubmitRequest? request, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.MemberAsync(id, userId, cancellationToken);
        if (seat.Value is not { } found)
        {
            return seat.Problem<AssignmentDto>();
        }

        if (request?.JobId is not { } jobId)
        {
            return Problems.Invalid("jobId", "is required: one of your runs started from this assignment.", "Invalid submission");
        }

        var status = await (from r in db.AssignmentRuns
                            join j in db.Jobs on r.JobId equals j.Id
                            where r.AssignmentId == id && r.JobId == jobId && r.UserId == userId && j.OwnerId == userId
                            select (JobStatus?)j.Status).SingleOrDefaultAsync(cancellationToken);
        if (status is null)
        {
            return Problems.Invalid("jobId", $"{jobId} is not one of your runs started from this assignment.", "Invalid submission");
        }

        if (status != JobStatus.Succeeded)
        {
            return Problems.Invalid("jobId", $"run {jobId} is {status}; submit a run that succeeded.", "Invalid submission");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var submission = await db.AssignmentSubmissions.SingleOrDefaultAsync(s => s.AssignmentId == id && s.UserId == userId, cancellationToken);
        if (submission is null)
        {
            submission = new AssignmentSubmission { AssignmentId = id, UserId = userId };
            db.AssignmentSubmissions.Add(submission);
        }

        submission.JobId = jobId;
        submission.SubmittedAt = now;
        submission.Late = now > found.Assignment.DueAt;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two submissions of the same student raced; the later request replaces the earlier.
            db.ChangeTracker.Clear();
            await db.AssignmentSubmissions.Where(s => s.AssignmentId == id && s.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.JobId, jobId).SetProperty(x => x.SubmittedAt, now).SetProperty(x => x.Late, now > found.Assignment.DueAt), cancellationToken);
        }

        return await book.ToDtoAsync(found, userId, cancellationToken);
    }

    /// <summary>Sets the instructor's comment on a student's submission (the instructor only); empty text removes it.</summary>
    public async Task<Outcome<SubmissionDto>> CommentAsync(Guid id, string studentId, CommentRequest? request, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.InstructorAsync(id, userId, "comment on submissions", cancellationToken);
        if (seat.Value is null)
        {
            return seat.Problem<SubmissionDto>();
        }

        string text = request?.Text?.Trim() ?? "";
        if (AssignmentBook.TextProblem(text, AssignmentLimits.CommentMaxLength) is { } problem)
        {
            return Problems.Invalid("text", problem, "Invalid comment");
        }

        var submission = await db.AssignmentSubmissions.SingleOrDefaultAsync(s => s.AssignmentId == id && s.UserId == studentId, cancellationToken);
        if (submission is null)
        {
            return Problems.Missing("Submission not found", $"User {studentId} has no submission to assignment {id}.");
        }

        submission.Comment = text.Length == 0 ? null : text;
        await db.SaveChangesAsync(cancellationToken);
        string name = await db.Users.Where(u => u.Id == studentId).Select(u => u.DisplayName).SingleAsync(cancellationToken);
        return new SubmissionDto(submission.UserId, name, submission.JobId, submission.SubmittedAt, submission.Late, submission.Comment);
    }
}
