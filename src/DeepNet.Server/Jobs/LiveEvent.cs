using System.Text.Json.Serialization;
using DeepNet.Server.Contracts;

namespace DeepNet.Server.Jobs;

/// <summary>
/// One <see cref="JobLiveFeed"/> publication as it crosses processes over Redis: exactly one of the payloads is set.
/// <see cref="Origin"/> names the process that published it, so it does not apply its own events twice.
/// </summary>
public sealed record LiveEvent(
    string Origin,
    Guid JobId,
    JobDto? Status = null,
    ProgressDto? Progress = null,
    EpochMetricDto? Epoch = null,
    StageEpochDto? StageEpoch = null,
    EvaluationDto? Evaluation = null,
    ImageMessage? Image = null)
{
    /// <summary>The key under which the job's live state keeps the latest event of this kind (a later one replaces it).</summary>
    [JsonIgnore]
    public string Field =>
        Status is not null ? "status"
        : Progress is not null ? "progress"
        : Epoch is { } epoch ? $"epoch:{epoch.Epoch}"
        : StageEpoch is { } stage ? $"stage:{stage.Stage}:{stage.Epoch}"
        : Evaluation is { } evaluation ? $"evaluation:{evaluation.Kind}"
        : Image is { } image ? $"image:{image.Kind}"
        : throw new InvalidOperationException("A live event carries nothing.");
}
