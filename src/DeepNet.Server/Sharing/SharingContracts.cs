using DeepNet.Server.Persistence;

namespace DeepNet.Server.Sharing;

/// <summary>Request body of <c>POST /api/classes</c>.</summary>
/// <param name="Name">The class's name, 1..200 characters after trimming.</param>
public sealed record CreateClassRequest(string? Name);

/// <summary>Request body of <c>POST /api/classes/join</c>.</summary>
/// <param name="Code">The class's join code; case-insensitive, surrounding spaces ignored.</param>
public sealed record JoinClassRequest(string? Code);

/// <summary>A class (a group of students with one instructor) as seen by one of its members.</summary>
/// <param name="Id">Class id.</param>
/// <param name="Name">Name.</param>
/// <param name="Role">The caller's role in the class: "instructor" or "member".</param>
/// <param name="Instructor">The instructor's display name.</param>
/// <param name="MemberCount">Members including the instructor.</param>
/// <param name="JoinCode">The join code (8 characters); only the instructor sees it, null for members.</param>
/// <param name="CreatedAt">When the class was created (UTC).</param>
/// <param name="Members">Everyone in the class, instructor first (GET /api/classes/{id} for the instructor); null otherwise.</param>
public sealed record ClassDto(
    Guid Id,
    string Name,
    string Role,
    string Instructor,
    int MemberCount,
    string? JoinCode,
    DateTime CreatedAt,
    IReadOnlyList<ClassMemberDto>? Members = null);

/// <summary>One member of a class.</summary>
/// <param name="UserId">The user's id (for DELETE /api/classes/{id}/members/{userId}).</param>
/// <param name="DisplayName">The user's display name (never the e-mail address).</param>
/// <param name="Role">"instructor" or "member".</param>
/// <param name="JoinedAt">When the user joined (UTC); the instructor's is the class's creation.</param>
public sealed record ClassMemberDto(string UserId, string DisplayName, string Role, DateTime JoinedAt);

/// <summary>Request body of <c>PATCH /api/models/{id}</c>; absent fields stay as they are.</summary>
/// <param name="Name">New name, 1..200 characters after trimming.</param>
/// <param name="Description">New description, at most 4000 characters; "" clears it.</param>
public sealed record UpdateModelRequest(string? Name, string? Description);

/// <summary>Request body of <c>PUT /api/models/{id}/visibility</c>.</summary>
/// <param name="Visibility">"private", "class", "unlisted" or "public" (case-insensitive).</param>
/// <param name="ClassIds">For "class": one or more classes the owner is in; must be absent or empty otherwise.</param>
public sealed record SetVisibilityRequest(string? Visibility, IReadOnlyList<Guid>? ClassIds);

/// <summary>The unlisted link of a model.</summary>
/// <param name="Token">The unguessable token (32 random bytes, base64url).</param>
/// <param name="Url">The browser address of the shared model card, "/#/shared/{token}".</param>
public sealed record ShareLinkDto(string Token, string Url);

/// <summary>One model in the gallery.</summary>
/// <param name="Id">Model id.</param>
/// <param name="Name">Name.</param>
/// <param name="Kind">"rbm", "rbm-patches", "dbn" or "cnn".</param>
/// <param name="Architecture">Layer sizes, e.g. "784-500-500-2000-10", "LeNet-5" or, for an RBM, "256-16" (visible-hidden).</param>
/// <param name="Dataset">What it was trained on, e.g. "MNIST 28×28, digits 0-9".</param>
/// <param name="MetricName">"test error" (classifiers, percent), "AIS log-likelihood" (nats per test digit) or "reconstruction error"; null when the model has none.</param>
/// <param name="MetricValue">The metric's value; null when the model has none.</param>
/// <param name="Author">The owner's display name (never the e-mail address).</param>
/// <param name="CreatedAt">When the model was stored (UTC).</param>
/// <param name="Visibility">"Private", "Class", "Unlisted" or "Public".</param>
/// <param name="ThumbnailUrl">The filters image (PNG) of the job that trained it; null when there is none (imported models).</param>
public sealed record GalleryCardDto(
    Guid Id,
    string Name,
    string Kind,
    string Architecture,
    string Dataset,
    string? MetricName,
    double? MetricValue,
    string Author,
    DateTime CreatedAt,
    ModelVisibility Visibility,
    string? ThumbnailUrl);
