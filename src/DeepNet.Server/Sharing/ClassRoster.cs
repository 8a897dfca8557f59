using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Classes: the creator is the instructor (sees the join code and the members, removes members, rotates the code);
/// classmates join with the code. Someone who is not in a class gets the same 404 as for an unknown class.
/// Scoped: the caller's view (<see cref="DeepNetDbContext"/>).
/// </summary>
public sealed class ClassRoster(DeepNetDbContext db, ModelKindRegistry kinds, TimeProvider clock)
{
    /// <summary>Creates a class with a fresh join code; <paramref name="userId"/> is its instructor (and its first member).</summary>
    public async Task<Outcome<ClassDto>> CreateAsync(CreateClassRequest? request, string userId, CancellationToken cancellationToken)
    {
        string name = request?.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Problems.Invalid("name", "is required and must not be blank.", "Invalid class");
        }

        if (UserText.NameProblem(name, DeepNetDbContext.NameMaxLength) is { } nameProblem)
        {
            return Problems.Invalid("name", nameProblem, "Invalid class");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var classroom = new Classroom
        {
            Id = Guid.NewGuid(),
            Name = name,
            JoinCode = await NewJoinCodeAsync(cancellationToken),
            InstructorId = userId,
            CreatedAt = now,
        };
        db.Classes.Add(classroom);
        db.ClassMembers.Add(new ClassMember { ClassId = classroom.Id, UserId = userId, Role = ClassMember.InstructorRole, JoinedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        return (await DescribeAsync(classroom.Id, userId, withMembers: false, cancellationToken))!;
    }

    /// <summary>The classes <paramref name="userId"/> is in, newest first.</summary>
    public Task<List<ClassDto>> ListAsync(string userId, CancellationToken cancellationToken) =>
        DescribeAsync(db.ClassMembers.Where(m => m.UserId == userId).Select(m => m.ClassId), userId, cancellationToken);

    /// <summary>One class <paramref name="userId"/> is in, with its members for the instructor; a 404 otherwise.</summary>
    public async Task<Outcome<ClassDto>> GetAsync(Guid id, string userId, CancellationToken cancellationToken) =>
        await DescribeAsync(id, userId, withMembers: true, cancellationToken) is { } dto ? dto : Problems.NotFound("Class", id);

    /// <summary>Joins the class whose code this is; already a member → the class, unchanged.</summary>
    public async Task<Outcome<ClassDto>> JoinAsync(JoinClassRequest? request, string userId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Code))
        {
            return Problems.Invalid("code", "is required.", "Invalid join code");
        }

        string? code = JoinCodes.Normalize(request.Code);
        var classId = code is null
            ? null
            : await db.Classes.Where(c => c.JoinCode == code).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(cancellationToken);
        if (classId is not { } id)
        {
            return Problems.Missing("Unknown join code", $"No class has the join code '{request.Code.Trim()}'.");
        }

        if (!await IsMemberAsync(id, userId, cancellationToken))
        {
            db.ClassMembers.Add(new ClassMember { ClassId = id, UserId = userId, Role = ClassMember.MemberRole, JoinedAt = clock.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // A concurrent join of the same user may have won the race; then the result is the same.
                db.ChangeTracker.Clear();
                if (!await IsMemberAsync(id, userId, cancellationToken))
                {
                    throw;
                }
            }
        }

        return (await DescribeAsync(id, userId, withMembers: false, cancellationToken))!;
    }

    /// <summary>
    /// Removes member <paramref name="memberId"/> (instructor only); the member's models shared with the class are unshared
    /// from it. Null when done.
    /// </summary>
    public async Task<ProblemHttpResult?> RemoveMemberAsync(Guid id, string memberId, string callerId, CancellationToken cancellationToken)
    {
        if (await InstructorCheckAsync(id, callerId, "remove members", cancellationToken) is { } refused)
        {
            return refused;
        }

        if (memberId == callerId)
        {
            return Problems.BadRequest("Cannot remove the instructor", "The instructor cannot remove themself from their class.");
        }

        if (!await IsMemberAsync(id, memberId, cancellationToken))
        {
            return Problems.Missing("Member not found", $"User {memberId} is not a member of class {id}.");
        }

        await RemoveMembershipAsync(id, memberId, cancellationToken);
        return null;
    }

    /// <summary>Leaves a class (members only); the caller's models shared with the class are unshared from it. Null when done.</summary>
    public async Task<ProblemHttpResult?> LeaveAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        string? role = await RoleAsync(id, userId, cancellationToken);
        if (role is null)
        {
            return Problems.NotFound("Class", id);
        }

        if (role == ClassMember.InstructorRole)
        {
            return Problems.BadRequest("The instructor cannot leave", "The instructor cannot leave their own class.");
        }

        await RemoveMembershipAsync(id, userId, cancellationToken);
        return null;
    }

    /// <summary>Replaces the join code (instructor only); the class with the new code.</summary>
    public async Task<Outcome<ClassDto>> RotateJoinCodeAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        if (await InstructorCheckAsync(id, userId, "change the join code", cancellationToken) is { } refused)
        {
            return refused;
        }

        string code = await NewJoinCodeAsync(cancellationToken);
        await db.Classes.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.JoinCode, code), cancellationToken);
        return (await DescribeAsync(id, userId, withMembers: false, cancellationToken))!;
    }

    /// <summary>The models shared with a class <paramref name="userId"/> is in, newest first, as gallery cards.</summary>
    public async Task<Outcome<List<GalleryCardDto>>> ModelsAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        if (await RoleAsync(id, userId, cancellationToken) is null)
        {
            return Problems.NotFound("Class", id);
        }

        // The context's query filter already limits models to those the caller may read.
        var rows = await ModelCards.Rows(db.TrainedModels
                .Where(m => m.Visibility == ModelVisibility.Class && db.ModelClassShares.Any(s => s.ModelId == m.Id && s.ClassId == id))
                .OrderByDescending(m => m.CreatedAt))
            .ToListAsync(cancellationToken);
        return await ModelCards.ToCardsAsync(db, rows, kinds, cancellationToken);
    }

    /// <summary>The caller's role in a class, or null when the caller is not in it (or it does not exist).</summary>
    private Task<string?> RoleAsync(Guid classId, string userId, CancellationToken cancellationToken) =>
        db.ClassMembers.Where(m => m.ClassId == classId && m.UserId == userId).Select(m => m.Role).SingleOrDefaultAsync(cancellationToken);

    private Task<bool> IsMemberAsync(Guid classId, string userId, CancellationToken cancellationToken) =>
        db.ClassMembers.AnyAsync(m => m.ClassId == classId && m.UserId == userId, cancellationToken);

    /// <summary>Null when <paramref name="userId"/> is the class's instructor; a 404 when not in it, a 403 when a member.</summary>
    private async Task<ProblemHttpResult?> InstructorCheckAsync(Guid id, string userId, string action, CancellationToken cancellationToken) =>
        await RoleAsync(id, userId, cancellationToken) switch
        {
            null => Problems.NotFound("Class", id),
            ClassMember.InstructorRole => null,
            _ => Problems.OnlyThe("instructor", "Class", id, action),
        };

    /// <summary>
    /// Deletes the membership and, with it, the shares of the user's models to the class; a model shared with classes
    /// that was shared with this one alone becomes private.
    /// </summary>
    private async Task RemoveMembershipAsync(Guid classId, string userId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.ClassMembers.Where(m => m.ClassId == classId && m.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.ModelClassShares
            .Where(s => s.ClassId == classId && db.TrainedModels.IgnoreQueryFilters().Any(m => m.Id == s.ModelId && m.OwnerId == userId))
            .ExecuteDeleteAsync(cancellationToken);
        // Unfiltered: the instructor removing a member changes the member's models, which they may no longer read.
        await db.TrainedModels.IgnoreQueryFilters()
            .Where(m => m.OwnerId == userId && m.Visibility == ModelVisibility.Class && !db.ModelClassShares.Any(s => s.ModelId == m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Visibility, ModelVisibility.Private), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<string> NewJoinCodeAsync(CancellationToken cancellationToken)
    {
        // 31^8 ≈ 8.5·10^11 codes: a collision is rare, several in a row are not expected; the unique index is the last word.
        while (true)
        {
            string code = JoinCodes.NewCode();
            if (!await db.Classes.AnyAsync(c => c.JoinCode == code, cancellationToken))
            {
                return code;
            }
        }
    }

    private async Task<ClassDto?> DescribeAsync(Guid classId, string userId, bool withMembers, CancellationToken cancellationToken)
    {
        var described = await DescribeAsync(db.ClassMembers.Where(m => m.ClassId == classId && m.UserId == userId).Select(m => m.ClassId), userId, cancellationToken);
        if (described.Count == 0)
        {
            return null;
        }

        var dto = described[0];
        if (!withMembers || dto.Role != ClassMember.InstructorRole)
        {
            return dto;
        }

        var members = await db.ClassMembers.AsNoTracking()
            .Where(m => m.ClassId == classId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.UserId, u.DisplayName, m.Role, m.JoinedAt })
            .ToListAsync(cancellationToken);
        return dto with
        {
            Members = members
                .OrderBy(m => m.Role == ClassMember.InstructorRole ? 0 : 1)
                .ThenBy(m => m.JoinedAt)
                .Select(m => new ClassMemberDto(m.UserId, m.DisplayName, m.Role, m.JoinedAt))
                .ToList(),
        };
    }

    private async Task<List<ClassDto>> DescribeAsync(IQueryable<Guid> classIds, string userId, CancellationToken cancellationToken)
    {
        var rows = await db.Classes.AsNoTracking()
            .Where(c => classIds.Contains(c.Id))
            .Select(c => new
            {
                c.Id,
                c.Name,
                c.JoinCode,
                c.InstructorId,
                c.CreatedAt,
                Role = db.ClassMembers.Where(m => m.ClassId == c.Id && m.UserId == userId).Select(m => m.Role).FirstOrDefault() ?? ClassMember.MemberRole,
                MemberCount = db.ClassMembers.Count(m => m.ClassId == c.Id),
            })
            .ToListAsync(cancellationToken);
        var instructors = await ModelCards.DisplayNamesAsync(db, rows.Select(r => r.InstructorId), cancellationToken);
        return rows
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => new ClassDto(
                r.Id,
                r.Name,
                r.Role,
                instructors.GetValueOrDefault(r.InstructorId, ""),
                r.MemberCount,
                r.Role == ClassMember.InstructorRole ? r.JoinCode : null,
                r.CreatedAt))
            .ToList();
    }
}
