using DeepNet.Server.Infrastructure;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Assignments;

/// <summary>An assignment and the caller's role in its class.</summary>
public sealed record AssignmentSeat(Assignment Assignment, string Role)
{
    public bool IsInstructor => Role == ClassMember.InstructorRole;

    /// <summary>The instructor always; members once the instructor opened the class view to the class.</summary>
    public bool CanViewClass => IsInstructor || Assignment.ClassCanView;
}

/// <summary>
/// Who may do what with an assignment: members of its class read it, start runs and submit; only the class's instructor
/// edits it and comments; the class view is the instructor's unless opened to the class. Someone outside the class gets the
/// same 404 as for an unknown assignment.
/// </summary>
public sealed class AssignmentAccess(DeepNetDbContext db)
{
    /// <summary>The caller's role in a class, or null when not in it (or it does not exist).</summary>
    public Task<string?> RoleAsync(Guid classId, string userId, CancellationToken cancellationToken) =>
        db.ClassMembers.Where(m => m.ClassId == classId && m.UserId == userId).Select(m => m.Role).SingleOrDefaultAsync(cancellationToken);

    /// <summary>The assignment for a member of its class; 404 otherwise.</summary>
    public async Task<Outcome<AssignmentSeat>> MemberAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var assignment = await db.Assignments.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return assignment is not null && await RoleAsync(assignment.ClassId, userId, cancellationToken) is { } role
            ? new AssignmentSeat(assignment, role)
            : NotFound(id);
    }

    /// <summary>The assignment for its class's instructor; 404 outside the class, 403 for a member.</summary>
    public async Task<Outcome<AssignmentSeat>> InstructorAsync(Guid id, string userId, string action, CancellationToken cancellationToken)
    {
        var seat = await MemberAsync(id, userId, cancellationToken);
        return seat.Value is { IsInstructor: false } ? Problems.OnlyThe("instructor", "Assignment", id, action) : seat;
    }

    /// <summary>The assignment for whoever may open its class view; 404 outside the class, 403 for a member while it is closed.</summary>
    public async Task<Outcome<AssignmentSeat>> ClassViewAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var seat = await MemberAsync(id, userId, cancellationToken);
        return seat.Value is { CanViewClass: false }
            ? Problems.OnlyThe("instructor", "Assignment", id, "open its class view until they open it to the class")
            : seat;
    }

    public static ProblemHttpResult NotFound(Guid id) => Problems.NotFound("Assignment", id);
}
