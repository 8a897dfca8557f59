using System.Text.Json;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Compare;

/// <summary>
/// The hyperparameters that differ between jobs: each job's spec (kind, data, and its kind's options) flattened to
/// setting paths with JSON values, keeping only the paths whose values are not all equal. Generic over the kinds, so a
/// new kind's options are compared without code here.
/// </summary>
public static class SettingDifferences
{
    public static IReadOnlyList<SettingDifference> Of(IReadOnlyList<JobDto> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var flattened = jobs.Select(Flatten).ToList();
        var paths = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var settings in flattened)
        {
            paths.AddRange(settings.Keys.Where(seen.Add));
        }

        return [.. paths
            .Select(path => new SettingDifference(path, [.. flattened.Select(settings => settings.GetValueOrDefault(path))]))
            .Where(difference => difference.Values.Distinct(StringComparer.Ordinal).Skip(1).Any())];
    }

    /// <summary>The settings of one job: path → JSON text of a leaf value (null leaves are left out, as absent).</summary>
    private static Dictionary<string, string> Flatten(JobDto job)
    {
        var spec = new { job.Kind, job.Data, job.Rbm, job.Patches, job.Evaluation, job.Dbn, job.Cnn };
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(JsonSerializer.SerializeToElement(spec, JsonDefaults.Options), "", settings);
        return settings;
    }

    private static void Walk(JsonElement element, string path, Dictionary<string, string> settings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", settings);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{index++}]", settings);
                }

                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            default:
                settings[path] = element.GetRawText();
                break;
        }
    }
}
