using DeepNet.Server.Contracts;

namespace DeepNet.Server.Compare;

/// <summary>The answer of <c>GET /api/compare?jobs=…</c>: the runs as the viewer may see them, and where their settings differ.</summary>
/// <param name="Runs">The jobs in the order asked, each as <c>GET /api/jobs/{id}</c> shows it to the viewer.</param>
/// <param name="Differences">Only the settings whose values are not the same in every run, in a stable order.</param>
public sealed record ComparisonDto(IReadOnlyList<JobDto> Runs, IReadOnlyList<SettingDifference> Differences);

/// <summary>One setting that differs between the runs.</summary>
/// <param name="Setting">Its path in the job's spec, e.g. "rbm.hiddenUnits", "data.digits[0]", "kind".</param>
/// <param name="Values">Its value in each run (same order as the runs) as JSON text; null where the run does not have the setting.</param>
public sealed record SettingDifference(string Setting, IReadOnlyList<string?> Values);
