using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Sharing;

/// <summary>Who owns a model, who may read it and where it came from: the sharing part of the model card.</summary>
/// <param name="Owner">The owner's display name (the author; never the e-mail address).</param>
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

/// <summary>A trained model.</summary>
/// <param name="Id">Model id.</param>
/// <param name="Name">Name (the job's name).</param>
/// <param name="Kind">"rbm", "rbm-patches", "dbn" or "cnn".</param>
/// <param name="JobId">The job that trained it.</param>
/// <param name="CreatedAt">When it was stored (UTC).</param>
/// <param name="VisibleUnits">Visible units, or inputs of a network (imageWidth·imageHeight).</param>
/// <param name="HiddenUnits">Hidden units of an RBM; for a DBN the top layer's units; for a CNN its output classes.</param>
/// <param name="ImageWidth">Input image width in pixels.</param>
/// <param name="ImageHeight">Input image height in pixels.</param>
/// <param name="Rbm">RBM hyperparameters it was trained with (null for "dbn" and "cnn").</param>
/// <param name="Data">Data spec it was trained on.</param>
/// <param name="ReconstructionError">Reconstruction error of the last epoch.</param>
/// <param name="SizeBytes">Size of the safetensors file.</param>
/// <param name="FileUrl">Where to download the safetensors file.</param>
/// <param name="Patches">Patches spec and standardizer of a patch model.</param>
/// <param name="Report">Monitoring report of the last epoch.</param>
/// <param name="Evaluations">Evaluations run after training.</param>
/// <param name="Dbn">The network spec of a DBN model.</param>
/// <param name="Cnn">The network spec of a CNN model.</param>
/// <param name="TestError">Test error in percent of a classifier.</param>
/// <param name="Architecture">Short description of the layers, e.g. "784-500-500-2000-10".</param>
/// <param name="Metrics">The model's stored metrics object (for classifiers: errors {train, valid, test} in percent, history, confusion matrix).</param>
/// <param name="Withheld">What is not shown to a viewer who may not read the model's training data; null when nothing is withheld.</param>
public sealed record ModelDto(
    Guid Id,
    string Name,
    string Kind,
    Guid? JobId,
    DateTime CreatedAt,
    int VisibleUnits,
    int HiddenUnits,
    int ImageWidth,
    int ImageHeight,
    RbmOptions? Rbm,
    DataSpec Data,
    float? ReconstructionError,
    long SizeBytes,
    string FileUrl,
    ModelPatchesDto? Patches = null,
    EpochReportDto? Report = null,
    IReadOnlyList<EvaluationDto>? Evaluations = null,
    DbnJobSpec? Dbn = null,
    CnnJobSpec? Cnn = null,
    float? TestError = null,
    string? Architecture = null,
    JsonElement? Metrics = null,
    ModelSharingDto? Sharing = null,
    WithheldDto? Withheld = null);
