using Microsoft.Extensions.Options;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Decides at submission whether a job fits: its <see cref="JobEstimate"/> against the configured
/// <see cref="JobBudgetOptions"/>, with errors keyed by the field that sets the cost and saying the estimate and the limit.
/// </summary>
public sealed class JobBudget(IOptions<JobBudgetOptions> options)
{
    public const long Megabyte = 1024 * 1024;

    private JobBudgetOptions Limits => options.Value;

    public TimeSpan MaxRunTime => Limits.MaxRunTime;

    /// <summary>Seconds a job of <paramref name="estimate"/> is expected to run at the configured speed.</summary>
    public double RunSeconds(JobEstimate estimate) => estimate.Flops / (Limits.EffectiveGflops * 1e9);

    /// <summary>Errors by request field for every budget the estimate exceeds; empty when it fits.</summary>
    public Dictionary<string, string[]> Check(JobEstimate estimate)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Over(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (estimate.PeakMemoryBytes > Limits.MaxJobMemoryMB * Megabyte)
        {
            Over(estimate.SizeField, $"the job would need an estimated {Size(estimate.PeakMemoryBytes)} of memory; the limit per job is {Size(Limits.MaxJobMemoryMB * Megabyte)}");
        }

        if (estimate.ModelBytes > Limits.MaxModelMB * Megabyte)
        {
            Over(estimate.SizeField, $"the model file would be an estimated {Size(estimate.ModelBytes)}; the limit is {Size(Limits.MaxModelMB * Megabyte)}");
        }

        if (estimate.CheckpointBytes > Limits.MaxCheckpointMB * Megabyte)
        {
            Over(estimate.SizeField, $"a checkpoint would be an estimated {Size(estimate.CheckpointBytes)}; the limit is {Size(Limits.MaxCheckpointMB * Megabyte)}");
        }

        double seconds = RunSeconds(estimate);
        if (seconds > Limits.MaxRunTime.TotalSeconds)
        {
            Over(estimate.LengthField, $"the job would run an estimated {Duration(TimeSpan.FromSeconds(seconds))}; the limit is {Duration(Limits.MaxRunTime)}");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>"1.5 GB", "320 MB", "12 KB".</summary>
    public static string Size(double bytes) =>
        bytes >= 1024 * Megabyte ? $"{bytes / (1024 * Megabyte):0.#} GB"
        : bytes >= Megabyte ? $"{Math.Ceiling(bytes / Megabyte):0} MB"
        : $"{Math.Ceiling(bytes / 1024):0} KB";

    /// <summary>"2 h 05 min", "14 min", "40 s".</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes:00} min"
        : span.TotalMinutes >= 1 ? $"{(int)Math.Ceiling(span.TotalMinutes)} min"
        : $"{Math.Ceiling(span.TotalSeconds):0} s";
}
