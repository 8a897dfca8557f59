using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Assignments;

/// <summary>Publishing assignments: the class's instructor creates and edits them; members list and read them.</summary>
public sealed class AssignmentBook(
    DeepNetDbContext db, AssignmentAccess access, AssignmentTemplates templates, ModelKindRegistry kinds, TimeProvider clock)
{
    /// <summary>Publishes an assignment to a class (its instructor only; 404 outside the class, 403 for a member).</summary>
    public async Task<Outcome<AssignmentDto>> CreateAsync(Guid classId, AssignmentRequest? request, string userId, CancellationToken cancellationToken)
    {
        switch (await access.RoleAsync(classId, userId, cancellationToken))
        {
            case null:
                return Problems.NotFound("Class", classId);
            case not ClassMember.InstructorRole:
                return Problems.OnlyThe("instructor", "Class", classId, "publish assignments");
        }

        if (await db.Assignments.CountAsync(a => a.ClassId == classId, cancellationToken) >= AssignmentLimits.PerClass)
        {
            return Problems.Conflict("Too many assignments", $"Class {classId} already has {AssignmentLimits.PerClass} assignments, the most a class may hold.");
        }

        var assignment = new Assignment { Id = Guid.NewGuid(), ClassId = classId, CreatedAt = clock.GetUtcNow().UtcDateTime };
        if (Fill(assignment, request) is { } invalid)
        {
            return invalid;
        }

        db.Assignments.Add(assignment);
        await db.SaveChangesAsync(cancellationToken);
        return await ToDtoAsync(new AssignmentSeat(assignment, ClassMember.InstructorRole), userId, cancellationToken);
    }

    /// <summary>Replaces an assignment's settings (the instructor only); submissions already made keep their late marks.</summary>
    public async Task<Outcome<AssignmentDto>> UpdateAsync(Guid id, AssignmentRequest? request, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.InstructorAsync(id, userId, "edit it", cancellationToken);
        if (seat.Value is not { } found)
        {
            return seat.Problem<AssignmentDto>();
        }

        if (Fill(found.Assignment, request) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        return await ToDtoAsync(found, userId, cancellationToken);
    }

    /// <summary>Deletes an assignment with its submissions (the instructor only).</summary>
    public async Task<Outcome<bool>> DeleteAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.InstructorAsync(id, userId, "delete it", cancellationToken);
        if (seat.Value is not { } found)
        {
            return seat.Problem<bool>();
        }

        db.Assignments.Remove(found.Assignment);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>A class's assignments by due date (members only).</summary>
    public async Task<Outcome<List<AssignmentDto>>> ListAsync(Guid classId, string userId, CancellationToken cancellationToken)
    {
        if (await access.RoleAsync(classId, userId, cancellationToken) is not { } role)
        {
            return Problems.NotFound("Class", classId);
        }

        var assignments = await db.Assignments.AsNoTracking().Where(a => a.ClassId == classId)
            .OrderBy(a => a.DueAt).ThenBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        var list = new List<AssignmentDto>(assignments.Count);
        foreach (var assignment in assignments)
        {
            list.Add(await ToDtoAsync(new AssignmentSeat(assignment, role), userId, cancellationToken));
        }

        return list;
    }

    /// <summary>One assignment (members of its class only).</summary>
    public async Task<Outcome<AssignmentDto>> GetAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.MemberAsync(id, userId, cancellationToken);
        return seat.Value is { } found ? await ToDtoAsync(found, userId, cancellationToken) : seat.Problem<AssignmentDto>();
    }

    /// <summary>The assignment as <paramref name="userId"/> sees it, with their own submission.</summary>
    public async Task<AssignmentDto> ToDtoAsync(AssignmentSeat seat, string userId, CancellationToken cancellationToken)
    {
        var a = seat.Assignment;
        var mine = await (from s in db.AssignmentSubmissions.AsNoTracking()
                          join u in db.Users on s.UserId equals u.Id
                          where s.AssignmentId == a.Id && s.UserId == userId
                          select new SubmissionDto(s.UserId, u.DisplayName, s.JobId, s.SubmittedAt, s.Late, s.Comment))
            .SingleOrDefaultAsync(cancellationToken);
        return new AssignmentDto(
            a.Id, a.ClassId, a.Title, a.Instructions, a.Template, JobOf(a), Strings(a.EditableFieldsJson), Strings(a.MetricsJson),
            a.DueAt, a.ClassCanView, a.CreatedAt, seat.IsInstructor, seat.CanViewClass, mine);
    }

    /// <summary>
    /// Why multi-line text (instructions, comments) is refused: too long, or hiding control or text-direction characters
    /// other than line breaks and tabs; null when it is fine.
    /// </summary>
    public static string? TextProblem(string text, int maxLength)
    {
        if (text.Length > maxLength)
        {
            return $"must be at most {maxLength} characters; got {text.Length}.";
        }

        return UserText.HiddenCharacter(text.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ')) is { } found
            ? $"must not contain control characters or text-direction overrides (U+{found.CodePoint:X4} at {found.Index})."
            : null;
    }

    public static JsonObject JobOf(Assignment assignment) => JsonNode.Parse(assignment.JobJson)!.AsObject();

    public static List<string> Strings(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    /// <summary>Validates the request into the entity; the 400 naming every bad field, or null when it was filled.</summary>
    private ValidationProblem? Fill(Assignment assignment, AssignmentRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string title = request?.Title?.Trim() ?? "";
        if (UserText.NameProblem(title, DeepNetDbContext.NameMaxLength) is { } titleProblem)
        {
            errors["title"] = [titleProblem];
        }

        string instructions = request?.Instructions ?? "";
        if (TextProblem(instructions, AssignmentLimits.InstructionsMaxLength) is { } instructionsProblem)
        {
            errors["instructions"] = [instructionsProblem];
        }

        var template = request?.Template is null ? null : templates.Find(request.Template);
        if (request?.Template is not null && template is null)
        {
            errors["template"] = [$"must be one of {string.Join(", ", templates.All.Select(t => t.Key))}; got '{Excerpt(request.Template)}'."];
        }

        var job = request?.Job ?? template?.Job;
        string jobJson = job?.ToJsonString(JsonDefaults.Options) ?? "";
        if (job is null)
        {
            errors["job"] = ["is required: a job body as POST /api/jobs takes it, or a template."];
        }
        else if (jobJson.Length > AssignmentLimits.JobJsonMaxLength)
        {
            errors["job"] = [$"must be at most {AssignmentLimits.JobJsonMaxLength} characters of JSON; got {jobJson.Length}."];
        }
        else if (JobProblem(job) is { } jobProblem)
        {
            errors["job"] = [jobProblem];
        }

        var editable = request?.EditableFields ?? template?.EditableFields ?? [];
        ListProblems("editableFields", editable, JobTemplate.IsWellFormedPath, "is not a setting path like rbm.hiddenUnits", errors);
        var metrics = request?.Metrics ?? template?.Metrics ?? [];
        ListProblems("metrics", metrics, m => AssignmentMetrics.All.Contains(m), $"is not a metric; use {string.Join(", ", AssignmentMetrics.All)}", errors);

        if (request?.DueAt is not { } dueAt)
        {
            errors["dueAt"] = ["is required (UTC)."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Invalid assignment");
        }

        assignment.Title = title;
        assignment.Instructions = instructions;
        assignment.Template = template?.Key;
        assignment.JobJson = jobJson;
        assignment.EditableFieldsJson = JsonSerializer.Serialize(editable.Distinct(StringComparer.Ordinal));
        assignment.MetricsJson = JsonSerializer.Serialize(metrics.Distinct(StringComparer.Ordinal));
        assignment.DueAt = request!.DueAt!.Value.ToUniversalTime();
        assignment.ClassCanView = request.ClassCanView;
        return null;
    }

    /// <summary>Why the job body cannot be a job template (not a job request, or an unknown kind); null when it can.</summary>
    private string? JobProblem(JsonObject job)
    {
        try
        {
            var request = job.Deserialize<CreateJobRequest>(JsonDefaults.Options);
            return kinds.Resolve(request?.Kind) is null ? $"has kind '{Excerpt(request?.Kind ?? "")}'; use one of {string.Join(", ", kinds.Names)}." : null;
        }
        catch (JsonException e)
        {
            return $"is not a job body: {Excerpt(e.Message)}";
        }
    }

    private static void ListProblems(string field, IReadOnlyList<string> values, Func<string, bool> valid, string message, Dictionary<string, string[]> errors)
    {
        if (values.Count > AssignmentLimits.MaxFields)
        {
            errors[field] = [$"lists {values.Count}; at most {AssignmentLimits.MaxFields}."];
            return;
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] is null || !valid(values[i]))
            {
                errors[$"{field}[{i}]"] = [$"'{Excerpt(values[i] ?? "null")}' {message}."];
            }
        }
    }

    private static string Excerpt(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
