using System.Text.Json;
using DeepNet.Data;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using DeepNet.Server.Library;

namespace DeepNet.Server.Dbn;

/// <summary>
/// The rows a DBN job trains, validates and tests on. MNIST: the data spec's training rows, of which the last
/// <see cref="DbnJobSpec.Validation"/> are held out for validation, and the first <see cref="DbnJobSpec.TestLimit"/>
/// digits of MNIST's test split (same classes and image size). A user data set: its last tenth (at most 1000 rows) is
/// the test set, and the validation rows come off the end of the rest. The same job always resolves to the same rows.
/// </summary>
/// <param name="TrainLabels">Labels of <paramref name="Train"/>, or null for an unlabelled data set.</param>
/// <param name="Classes">Outputs of the classifier: 10 for MNIST, the largest label + 1 (at least 2) for a user data set.</param>
public sealed record DbnData(
    Matrix Train,
    int[]? TrainLabels,
    Matrix? Valid,
    int[]? ValidLabels,
    Matrix Test,
    int[]? TestLabels,
    int Width,
    int Height,
    int Classes)
{
    /// <summary>One label unit per digit when the top RBM is trained with joinLabels.</summary>
    public const int LabelUnits = 10;

    /// <summary>Test rows of a user data set of <paramref name="rows"/> selected rows: the last tenth, 1..1000.</summary>
    public static int UserTestCount(int rows) => rows < 2 ? 0 : Math.Clamp(rows / 10, 1, 1000);

    /// <summary>The largest class of a data set's stored classes JSON (an int array), or -1.</summary>
    public static int MaxLabel(string classesJson) =>
        JsonSerializer.Deserialize<int[]>(classesJson, JsonDefaults.Options) is { Length: > 0 } classes ? classes.Max() : -1;

    public static async Task<DbnData> LoadAsync(DataSpec spec, DbnJobSpec dbn, IDbContextFactory<DeepNetDbContext> contexts, CancellationToken cancellationToken)
    {
        Matrix all;
        int[]? allLabels;
        Matrix test;
        int[]? testLabels;
        int width;
        int height;
        int classes;
        if (spec.Dataset == DataSpecValidator.UserDataset)
        {
            var dataset = DatasetLoader.Select(await UserDatasets.LoadAsync(spec, contexts, cancellationToken), spec);
            int testCount = UserTestCount(dataset.Count);
            var labels = dataset.HasLabels ? dataset.Labels.Select(l => (int)l).ToArray() : null;
            all = dataset.Features.CopyRows(0, dataset.Count - testCount);
            allLabels = labels?[..(dataset.Count - testCount)];
            test = testCount == 0 ? dataset.Features.CopyRows(0, 0) : dataset.Features.CopyRows(dataset.Count - testCount, testCount);
            testLabels = labels?[(dataset.Count - testCount)..];
            (width, height) = dataset.IsImages ? (dataset.Width, dataset.Height) : (dataset.FeatureCount, 1);
            classes = Math.Max(2, (labels is { Length: > 0 } ? labels.Max() : 0) + 1);
        }
        else
        {
            var train = DatasetLoader.Load(spec with { Split = DataSpecValidator.TrainSplit });
            var testSet = DatasetLoader.Load(spec with { Split = DataSpecValidator.TestSplit, Limit = dbn.TestLimit });
            all = train.Features;
            allLabels = train.Labels.Select(l => (int)l).ToArray();
            test = testSet.Features;
            testLabels = testSet.Labels.Select(l => (int)l).ToArray();
            (width, height) = (train.Width, train.Height);
            classes = 10;
        }

        int validation = Math.Clamp(dbn.Validation, 0, Math.Max(0, all.Rows - 1));
        if (validation == 0)
        {
            return new DbnData(all, allLabels, null, null, test, testLabels, width, height, classes);
        }

        int trainRows = all.Rows - validation;
        return new DbnData(
            all.CopyRows(0, trainRows),
            allLabels?[..trainRows],
            all.CopyRows(trainRows, validation),
            allLabels?[trainRows..],
            test,
            testLabels,
            width,
            height,
            classes);
    }
}
