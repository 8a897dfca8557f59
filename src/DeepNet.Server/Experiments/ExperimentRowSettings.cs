using System.Globalization;
using DeepNet.Data;
using DeepNet.Models.Cnn;
using DeepNet.Server.Cnn;
using DeepNet.Server.Contracts;
using DeepNet.Server.Dbn;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.Experiments;

/// <summary>What a row trains, in words for the table: its architecture with the shapes it really gets, its epochs and its data.</summary>
/// <param name="Architecture">e.g. "256-50-50-100-10, RBM pre-training" or "LeNet-5: 1×16×16 → 6×16×16 → … → 10".</param>
/// <param name="Epochs">e.g. "2 pre-training epochs a layer, 20 fine-tuning epochs".</param>
/// <param name="Data">e.g. "3,000 training digits at 16×16; 1,000 test digits".</param>
public sealed record ExperimentRowSetting(string Architecture, string Epochs, string Data);

/// <summary>
/// Describes a row from the options and data spec its job stores (defaults applied), so the table shows what was trained
/// at the chosen scale rather than what the published row used.
/// </summary>
public static class ExperimentRowSettings
{
    private const int MnistTrainingDigits = 60_000;
    private const int MnistTestDigits = 10_000;
    private const int MnistClasses = 10;

    public static ExperimentRowSetting Describe(string kind, string optionsJson, string dataSpecJson)
    {
        var data = JobMapper.ReadDataSpec(dataSpecJson);
        return kind switch
        {
            DbnJobKind.Name => Dbn(DbnSpecValidator.WithDefaults(JobMapper.Read<DbnJobSpec>(optionsJson)), data),
            CnnJobKind.Name when JobMapper.Read<CnnJobSpec>(optionsJson) is { } cnn => Cnn(cnn, data),
            _ => new ExperimentRowSetting(kind, "", DataText(data, null, 0)),
        };
    }

    private static ExperimentRowSetting Dbn(DbnJobSpec spec, DataSpec data)
    {
        string architecture = DbnJobKind.Architecture(data.ImageSize * data.ImageSize, spec, MnistClasses);
        string training = spec.Pretraining switch
        {
            DbnSpecNames.Rbm => "RBM pre-training",
            DbnSpecNames.AutoEncoder => "auto-associator pre-training",
            DbnSpecNames.Supervised => "supervised layer-wise pre-training",
            _ => "no pre-training",
        };
        var layerEpochs = spec.Layers!.Select(l => l.Epochs).Distinct().ToList();
        string pretraining = spec.Pretraining == DbnSpecNames.None ? ""
            : layerEpochs.Count == 1 ? $"{Epochs(layerEpochs[0])} a layer, then " : $"{string.Join("/", spec.Layers!.Select(l => l.Epochs))} epochs by layer, then ";
        string finetuning = spec.FineTuning == DbnSpecNames.None ? "no fine-tuning" : $"{Epochs(spec.Backprop.Epochs)} of backprop";
        return new ExperimentRowSetting($"{architecture}, {training}", pretraining + finetuning, DataText(data, spec.TestLimit, spec.Validation));
    }

    private static ExperimentRowSetting Cnn(CnnJobSpec spec, DataSpec data)
    {
        var input = new TensorShape(1, data.ImageSize, data.ImageSize);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string architecture = CnnSpecValidator.Validate(spec, input, MnistClasses, errors) is { } resolved
            ? $"{resolved.Architecture}: {string.Join(" → ", Shapes(resolved))}"
            : "a CNN that does not fit its input";
        return new ExperimentRowSetting(architecture, Epochs(spec.Epochs), DataText(data, spec.TestLimit, spec.Validation));
    }

    /// <summary>The input, then the output of every layer that changes the shape (activations and dropout are left out).</summary>
    private static IEnumerable<string> Shapes(CnnResolvedSpec resolved)
    {
        yield return resolved.Input.ToString();
        for (int i = 0; i < resolved.Layers.Count; i++)
        {
            if (resolved.Layers[i] is ActivationSpec or DropoutSpec)
            {
                continue;
            }

            var shape = resolved.Shapes[i + 1];
            yield return shape.Height == 1 && shape.Width == 1 ? shape.Channels.ToString(CultureInfo.InvariantCulture) : shape.ToString();
        }
    }

    private static string Epochs(int epochs) => epochs == 1 ? "1 epoch" : $"{epochs} epochs";

    private static string DataText(DataSpec data, int? testLimit, int validation)
    {
        int training = Math.Min(data.Limit ?? MnistTrainingDigits, MnistTrainingDigits) - validation;
        int test = Math.Min(testLimit ?? MnistTestDigits, MnistTestDigits);
        string held = validation > 0 ? $" ({validation.ToString("N0", CultureInfo.InvariantCulture)} more held out for validation)" : "";
        return $"{training.ToString("N0", CultureInfo.InvariantCulture)} training digits at {data.ImageSize}×{data.ImageSize}{held}; "
            + $"{test.ToString("N0", CultureInfo.InvariantCulture)} test digits";
    }
}
