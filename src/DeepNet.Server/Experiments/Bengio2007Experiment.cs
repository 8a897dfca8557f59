using DeepNet.Data;
using DeepNet.Server.Contracts;
using DeepNet.Server.Experiments;
using DeepNet.Server.Jobs;
using DeepNet.Server.Dbn;

namespace DeepNet.Server.Experiments;

/// <summary>
/// The lecture's motivation for pre-training: Bengio, Lamblin, Popovici &amp; Larochelle (2007), "Greedy Layer-Wise
/// Training of Deep Networks", NIPS 19, Table 1 (MNIST test error): the same deep sigmoid network fine-tuned by
/// backprop after RBM pre-training (a DBN), auto-associator pre-training, supervised layer-wise pre-training, or none;
/// and a shallow net with one hidden layer. Every row is one "dbn" job.
/// </summary>
public sealed class Bengio2007Experiment : IExperimentDefinition
{
    public const string ExperimentKind = "bengio2007";
    public const string Source = "Bengio, Lamblin, Popovici & Larochelle 2007, Greedy Layer-Wise Training of Deep Networks (NIPS 19), Table 1";

    /// <summary>Full scale: hidden layers of the deep rows.</summary>
    public const int FullUnits = 500;
    public const int FullLayers = 3;
    public const int FullShallowUnits = 1000;
    public const int FullPretrainEpochs = 10;
    public const int FullFineTuneEpochs = 30;
    public const int FullValidation = 10_000;

    /// <summary>Quick scale: tiny data and layers, seconds per row.</summary>
    public const int QuickLimit = 1000;
    public const int QuickValidation = 200;
    public const int QuickTestLimit = 500;
    public const int QuickUnits = 32;
    public const int QuickFineTuneEpochs = 5;

    public string Kind => ExperimentKind;

    public string Title => "Bengio et al. 2007: does pre-training help deep networks?";

    public string Description =>
        "MNIST (28×28 grey levels), the last 10,000 of the 60,000 training digits held out for validation, test error on the 10,000 test digits. " +
        $"Deep rows: {FullLayers} sigmoid hidden layers of {FullUnits} units and a softmax output, pre-trained layer by layer " +
        $"({FullPretrainEpochs} epochs per layer, minibatches of 100) by RBMs (CD-1, a DBN), by auto-associators, by supervised layer-wise training, or not at all, " +
        $"then fine-tuned by backprop ({FullFineTuneEpochs} epochs, ε 0.5 after pre-training and 0.1 from random weights, momentum 0.9, minibatches of 100); the shallow row has one hidden layer of {FullShallowUnits} units. " +
        "The paper used 3 hidden layers of about 1000 units and more epochs chosen on the validation set; this smaller setting keeps a row to a few minutes " +
        "on a 2-core machine (estimated from the measured RBM throughput of about 18,000 digits/s for 784→500), so the whole table runs in well under an hour. " +
        $"Scale \"quick\" runs the same five rows on {QuickLimit} digits at 16×16 ({QuickValidation} for validation, {QuickTestLimit} test digits), " +
        $"layers of {QuickUnits} units, 1 pre-training epoch per layer and {QuickFineTuneEpochs} fine-tuning epochs (ε 0.3, minibatches of 20): seconds per row, for trying the table out.";

    public IReadOnlyList<ExperimentRowDefinition> Rows(string scale)
    {
        if (!ExperimentScales.IsKnown(scale))
        {
            throw new ArgumentException($"Unknown scale '{scale}'; use \"{ExperimentScales.Full}\" or \"{ExperimentScales.Quick}\".", nameof(scale));
        }

        bool quick = scale == ExperimentScales.Quick;
        return
        [
            Row("dbn", "DBN, unsupervised (RBM) pre-training", 1.2, quick, DbnSpecNames.Rbm, shallow: false),
            Row("autoAssociator", "Deep net, auto-associator pre-training", 1.4, quick, DbnSpecNames.AutoEncoder, shallow: false),
            Row("supervised", "Deep net, supervised layer-wise pre-training", 2.0, quick, DbnSpecNames.Supervised, shallow: false),
            Row("noPretraining", "Deep net, no pre-training", 2.4, quick, DbnSpecNames.None, shallow: false),
            Row("shallow", "Shallow net (one hidden layer), no pre-training", 1.9, quick, DbnSpecNames.None, shallow: true),
        ];
    }

    private ExperimentRowDefinition Row(string key, string label, double published, bool quick, string pretraining, bool shallow)
    {
        int units = quick ? QuickUnits : FullUnits;
        int layerCount = shallow ? 1 : FullLayers;
        int hidden = shallow ? (quick ? 2 * QuickUnits : FullShallowUnits) : units;
        var layer = new DbnLayerSpec
        {
            HiddenUnits = hidden,
            Epochs = quick ? 1 : FullPretrainEpochs,
            LearningRate = 0.05f,
            BatchSize = quick ? 20 : 100,
            Momentum = quick ? 0.5f : 0.9f,
            WeightDecay = 0.0002f,
        };
        var spec = new DbnJobSpec
        {
            Layers = Enumerable.Repeat(layer, layerCount).ToList(),
            Propagation = DbnSpecNames.Samples,
            Pretraining = pretraining,
            FineTuning = DbnSpecNames.Global,
            Backprop = new DbnBackpropSpec
            {
                // Pre-trained rows fine-tune best with ε 0.5; from random weights ε 0.5 saturates the deep sigmoid net
                // (it stayed at chance in a trial), so those rows use ε 0.1.
                LearningRate = quick ? 0.3f : pretraining == DbnSpecNames.None ? 0.1f : 0.5f,
                Momentum = 0.9f,
                WeightDecay = 0f,
                BatchSize = quick ? 20 : 100,
                Epochs = quick ? QuickFineTuneEpochs : FullFineTuneEpochs,
            },
            Validation = quick ? QuickValidation : FullValidation,
            TestLimit = quick ? QuickTestLimit : null,
            Seed = 2007,
        };
        var data = quick
            ? new DataSpec { Limit = QuickLimit, ImageSize = 16 }
            : new DataSpec();
        var job = new CreateJobRequest
        {
            Name = $"{Title.Split(':')[0]} — {label}",
            Kind = DbnJobKind.Name,
            Data = data,
            Dbn = spec,
        };
        return new ExperimentRowDefinition(key, label, published, Source, job);
    }
}
