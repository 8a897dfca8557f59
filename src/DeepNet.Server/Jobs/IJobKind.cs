using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>
/// A kind of job with its own spec (DBN, CNN): validates a request into a stored draft, and trains a stored job
/// on the worker's thread. The RBM kinds predate this seam and are handled by <see cref="JobRunner"/> itself.
/// </summary>
public interface IJobKind
{
    /// <summary>The value of <see cref="CreateJobRequest.Kind"/> this kind handles.</summary>
    string Kind { get; }

    /// <summary>
    /// Validates <paramref name="request"/> and applies the kind's defaults. Errors are keyed by the JSON field they name
    /// ("dbn.layers[1].hiddenUnits", "cnn.layers[2]"); without errors the draft is what gets stored.
    /// </summary>
    Task<JobKindValidation> ValidateAsync(CreateJobRequest request, DeepNetDbContext db, CancellationToken cancellationToken);

    /// <summary>
    /// Trains <paramref name="job"/> (status Running) to its end on the calling thread — resuming from its checkpoint if
    /// it has one — and stores the model with <see cref="JobStore.CompleteAsync"/>. Throws OperationCanceledException
    /// when <paramref name="cancellationToken"/> fires; any other exception fails the job with its message.
    /// </summary>
    void Run(Job job, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IJobKind.ValidateAsync"/>: errors by field, or the draft to store.</summary>
public sealed record JobKindValidation(IReadOnlyDictionary<string, string[]> Errors, JobDraft? Draft)
{
    public static JobKindValidation Invalid(IReadOnlyDictionary<string, string[]> errors) => new(errors, null);

    public static JobKindValidation Valid(JobDraft draft) => new(new Dictionary<string, string[]>(), draft);
}

/// <summary>The registered <see cref="IJobKind"/>s by name.</summary>
public sealed class JobKindRegistry(IEnumerable<IJobKind> kinds)
{
    private readonly Dictionary<string, IJobKind> _kinds = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);

    public IJobKind? Find(string? kind) => kind is not null && _kinds.TryGetValue(kind, out var found) ? found : null;
}
