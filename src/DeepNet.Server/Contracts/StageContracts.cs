using System.Text.Json;

namespace DeepNet.Server.Contracts;

/// <summary>
/// One completed epoch of one stage of a multi-stage job: a DBN's "pretrain-1".."pretrain-N" and "finetune",
/// a CNN's "train". <see cref="Metrics"/> is the stage's own object; classifier stages carry at least
/// loss, trainError and validError (percent, null when there is no validation set).
/// </summary>
/// <param name="Stage">Stage name.</param>
/// <param name="Epoch">Epoch within the stage, 1-based.</param>
/// <param name="CreatedAt">When it was stored (UTC); orders the stages.</param>
/// <param name="Metrics">The stage's metrics.</param>
public sealed record StageEpochDto(string Stage, int Epoch, DateTime CreatedAt, JsonElement Metrics);

/// <summary>A stage epoch of a job completed (stored before it is sent).</summary>
public sealed record StageEpochMessage(Guid JobId, StageEpochDto Epoch);
