using System.Diagnostics;
using DeepNet.Models;
using DeepNet.Models.Dbn;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.Dbn;

/// <summary>
/// Adapts a <see cref="DbnTrainer"/> run (on the job's thread) to the live feed and the store: progress at most every
/// 100 ms with the stage as Phase ("pretrain-2", "finetune"); images at most every 500 ms (and at the end of every
/// stage); and per epoch of any stage one transaction with the stage epoch, the whole run's checkpoint and the images
/// rendered since the last one. The epoch's metrics are collected from the epoch events and written when the trainer
/// hands over the checkpoint that follows them.
/// </summary>
public sealed class DbnJobObserver : IDbnTrainingObserver
{

    private readonly Guid _jobId;
    private readonly JobStore _store;
    private readonly JobLiveFeed _feed;
    private readonly DbnJobSpec _spec;
    private readonly DbnData _data;
    private readonly TimeProvider _clock;
    private readonly List<Rbm> _completed;
    private readonly Dictionary<string, int> _versions;
    private readonly Dictionary<string, (ImageMessage Message, byte[] Png)> _unsaved = new(StringComparer.Ordinal);
    private readonly int _totalEpochs;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly int _epochsAtStart;
    private int _completedEpochs;
    private readonly LiveThrottle _throttle = new();
    private ProgressDto? _progress;
    private (string Stage, int Epoch, object Metrics)? _pending;
    private double _lastBackpropSamplesPerSecond;

    /// <param name="completedLayers">Layers already pre-trained (from the checkpoint of a resumed run).</param>
    /// <param name="completedEpochs">Stage epochs already stored (a resumed run continues counting).</param>
    /// <param name="imageVersions">Last stored version per image kind, so versions keep growing after a resume.</param>
    /// <param name="skippedEpochs">Epochs of the spec the run never trains (a fork's layers taken from its parent model).</param>
    public DbnJobObserver(
        Guid jobId,
        JobStore store,
        JobLiveFeed feed,
        DbnJobSpec spec,
        DbnData data,
        TimeProvider clock,
        IReadOnlyList<Rbm> completedLayers,
        int completedEpochs,
        IReadOnlyDictionary<string, int> imageVersions,
        int skippedEpochs = 0)
    {
        _jobId = jobId;
        _store = store;
        _feed = feed;
        _spec = spec;
        _data = data;
        _clock = clock;
        _completed = [.. completedLayers];
        _completedEpochs = completedEpochs;
        _epochsAtStart = completedEpochs;
        _versions = new Dictionary<string, int>(imageVersions, StringComparer.Ordinal);
        _totalEpochs = Math.Max(0, TotalEpochs(spec) - skippedEpochs);
    }

    /// <summary>The evaluation on the test rows after the last fine-tuning epoch (null before it, or without a classifier).</summary>
    public ClassifierEvaluation? TestEvaluation { get; private set; }

    /// <summary>Epochs of every stage of the run: the pre-training epochs of every layer (unless "none") plus the fine-tuning's.</summary>
    public static int TotalEpochs(DbnJobSpec spec) =>
        (spec.Pretraining == DbnSpecNames.None ? 0 : spec.Layers!.Sum(l => l.Epochs))
        + (spec.FineTuning == DbnSpecNames.None ? 0 : spec.Backprop.Epochs);

    /// <summary>The stage name of the fine-tuning: "finetune" (global) or "classifier" (softmax on frozen features).</summary>
    public static string FineTuneStage(DbnJobSpec spec) => spec.FineTuning == DbnSpecNames.ClassifierOnTop ? "classifier" : "finetune";

    public static string PretrainStage(int layer) => $"pretrain-{layer + 1}";

    public void OnLayerStarted(int layer, int layers)
    {
        Publish(new ProgressDto(0, _spec.Layers![layer].Epochs, 0, 1, Fraction(0), 0, 0, Eta(0), Phase: PretrainStage(layer)));
    }

    public void OnBatchCompleted(int layer, TrainingProgress progress, Rbm model)
    {
        if (_throttle.ProgressDue(force: progress.Batch == progress.BatchesPerEpoch))
        {
            double within = (double)progress.Batch / progress.BatchesPerEpoch;
            Publish(new ProgressDto(
                progress.Epoch, progress.Epochs, progress.Batch, progress.BatchesPerEpoch, Fraction(within), progress.ReconstructionError,
                progress.SamplesPerSecond, Eta(within), Phase: PretrainStage(layer), Loss: progress.ReconstructionError));
        }

        if (_throttle.ImagesDue)
        {
            RenderStack(layer, model);
        }
    }

    public void OnEpochCompleted(int layer, EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
    {
        // The RBM's own summary; OnLayerEpochCompleted (raised right after it) replaces it with the mode-neutral one.
        _pending = (PretrainStage(layer), metrics.Epoch, new
        {
            layer = layer + 1,
            mode = DbnSpecNames.Rbm,
            epochs = _spec.Layers![layer].Epochs,
            reconstructionError = metrics.ReconstructionError,
            loss = (double)metrics.ReconstructionError,
            samplesPerSecond = metrics.SamplesPerSecond,
            seconds = metrics.Seconds,
        });
        EpochImages(metrics.Epoch >= _spec.Layers[layer].Epochs, () => RenderStack(layer, model));
    }

    public void OnLayerEpochCompleted(int layer, DbnLayerEpochMetrics metrics, Rbm model)
    {
        string mode = metrics.Mode switch
        {
            DbnPretraining.AutoEncoder => DbnSpecNames.AutoEncoder,
            DbnPretraining.Supervised => DbnSpecNames.Supervised,
            DbnPretraining.None => DbnSpecNames.None,
            _ => DbnSpecNames.Rbm,
        };
        bool rbm = metrics.Mode == DbnPretraining.Rbm;
        _pending = (PretrainStage(layer), metrics.Epoch, new
        {
            layer = layer + 1,
            mode,
            epochs = metrics.Epochs,
            reconstructionError = rbm ? metrics.Loss : (double?)null,
            loss = metrics.Loss,
            trainError = metrics.TrainingError * 100,
            samplesPerSecond = metrics.SamplesPerSecond,
            seconds = metrics.Seconds,
        });
        if (!rbm)
        {
            Publish(new ProgressDto(
                metrics.Epoch, metrics.Epochs, 1, 1, Fraction(1), (float)metrics.Loss, metrics.SamplesPerSecond, Eta(1),
                Phase: PretrainStage(layer), Loss: metrics.Loss));
            EpochImages(metrics.Epoch >= metrics.Epochs, () => RenderStack(layer, model));
        }
    }

    public void OnLayerCompleted(int layer, Rbm model)
    {
        // Shared, not copied: the trainer never changes a finished layer.
        if (_completed.Count == layer)
        {
            _completed.Add(model);
        }
    }

    public void OnBatchCompleted(BackpropProgress progress, DenseSigmoidNetwork network)
    {
        if (_throttle.ProgressDue(force: progress.Batch == progress.BatchesPerEpoch))
        {
            double within = (double)progress.Batch / progress.BatchesPerEpoch;
            Publish(new ProgressDto(
                progress.Epoch, progress.Epochs, progress.Batch, progress.BatchesPerEpoch, Fraction(within), progress.Loss,
                _lastBackpropSamplesPerSecond, Eta(within), Phase: FineTuneStage(_spec), Loss: progress.Loss));
        }

        if (_throttle.ImagesDue)
        {
            RenderNetwork(network);
        }
    }

    public void OnEpochCompleted(BackpropEpochMetrics metrics, DenseSigmoidNetwork network, BackpropTrainingState checkpoint)
    {
        bool last = metrics.Epoch >= checkpoint.Options.Epochs;
        double? validError = _data.Valid is { } valid && _data.ValidLabels is { } validLabels
            ? network.ClassificationError(valid, validLabels) * 100
            : null;
        double? testError = null;
        if (last && _data.TestLabels is { Length: > 0 } testLabels)
        {
            TestEvaluation = network.Evaluate(_data.Test, testLabels);
            testError = TestEvaluation.ErrorPercent;
            Render(DbnImageKinds.Confusion, () => DbnImages.RenderConfusion(TestEvaluation.Confusion));
            var (png, _) = DbnImages.RenderMisclassified(_data.Test, testLabels, TestEvaluation.Predicted, _data.Width, _data.Height);
            if (png is not null)
            {
                Render(DbnImageKinds.Misclassified, () => png);
            }
        }

        _pending = (FineTuneStage(_spec), metrics.Epoch, new
        {
            epochs = checkpoint.Options.Epochs,
            loss = metrics.Loss,
            trainError = metrics.TrainingError * 100,
            validError,
            testError,
            trainedFromLayer = metrics.TrainedFromLayer + 1,
            samplesPerSecond = metrics.SamplesPerSecond,
            seconds = metrics.Seconds,
        });
        _lastBackpropSamplesPerSecond = metrics.SamplesPerSecond;
        _progress = _progress is null ? null : _progress with { Loss = metrics.Loss, SamplesPerSecond = metrics.SamplesPerSecond };
        EpochImages(last, () => RenderNetwork(network));
    }

    public void OnCheckpoint(DbnTrainingState checkpoint)
    {
        if (_pending is not { } pending)
        {
            return;
        }

        _pending = null;
        _completedEpochs++;
        var epoch = new StageEpochDto(pending.Stage, pending.Epoch, _clock.GetUtcNow().UtcDateTime, JobMapper.ToElement(pending.Metrics));
        var record = new StageEpochRecord(
            _jobId,
            epoch,
            _completedEpochs,
            SafeTensorsState.Prepare(checkpoint),
            _progress,
            _unsaved.Values.Select(u => u.Message).ToList(),
            _unsaved.ToDictionary(u => u.Key, u => u.Value.Png, StringComparer.Ordinal));

        // Blocking keeps the stored checkpoint consistent with the epoch just finished (one short transaction per epoch).
        _store.SaveStageEpochAsync(record).GetAwaiter().GetResult();
        _unsaved.Clear();
        _feed.PublishStageEpoch(_jobId, epoch);
    }

    /// <summary>Fraction of the whole run done, given the fraction of the current epoch.</summary>
    private double Fraction(double withinEpoch) =>
        _totalEpochs == 0 ? 0 : Math.Clamp((_completedEpochs + withinEpoch) / _totalEpochs, 0, 1);

    private double Eta(double withinEpoch)
    {
        double done = _completedEpochs - _epochsAtStart + withinEpoch;
        double seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        return done <= 0 ? 0 : Math.Max(0, (_totalEpochs - _completedEpochs - withinEpoch) * seconds / done);
    }

    private void Publish(ProgressDto progress)
    {
        _progress = progress;
        _feed.PublishProgress(_jobId, progress);
    }

    private void EpochImages(bool lastOfStage, Action render)
    {
        if (lastOfStage || _unsaved.Count == 0 && _throttle.ImagesDue)
        {
            render();
        }
    }

    /// <summary>Layer <paramref name="layer"/> in pre-training: its filters (layer 1) or its units projected through the finished layers.</summary>
    private void RenderStack(int layer, Rbm model)
    {
        _throttle.ImagesRendered();
        if (layer == 0)
        {
            Render(DbnImageKinds.Filters, () => DbnImages.RenderProjection([model.Weights], _data.Width, _data.Height));
        }
        else if (_completed.Count >= layer)
        {
            var weights = DbnImages.Weights(_completed.Take(layer)).Append(model.Weights).ToList();
            Render(DbnImageKinds.Features(layer + 1), () => DbnImages.RenderProjection(weights, _data.Width, _data.Height));
        }
    }

    /// <summary>During fine-tuning every hidden layer changes: filters and every projection.</summary>
    private void RenderNetwork(DenseSigmoidNetwork network)
    {
        _throttle.ImagesRendered();
        var weights = DbnImages.Weights(network);
        for (int l = 1; l <= weights.Count; l++)
        {
            var below = weights.Take(l).ToList();
            Render(l == 1 ? DbnImageKinds.Filters : DbnImageKinds.Features(l), () => DbnImages.RenderProjection(below, _data.Width, _data.Height));
        }
    }

    private void Render(string kind, Func<byte[]> render)
    {
        byte[] png;
        try
        {
            png = render();
        }
        catch (ArgumentException)
        {
            // Rows that do not form a drawable image (e.g. very wide CSV rows): the job trains without that picture.
            return;
        }

        int version = _versions.GetValueOrDefault(kind) + 1;
        _versions[kind] = version;
        var message = new ImageMessage(_jobId, kind, Convert.ToBase64String(png), version);
        _unsaved[kind] = (message, png);
        _feed.PublishImage(message);
    }
}
