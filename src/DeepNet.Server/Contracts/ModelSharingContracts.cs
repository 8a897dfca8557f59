using DeepNet.Server.Persistence;

namespace DeepNet.Server.Contracts;

/// <summary>Who owns a model, who may read it and where it came from: the sharing part of the model card.</summary>
/// <param name="Owner">The owner's e-mail address (the author).</param>
/// <param name="Visibility">Private, Class, Unlisted or Public.</param>
/// <param name="ClassIds">The classes it is shared with (Class visibility); only the owner sees them, others get [].</param>
/// <param name="Description">The owner's description.</param>
/// <param name="ParentModelId">The model it was forked or imported from; null when trained from scratch.</param>
/// <param name="ParentName">The parent's name when the caller may read the parent, else null.</param>
/// <param name="Source">"training" or "import".</param>
/// <param name="CanEdit">True for the owner: description, visibility, share link, delete.</param>
/// <param name="ShareToken">The unlisted link's token; only the owner sees it.</param>
public sealed record ModelSharingDto(
    string Owner,
    ModelVisibility Visibility,
    IReadOnlyList<Guid> ClassIds,
    string? Description,
    Guid? ParentModelId,
    string? ParentName,
    string Source,
    bool CanEdit,
    string? ShareToken);

/// <summary>The signed-in user.</summary>
public sealed record MeDto(string Id, string Email);
