using DeepNet.Server.Contracts;

namespace DeepNet.Server.Experiments;

/// <summary>How big an experiment's jobs are: "full" is the published setting on all of MNIST; "quick" a small version for trying it out (and for tests).</summary>
public static class ExperimentScales
{
    public const string Full = "full";
    public const string Quick = "quick";

    public static bool IsKnown(string? scale) => scale is Full or Quick;
}

/// <summary>
/// A table that compares several training setups, one job per row, next to published figures (the Bengio 2007 table,
/// the lecture's MNIST classifier table). Register implementations as singletons of this interface.
/// </summary>
public interface IExperimentDefinition
{
    /// <summary>Its name in the API, e.g. "bengio2007".</summary>
    string Kind { get; }

    /// <summary>Display title.</summary>
    string Title { get; }

    /// <summary>What it reproduces and with which settings, for the page and the JSON.</summary>
    string Description { get; }

    /// <summary>The rows at <paramref name="scale"/> (<see cref="ExperimentScales"/>); each row's job request must be valid.</summary>
    IReadOnlyList<ExperimentRowDefinition> Rows(string scale);
}

/// <summary>One row of an experiment table.</summary>
/// <param name="Key">Stable key within the experiment, e.g. "dbn".</param>
/// <param name="Label">Row label as published, e.g. "DBN (RBM pre-training)".</param>
/// <param name="PublishedTestError">The published test error in percent, or null.</param>
/// <param name="Source">Where the published figure comes from.</param>
/// <param name="Job">The job that trains the row; its name is set from the experiment and the label.</param>
public sealed record ExperimentRowDefinition(string Key, string Label, double? PublishedTestError, string Source, CreateJobRequest Job);
