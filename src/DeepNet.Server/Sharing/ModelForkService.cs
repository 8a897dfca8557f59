using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace DeepNet.Server.Sharing;

/// <summary>
/// Fork: a new job of the caller that starts from a model they may read — continue an RBM, put an RBM under a DBN, or
/// fine-tune a DBN further. The job is an ordinary job of its kind (validated by the fork mode through the kind's own
/// validator) whose options carry a <see cref="JobStartFrom"/> (<see cref="JobStart"/>); its model's ParentModelId is the parent.
/// Scoped: it reads the parent through the caller's view (<see cref="DeepNetDbContext"/>).
/// </summary>
public sealed class ModelForkService(
    DeepNetDbContext db, ModelKindRegistry kinds, JobQueue queue, JobAdmission admission, JobBudget budget, TimeProvider clock)
{
    public const int MaxEpochs = 1000;

    private const string InvalidTitle = "Invalid fork";

    /// <summary>
    /// Queues a job of <paramref name="userId"/> that starts from model <paramref name="id"/>'s weights; a model the caller
    /// cannot read is a 404, a request that does not fit the model a 400.
    /// </summary>
    public async Task<Outcome<JobDto>> ForkAsync(Guid id, ForkRequest? request, string userId, CancellationToken cancellationToken)
    {
        var parent = await db.TrainedModels.AsNoTracking()
            .Where(m => m.Id == id)
            .Select(m => new ForkParent(m.Id, m.Name, m.Kind, m.InputUnits, m.OutputUnits, m.OptionsJson, m.DataSpecJson, m.PatchesJson))
            .SingleOrDefaultAsync(cancellationToken);
        if (parent is null)
        {
            return Problems.NotFound("Model", id);
        }

        var errors = ValidateCommon(request, parent, kinds, out string name, out var mode);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, InvalidTitle);
        }

        var validation = await mode!.DraftAsync(parent, request!, name, db, cancellationToken);
        if (validation.Draft is not { } draft)
        {
            return Problems.Invalid(validation.Errors, InvalidTitle);
        }

        if (admission.OverBudget(draft) is { Count: > 0 } overBudget)
        {
            return Problems.Invalid(overBudget, "Fork over budget");
        }

        if (await admission.RefuseAsync(userId, [draft], cancellationToken) is { } refused)
        {
            return refused;
        }

        var job = JobStore.NewJob(
            draft with { OptionsJson = JobStart.Attach(draft.OptionsJson, new JobStartFrom(parent.Id, mode.Mode)) },
            userId,
            clock.GetUtcNow().UtcDateTime,
            budget);
        db.Jobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        queue.Notify(job.Id);
        return JobMapper.ToDto(job, kinds.Find(job.Kind), []);
    }

    /// <summary>
    /// mode (known, and fitting the model), name, epochs, and the optional fields only the modes that read them get;
    /// the name defaults to "&lt;parent&gt; (fork)".
    /// </summary>
    private static Dictionary<string, string[]> ValidateCommon(ForkRequest? request, ForkParent parent, ModelKindRegistry kinds, out string name, out IForkMode? mode)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string fallback = $"{parent.Name} (fork)";
        name = fallback.Length <= DeepNetDbContext.NameMaxLength ? fallback : fallback[..DeepNetDbContext.NameMaxLength];
        var modes = kinds.ForkModes;
        string known = string.Join(", ", modes.Select(m => m.Mode).Distinct());
        // Kinds of one family share a mode name ("continue"): the one whose kind the parent is, if any.
        mode = modes.Where(m => m.Mode == request?.Mode).OrderBy(m => m.Refuses(parent) is null ? 0 : 1).FirstOrDefault();
        if (request?.Mode is null)
        {
            errors["mode"] = [$"is required: one of {known}."];
        }
        else if (mode is null)
        {
            errors["mode"] = [$"must be one of {known}; got '{request.Mode}'."];
        }
        else if (mode.Refuses(parent) is { } refusal)
        {
            var fitting = modes.Where(m => m.Refuses(parent) is null).Select(m => $"'{m.Mode}'").Distinct().ToList();
            errors["mode"] = [$"'{mode.Mode}' {mode.Purpose}; model {parent.Id} is {refusal}"
                + (fitting.Count == 0 ? "." : $" (use {string.Join(" or ", fitting)}).")];
        }

        if (request?.Name is { } requested)
        {
            if (UserText.NameProblem(requested.Trim(), DeepNetDbContext.NameMaxLength) is { } nameProblem)
            {
                errors["name"] = [nameProblem];
            }
            else
            {
                name = requested.Trim();
            }
        }

        if (request?.Epochs is { } epochs && epochs is < 1 or > MaxEpochs)
        {
            errors["epochs"] = [$"must be between 1 and {MaxEpochs}; got {epochs}."];
        }

        if (mode is not null && request!.Dbn is not null && !mode.TakesDbnSpec)
        {
            errors["dbn"] = [$"is only used by mode {string.Join(" or ", modes.Where(m => m.TakesDbnSpec).Select(m => $"'{m.Mode}'").Distinct())}."];
        }

        if (mode is not null && request!.Data is not null && !mode.TakesData)
        {
            errors["data"] = [$"cannot change in mode '{mode.Mode}': the model continues on its own data."];
        }

        return errors;
    }
}
