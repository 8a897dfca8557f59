using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Server.Experiments;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Assignments;

/// <summary>
/// The built-in assignments: homework 1 and 2 take their job bodies from the Train page's presets (wwwroot/js/presets.json),
/// the two table rows from the experiments' quick scale, so a template is always the job its page would run.
/// </summary>
public sealed class AssignmentTemplates(IWebHostEnvironment environment, IEnumerable<IExperimentDefinition> experiments)
{
    public const string Homework1 = "homework1";
    public const string Homework2 = "homework2";
    public const string MnistTableDbn = "mnist-table-dbn";
    public const string Bengio2007Dbn = "bengio2007-dbn";

    private readonly Lazy<IReadOnlyList<AssignmentTemplateDto>> _all = new(() => Load(environment, experiments));

    public IReadOnlyList<AssignmentTemplateDto> All => _all.Value;

    public AssignmentTemplateDto? Find(string? key) => All.FirstOrDefault(t => t.Key == key);

    private static List<AssignmentTemplateDto> Load(IWebHostEnvironment environment, IEnumerable<IExperimentDefinition> experiments)
    {
        var file = environment.WebRootFileProvider.GetFileInfo("js/presets.json");
        using var stream = file.CreateReadStream();
        var presets = JsonNode.Parse(stream)!.AsObject();
        var rbm = presets["rbm"]!.AsObject();
        string[] rbmEditable = ["name", "rbm.hiddenUnits", "rbm.learningRate", "rbm.epochs", "rbm.seed"];
        var definitions = experiments.ToDictionary(e => e.Kind, StringComparer.Ordinal);
        return
        [
            new(
                Homework1,
                "Homework 1 — train on digits 1–5, reconstruct every digit",
                "Train an RBM on the digits **1–5** only, then reconstruct test digits of *every* class 0–9.\n\n"
                + "- Choose the hidden units, the learning rate ε, the epochs and the seed; everything else is fixed.\n"
                + "- Compare the reconstruction error of digits it was trained on with the others.\n\n"
                + "Submit the run you want graded.",
                null,
                Job(rbm, "homework1"),
                rbmEditable,
                [AssignmentMetrics.TrainedDigitsError, AssignmentMetrics.OtherDigitsError, AssignmentMetrics.ReconstructionError]),
            new(
                Homework2,
                "Homework 2 — train on a dog photo, reconstruct a cat photo",
                "Train a Gaussian RBM on 10×10 patches of **your own dog photo**, then reconstruct the cat it never saw.\n\n"
                + "- Compare the *binary* (sampled hidden states) with the *non-binary* (hidden probabilities) reconstruction.\n\n"
                + "Submit the run you want graded.",
                rbm["homework2"]?["asks"]?.GetValue<string>(),
                Job(rbm, "homework2"),
                [.. rbmEditable, "patches.trainImage"],
                [AssignmentMetrics.BinaryError, AssignmentMetrics.NonBinaryError]),
            Row(definitions[MnistTableExperiment.KindName], "dbn", MnistTableDbn, "The MNIST table: stacked RBMs + backprop"),
            Row(definitions[Bengio2007Experiment.ExperimentKind], "dbn", Bengio2007Dbn, "Bengio et al. 2007: a DBN with RBM pre-training"),
        ];
    }

    private static JsonObject Job(JsonObject presets, string key) => presets[key]!["job"]!.DeepClone().AsObject();

    /// <summary>A table row at quick scale (seconds to train): the class reproduces the row's setting, not its full size.</summary>
    private static AssignmentTemplateDto Row(IExperimentDefinition experiment, string rowKey, string key, string title)
    {
        var row = experiment.Rows(ExperimentScales.Quick).Single(r => r.Key == rowKey);
        var job = JsonSerializer.SerializeToNode(row.Job with { Name = row.Job.Name ?? title }, JsonDefaults.Options)!.AsObject();
        return new(
            key,
            title,
            $"Train the row **{row.Label}** (published test error {row.PublishedTestError} %, {row.Source}) at a small scale.\n\n"
            + "- Choose the seed and the job's name; everything else is fixed.\n- The class view compares the test errors.",
            null,
            job,
            ["name", "dbn.seed"],
            [AssignmentMetrics.TestError]);
    }
}
