using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>The columns of the model a fork starts from (never its file).</summary>
/// <param name="VisibleUnits">Inputs of the model.</param>
/// <param name="HiddenUnits">Units of its top layer.</param>
public sealed record ForkParent(
    Guid Id, string Name, string Kind, int VisibleUnits, int HiddenUnits, string OptionsJson, string DataSpecJson, string? PatchesJson);

/// <summary>
/// One way to start a new job from a stored model (<see cref="ForkRequest.Mode"/>), owned by the kind of the job it
/// starts. The draft it returns is an ordinary, fully validated job of that kind; the fork endpoint attaches the parent.
/// </summary>
public interface IForkMode
{
    /// <summary>The <see cref="ForkRequest.Mode"/> value.</summary>
    string Mode { get; }

    /// <summary>What the mode does, for the message of a mode that does not fit: "continues training an RBM".</summary>
    string Purpose { get; }

    /// <summary>Why the parent cannot be forked this way (a sentence after "model X is …"), or null when it can.</summary>
    string? Refuses(ForkParent parent);

    /// <summary>Whether the mode reads <see cref="ForkRequest.Dbn"/> (sending it to another mode is an error).</summary>
    bool TakesDbnSpec { get; }

    /// <summary>Whether the mode reads <see cref="ForkRequest.Data"/> (sending it to another mode is an error).</summary>
    bool TakesData { get; }

    /// <summary>The new job, validated as any job of its kind, or the errors by field.</summary>
    Task<JobKindValidation> DraftAsync(ForkParent parent, ForkRequest request, string name, DeepNetDbContext db, CancellationToken cancellationToken);
}
