using System.Globalization;
using System.Text;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Assignments;

/// <summary>
/// Every submission to an assignment side by side: for the instructor, and for the class once the instructor opens it.
/// Runs are shown as their owner's job would be to the viewer minus what is drawn from private training data
/// (<see cref="TrainingDataAccess"/>); comments only to the instructor.
/// </summary>
public sealed class AssignmentClassView(
    DeepNetDbContext db, AssignmentAccess access, AssignmentBook book, JobStore store, TrainingDataAccess trainingData, ModelKindRegistry kinds)
{
    public async Task<Outcome<ClassViewDto>> ViewAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var seat = await access.ClassViewAsync(id, userId, cancellationToken);
        if (seat.Value is not { } found)
        {
            return seat.Problem<ClassViewDto>();
        }

        var metrics = AssignmentBook.Strings(found.Assignment.MetricsJson);
        var submissions = await (from s in db.AssignmentSubmissions.AsNoTracking()
                                 join u in db.Users on s.UserId equals u.Id
                                 where s.AssignmentId == id
                                 orderby u.DisplayName
                                 select new SubmissionDto(s.UserId, u.DisplayName, s.JobId, s.SubmittedAt, s.Late, found.IsInstructor ? s.Comment : null))
            .ToListAsync(cancellationToken);
        var rows = new List<ClassViewRowDto>(submissions.Count);
        foreach (var submission in submissions)
        {
            if (await store.GetAsync(submission.JobId, cancellationToken) is not { } stored)
            {
                continue;
            }

            var job = await JobsApi.ForViewerAsync(stored, trainingData, userId, cancellationToken);
            double? testError = job.ModelId is { } modelId
                ? await db.TrainedModels.IgnoreQueryFilters().Where(m => m.Id == modelId).Select(m => (double?)m.TestError).SingleOrDefaultAsync(cancellationToken)
                : null;
            var thumbnail = kinds.Find(job.Kind)?.Images.Thumbnail;
            rows.Add(new ClassViewRowDto(
                submission,
                job.Name,
                job.Kind,
                [.. metrics.Select(m => AssignmentMetrics.Read(m, job, testError))],
                AssignmentMetrics.PerClass(job),
                AssignmentMetrics.TrainedDigits(job),
                AssignmentMetrics.Curve(job),
                thumbnail is null || (job.Withheld?.Images.Contains(thumbnail) ?? false) ? [] : [thumbnail]));
        }

        var notSubmitted = found.IsInstructor
            ? await (from m in db.ClassMembers
                     join u in db.Users on m.UserId equals u.Id
                     where m.ClassId == found.Assignment.ClassId && m.Role != ClassMember.InstructorRole
                         && !db.AssignmentSubmissions.Any(s => s.AssignmentId == id && s.UserId == m.UserId)
                     orderby u.DisplayName
                     select u.DisplayName).ToListAsync(cancellationToken)
            : [];
        return new ClassViewDto(await book.ToDtoAsync(found, userId, cancellationToken), metrics, rows, notSubmitted);
    }

    /// <summary>
    /// The job id behind a student's submission image: for whoever may open the class view, and for the student themself.
    /// </summary>
    public async Task<Outcome<Guid>> SubmissionJobAsync(Guid id, string studentId, string userId, CancellationToken cancellationToken)
    {
        var seat = studentId == userId
            ? await access.MemberAsync(id, userId, cancellationToken)
            : await access.ClassViewAsync(id, userId, cancellationToken);
        if (seat.Value is null)
        {
            return seat.Problem<Guid>();
        }

        var jobId = await db.AssignmentSubmissions.Where(s => s.AssignmentId == id && s.UserId == studentId)
            .Select(s => (Guid?)s.JobId).SingleOrDefaultAsync(cancellationToken);
        return jobId is { } found ? found : Problems.Missing("Submission not found", $"User {studentId} has no submission to assignment {id}.");
    }

    /// <summary>The class view as CSV: one row per submission, the metrics and the per-class errors as columns.</summary>
    public async Task<Outcome<string>> CsvAsync(Guid id, string userId, CancellationToken cancellationToken)
    {
        var view = await ViewAsync(id, userId, cancellationToken);
        if (view.Value is not { } found)
        {
            return view.Problem<string>();
        }

        bool perClass = found.Rows.Any(r => r.PerClass is not null);
        var csv = new StringBuilder();
        var header = new List<string> { "student", "run", "kind", "submittedAt", "late" };
        header.AddRange(found.Metrics);
        if (perClass)
        {
            header.AddRange(Enumerable.Range(0, 10).Select(d => $"digit{d}Error"));
        }

        if (found.Assignment.IsInstructor)
        {
            header.Add("comment");
        }

        Csv.AppendRow(csv, header);
        foreach (var row in found.Rows)
        {
            var cells = new List<string>
            {
                row.Submission.DisplayName,
                row.JobName,
                row.Kind,
                row.Submission.SubmittedAt.ToString("O", CultureInfo.InvariantCulture),
                row.Submission.Late ? "true" : "false",
            };
            cells.AddRange(row.Values.Select(Csv.Number));
            if (perClass)
            {
                cells.AddRange(Enumerable.Range(0, 10).Select(d => Csv.Number(row.PerClass?[d])));
            }

            if (found.Assignment.IsInstructor)
            {
                cells.Add(row.Submission.Comment ?? "");
            }

            Csv.AppendRow(csv, cells);
        }

        return csv.ToString();
    }
}

/// <summary>
/// RFC 4180 cells that spreadsheets open safely: text starting with =, +, -, @, tab or carriage return is prefixed with
/// an apostrophe so it is never run as a formula (numbers are written by <see cref="Number"/> and never escaped).
/// </summary>
public static class Csv
{
    public static void AppendRow(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.AppendJoin(',', cells.Select(Cell));
        csv.Append("\r\n");
    }

    public static string Number(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    public static string Cell(string text)
    {
        bool numeric = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (!numeric && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
