using System.Text.Json.Nodes;
using DeepNet.Server.Contracts;

namespace DeepNet.Server.Assignments;

/// <summary>
/// Body of <c>POST /api/classes/{classId}/assignments</c> and <c>PUT /api/assignments/{id}</c>. With a
/// <see cref="Template"/>, job, editableFields and metrics default to the template's.
/// </summary>
/// <param name="Title">At most 200 characters.</param>
/// <param name="Instructions">Markdown, at most 16,000 characters (rendered as text, never as HTML).</param>
/// <param name="Template">A built-in template key (GET /api/assignment-templates), or null for a custom job.</param>
/// <param name="Job">The job body students start from, as POST /api/jobs takes it.</param>
/// <param name="EditableFields">Setting paths students may change (e.g. "rbm.hiddenUnits"); every other setting is fixed.</param>
/// <param name="Metrics">Metrics the class view shows (see <see cref="AssignmentMetrics"/>).</param>
/// <param name="DueAt">Due date (UTC); submissions after it are marked late.</param>
/// <param name="ClassCanView">Whether members may open the class view of every submission.</param>
public sealed record AssignmentRequest(
    string? Title,
    string? Instructions,
    string? Template,
    JsonObject? Job,
    IReadOnlyList<string>? EditableFields,
    IReadOnlyList<string>? Metrics,
    DateTime? DueAt,
    bool ClassCanView = false);

/// <summary>An assignment as a class member sees it.</summary>
/// <param name="IsInstructor">Whether the caller is the class's instructor (may edit, comment and always open the class view).</param>
/// <param name="CanViewClass">Whether the caller may open the class view.</param>
/// <param name="MySubmission">The caller's own submission, with the instructor's comment; null when none.</param>
public sealed record AssignmentDto(
    Guid Id,
    Guid ClassId,
    string Title,
    string Instructions,
    string? Template,
    JsonObject Job,
    IReadOnlyList<string> EditableFields,
    IReadOnlyList<string> Metrics,
    DateTime DueAt,
    bool ClassCanView,
    DateTime CreatedAt,
    bool IsInstructor,
    bool CanViewClass,
    SubmissionDto? MySubmission);

/// <summary>A built-in assignment template.</summary>
/// <param name="Key">"homework1", "homework2", "mnist-table-dbn", "bengio2007-dbn".</param>
/// <param name="Asks">What the student must bring (e.g. an uploaded dog photo), or null.</param>
public sealed record AssignmentTemplateDto(
    string Key,
    string Title,
    string Instructions,
    string? Asks,
    JsonObject Job,
    IReadOnlyList<string> EditableFields,
    IReadOnlyList<string> Metrics);

/// <summary>A submission as its author (or the class view) sees it.</summary>
/// <param name="Comment">The instructor's comment: shown to the author and the instructor only.</param>
public sealed record SubmissionDto(string UserId, string DisplayName, Guid JobId, DateTime SubmittedAt, bool Late, string? Comment);

/// <summary>Body of <c>PUT /api/assignments/{id}/submission</c>: which of the caller's runs from the assignment to submit.</summary>
public sealed record SubmitRequest(Guid? JobId);

/// <summary>Body of <c>PUT /api/assignments/{id}/submissions/{userId}/comment</c>.</summary>
/// <param name="Text">At most 4,000 characters; empty removes the comment.</param>
public sealed record CommentRequest(string? Text);

/// <summary>A run the caller started from an assignment.</summary>
public sealed record AssignmentRunDto(Guid JobId, string Name, string Status, DateTime CreatedAt, bool Submitted);

/// <summary>The class view: every submission side by side.</summary>
/// <param name="Metrics">The assignment's metric names, the columns of <see cref="ClassViewRowDto.Values"/>.</param>
/// <param name="NotSubmitted">Display names of the class's members without a submission (shown to the instructor only; empty for others).</param>
public sealed record ClassViewDto(AssignmentDto Assignment, IReadOnlyList<string> Metrics, IReadOnlyList<ClassViewRowDto> Rows, IReadOnlyList<string> NotSubmitted);

/// <summary>One submission in the class view.</summary>
/// <param name="Values">The assignment's metrics in order; null where the run has no such value.</param>
/// <param name="PerClass">Reconstruction error per digit 0–9 (homework 1's perClass evaluation); null when not evaluated.</param>
/// <param name="TrainedDigits">The digits the run was trained on (homework 1's per-class table marks them); empty when not evaluated.</param>
/// <param name="Curve">The learning curve: RBM reconstruction error per epoch, or a classifier's training error per stage epoch.</param>
/// <param name="Images">Image kinds of the run the viewer may fetch through the class view.</param>
public sealed record ClassViewRowDto(
    SubmissionDto Submission,
    string JobName,
    string Kind,
    IReadOnlyList<double?> Values,
    IReadOnlyList<double?>? PerClass,
    IReadOnlyList<int> TrainedDigits,
    IReadOnlyList<double> Curve,
    IReadOnlyList<string> Images);
