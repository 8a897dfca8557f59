using System.Security.Claims;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Jobs;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Classes: the creator is the instructor (sees the join code and the members, removes members, rotates the code);
/// classmates join with the code. Someone who is not in a class gets the same 404 as for an unknown class.
/// </summary>
public static class ClassesApi
{
    public static IEndpointRouteBuilder MapClassesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/classes").WithTags("Classes");

        api.MapPost("/", CreateClass)
            .WithName("CreateClass")
            .WithSummary("Create a class; the caller becomes its instructor and gets its join code")
            .Produces<ClassDto>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        api.MapGet("/", ListClasses)
            .WithName("ListClasses")
            .WithSummary("The classes the caller is in (as instructor or member), newest first");

        api.MapGet("/{id:guid}", GetClass)
            .WithName("GetClass")
            .WithSummary("One class the caller is in; the instructor also gets the members")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/join", JoinClass)
            .WithName("JoinClass")
            .WithSummary("Join a class with its join code (case-insensitive); joining a class one is already in returns it unchanged")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{id:guid}/members/{userId}", RemoveMember)
            .WithName("RemoveClassMember")
            .WithSummary("Remove a member from a class (instructor only); the member's models are no longer shared with it")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:guid}/leave", LeaveClass)
            .WithName("LeaveClass")
            .WithSummary("Leave a class (members; the instructor cannot leave); the caller's models are no longer shared with it")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{id:guid}/join-code", RotateJoinCode)
            .WithName("RotateClassJoinCode")
            .WithSummary("Give a class a new join code (instructor only); the old code stops working")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id:guid}/models", ListClassModels)
            .WithName("ListClassModels")
            .WithSummary("Gallery cards of the models shared with a class, newest first (members only)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    /// <summary>Creates a class with a fresh join code; the caller is its instructor (and its first member).</summary>
    public static async Task<Results<Created<ClassDto>, ValidationProblem>> CreateClass(
        CreateClassRequest? request, ClaimsPrincipal user, DeepNetDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        string name = request?.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Problems.Invalid("name", "is required and must not be blank.", "Invalid class");
        }

        if (name.Length > DeepNetDbContext.NameMaxLength)
        {
            return Problems.Invalid("name", $"must be at most {DeepNetDbContext.NameMaxLength} characters.", "Invalid class");
        }

        string userId = user.UserId();
        var now = clock.GetUtcNow().UtcDateTime;
        var classroom = new Classroom
        {
            Id = Guid.NewGuid(),
            Name = name,
            JoinCode = await NewJoinCodeAsync(db, cancellationToken),
            InstructorId = userId,
            CreatedAt = now,
        };
        db.Classes.Add(classroom);
        db.ClassMembers.Add(new ClassMember { ClassId = classroom.Id, UserId = userId, Role = ClassMember.InstructorRole, JoinedAt = now });
        await db.SaveChangesAsync(cancellationToken);
        var dto = await DescribeAsync(db, classroom.Id, userId, withMembers: false, cancellationToken);
        return TypedResults.Created($"/api/classes/{classroom.Id}", dto!);
    }

    /// <summary>The caller's classes, newest first.</summary>
    public static async Task<Ok<List<ClassDto>>> ListClasses(ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        string userId = user.UserId();
        var classIds = db.ClassMembers.Where(m => m.UserId == userId).Select(m => m.ClassId);
        return TypedResults.Ok(await DescribeAsync(db, classIds, userId, cancellationToken));
    }

    /// <summary>One class the caller is in; <c>members</c> for the instructor.</summary>
    /// <param name="id">Class id.</param>
    public static async Task<Results<Ok<ClassDto>, ProblemHttpResult>> GetClass(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken) =>
        await DescribeAsync(db, id, user.UserId(), withMembers: true, cancellationToken) is { } dto
            ? TypedResults.Ok(dto)
            : Problems.NotFound("Class", id);

    /// <summary>Joins the class whose code this is; already a member → the class, unchanged.</summary>
    public static async Task<Results<Ok<ClassDto>, ValidationProblem, ProblemHttpResult>> JoinClass(
        JoinClassRequest? request, ClaimsPrincipal user, DeepNetDbContext db, TimeProvider clock, CancellationToken cancellationToken)
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

        string userId = user.UserId();
        if (!await db.ClassMembers.AnyAsync(m => m.ClassId == id && m.UserId == userId, cancellationToken))
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
                if (!await db.ClassMembers.AnyAsync(m => m.ClassId == id && m.UserId == userId, cancellationToken))
                {
                    throw;
                }
            }
        }

        return TypedResults.Ok((await DescribeAsync(db, id, userId, withMembers: false, cancellationToken))!);
    }

    /// <summary>Removes a member (instructor only); the member's models shared with the class are unshared from it.</summary>
    /// <param name="id">Class id.</param>
    /// <param name="userId">The member's user id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid id, string userId, ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        string callerId = user.UserId();
        string? role = await RoleAsync(db, id, callerId, cancellationToken);
        if (role is null)
        {
            return Problems.NotFound("Class", id);
        }

        if (role != ClassMember.InstructorRole)
        {
            return Problems.OnlyThe("instructor", "Class", id, "remove members");
        }

        if (userId == callerId)
        {
            return Problems.BadRequest("Cannot remove the instructor", "The instructor cannot remove themself from their class.");
        }

        if (!await db.ClassMembers.AnyAsync(m => m.ClassId == id && m.UserId == userId, cancellationToken))
        {
            return Problems.Missing("Member not found", $"User {userId} is not a member of class {id}.");
        }

        await RemoveMembershipAsync(db, id, userId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Leaves a class (members only); the caller's models shared with the class are unshared from it.</summary>
    /// <param name="id">Class id.</param>
    public static async Task<Results<NoContent, ProblemHttpResult>> LeaveClass(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        string userId = user.UserId();
        string? role = await RoleAsync(db, id, userId, cancellationToken);
        if (role is null)
        {
            return Problems.NotFound("Class", id);
        }

        if (role == ClassMember.InstructorRole)
        {
            return Problems.BadRequest("The instructor cannot leave", "The instructor cannot leave their own class.");
        }

        await RemoveMembershipAsync(db, id, userId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Replaces the join code (instructor only) and returns the class with the new code.</summary>
    /// <param name="id">Class id.</param>
    public static async Task<Results<Ok<ClassDto>, ProblemHttpResult>> RotateJoinCode(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, CancellationToken cancellationToken)
    {
        string userId = user.UserId();
        string? role = await RoleAsync(db, id, userId, cancellationToken);
        if (role is null)
        {
            return Problems.NotFound("Class", id);
        }

        if (role != ClassMember.InstructorRole)
        {
            return Problems.OnlyThe("instructor", "Class", id, "change the join code");
        }

        string code = await NewJoinCodeAsync(db, cancellationToken);
        await db.Classes.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.JoinCode, code), cancellationToken);
        return TypedResults.Ok((await DescribeAsync(db, id, userId, withMembers: false, cancellationToken))!);
    }

    /// <summary>The models shared with a class, newest first, as gallery cards.</summary>
    /// <param name="id">Class id.</param>
    public static async Task<Results<Ok<List<GalleryCardDto>>, ProblemHttpResult>> ListClassModels(
        Guid id, ClaimsPrincipal user, DeepNetDbContext db, ModelKindRegistry kinds, CancellationToken cancellationToken)
    {
        string userId = user.UserId();
        if (await RoleAsync(db, id, userId, cancellationToken) is null)
        {
            return Problems.NotFound("Class", id);
        }

        // The context's query filter already limits models to those the caller may read.
        var rows = await ModelCards.Rows(db.TrainedModels
                .Where(m => m.Visibility == ModelVisibility.Class && db.ModelClassShares.Any(s => s.ModelId == m.Id && s.ClassId == id))
                .OrderByDescending(m => m.CreatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(await ModelCards.ToCardsAsync(db, rows, kinds, cancellationToken));
    }

    /// <summary>The caller's role in a class, or null when the caller is not in it (or it does not exist).</summary>
    public static Task<string?> RoleAsync(DeepNetDbContext db, Guid classId, string userId, CancellationToken cancellationToken) =>
        db.ClassMembers.Where(m => m.ClassId == classId && m.UserId == userId).Select(m => m.Role).SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Deletes the membership and, with it, the shares of the user's models to the class; a model shared with classes
    /// that was shared with this one alone becomes private.
    /// </summary>
    private static async Task RemoveMembershipAsync(DeepNetDbContext db, Guid classId, string userId, CancellationToken cancellationToken)
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

    private static async Task<string> NewJoinCodeAsync(DeepNetDbContext db, CancellationToken cancellationToken)
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

    private static async Task<ClassDto?> DescribeAsync(DeepNetDbContext db, Guid classId, string userId, bool withMembers, CancellationToken cancellationToken)
    {
        var described = await DescribeAsync(db, db.ClassMembers.Where(m => m.ClassId == classId && m.UserId == userId).Select(m => m.ClassId), userId, cancellationToken);
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
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.UserId, u.Email, m.Role, m.JoinedAt })
            .ToListAsync(cancellationToken);
        return dto with
        {
            Members = members
                .OrderBy(m => m.Role == ClassMember.InstructorRole ? 0 : 1)
                .ThenBy(m => m.JoinedAt)
                .Select(m => new ClassMemberDto(m.UserId, m.Email ?? "", m.Role, m.JoinedAt))
                .ToList(),
        };
    }

    private static async Task<List<ClassDto>> DescribeAsync(DeepNetDbContext db, IQueryable<Guid> classIds, string userId, CancellationToken cancellationToken)
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
        var instructors = await ModelCards.EmailsAsync(db, rows.Select(r => r.InstructorId), cancellationToken);
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
