using System.Text.Json;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Persistence;

/// <summary>One row of a stored experiment: the definition's row key and the job that computes it.</summary>
public sealed record ExperimentRow(string Key, Guid JobId);

/// <summary>The JSON of <see cref="Experiment.RowsJson"/>, read and written in one place (experiments and the job list read it).</summary>
public static class ExperimentRows
{
    public static List<ExperimentRow> Read(string rowsJson) =>
        JsonSerializer.Deserialize<List<ExperimentRow>>(rowsJson, JsonDefaults.Options) ?? [];

    public static string Write(IEnumerable<ExperimentRow> rows) =>
        JsonSerializer.Serialize(rows.ToList(), JsonDefaults.Options);
}
