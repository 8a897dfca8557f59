using System.Diagnostics;
using DeepNet.Models.Cnn;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.Cnn;

/// <summary>Labelled samples the observer evaluates on: the validation rows or (a part of) the test split.</summary>
/// <param name="Name">"validation" or "test".</param>
public sealed record CnnLabelledSet(string Name, Matrix Data, int[] Labels)
{
    public int Count => Labels.Length;

    /// <summary>The first <paramref name="count"/> rows (this set when it has no more).</summary>
    public CnnLabelledSet Head(int count) =>
        count >= Count ? this : new CnnLabelledSet(Name, Data.FirstRows(count), Labels[..count]);
}

/// <summary>
/// Adapts <see cref="CnnTrainer"/> callbacks (on the training thread) to the live feed and the store, as
/// every kind's observer does: progress and images as often as the <see cref="LiveThrottle"/> allows,
/// and per epoch one transaction with the stage epoch "train", the checkpoint and the
/// images rendered since the last one. Evaluations run in evaluation mode and draw nothing from the trainer's generator,
/// so they do not change the run.
/// </summary>
public sealed class CnnJobObserver : ICnnTrainingObserver
{
    public const string Stage = "train";

    /// <summary>Misclassified samples listed per epoch.</summary>
    public const int MisclassifiedListed = CnnImages.MaxMisclassified;


    private readonly Guid _jobId;
    private readonly JobStore _store;
    private readonly JobLiveFeed _feed;
    private readonly TimeProvider _clock;
    private readonly double _samplesPerBatch;
    private readonly CnnLabelledSet? _validation;
    private readonly CnnLabelledSet? _monitor;
    private readonly CnnLabelledSet? _final;
    private readonly float[]? _featureSample;
    private readonly Network _probe;
    private readonly Dictionary<string, int> _versions;
    private readonly Dictionary<string, (ImageMessage Message, byte[] Png)> _unsaved = new(StringComparer.Ordinal);
    private readonly CancellationToken _cancellationToken;
    private readonly LiveThrottle _throttle = new();
    private ProgressDto? _progress;

    /// <param name="validation">The held-out validation rows, or null.</param>
    /// <param name="monitor">Where the confusion matrix and misclassified images of every epoch but the last come from.</param>
    /// <param name="final">Where they come from after the last epoch (the test split), or null to use <paramref name="monitor"/>.</param>
    /// <param name="featureSample">The fixed image whose feature maps are shown, or null.</param>
    /// <param name="probe">A batch-1 network of the same architecture for the feature maps (the trained network's buffers stay untouched).</param>
    public CnnJobObserver(
        Guid jobId,
        JobStore store,
        JobLiveFeed feed,
        TimeProvider clock,
        int trainingSamples,
        int batchSize,
        CnnLabelledSet? validation,
        CnnLabelledSet? monitor,
        CnnLabelledSet? final,
        float[]? featureSample,
        Network probe,
        IReadOnlyDictionary<string, int> imageVersions,
        CancellationToken cancellationToken)
    {
        _jobId = jobId;
        _store = store;
        _feed = feed;
        _clock = clock;
        _samplesPerBatch = Math.Max(1, Math.Min(batchSize, trainingSamples));
        _validation = validation;
        _monitor = monitor;
        _final = final;
        _featureSample = featureSample;
        _probe = probe;
        _versions = new Dictionary<string, int>(imageVersions, StringComparer.Ordinal);
        _cancellationToken = cancellationToken;
    }

    /// <summary>The evaluation on the final set after the last epoch, when this observer saw it.</summary>
    public CnnEvaluationResult? FinalEvaluation { get; private set; }

    public void OnBatchCompleted(CnnBatchProgress progress, Network model)
    {
        if (_throttle.ProgressDue(force: progress.Batch == progress.BatchesPerEpoch))
        {
            _progress = JobMapper.Progress(progress.Epoch, progress.Epochs, progress.Batch, progress.BatchesPerEpoch, 0f, progress.SamplesPerSecond, _samplesPerBatch)
                with { Phase = Stage, Loss = double.IsFinite(progress.Loss) ? progress.Loss : null };
            _feed.PublishProgress(_jobId, _progress);
        }

        if (_throttle.ImagesDue)
        {
            RenderLiveImages(model);
        }
    }

    public void OnEpochCompleted(CnnEpochMetrics metrics, Network model, CnnTrainingState checkpoint)
    {
        bool last = metrics.Epoch >= checkpoint.Options.Epochs;
        CnnEvaluationResult? valid = _validation is null ? null : CnnEvaluation.Evaluate(model, _validation.Data, _validation.Labels, _cancellationToken);
        CnnLabelledSet? shown = last && _final is not null ? _final : _monitor;
        CnnEvaluationResult? evaluation = shown is null ? null
            : ReferenceEquals(shown, _validation) ? valid
            : CnnEvaluation.Evaluate(model, shown.Data, shown.Labels, _cancellationToken);
        if (last && _final is not null)
        {
            FinalEvaluation = evaluation;
        }

        List<int> misclassified = shown is null || evaluation is null ? [] : [.. evaluation.Misclassified(shown.Labels, MisclassifiedListed)];
        if (last || _unsaved.Count == 0 || _throttle.ImagesDue)
        {
            RenderLiveImages(model);
            if (shown is not null && evaluation is not null)
            {
                Publish(CnnImageKinds.Confusion, CnnImages.Confusion(evaluation.Confusion, evaluation.Classes));
                if (CnnImages.Samples(shown.Data, misclassified, model.InputShape) is { } png)
                {
                    Publish(CnnImageKinds.Misclassified, png);
                }
            }
        }

        var epochMetrics = new
        {
            loss = Finite(metrics.Loss),
            trainError = Finite(100.0 * (1.0 - metrics.Accuracy)),
            validError = valid is null ? (double?)null : valid.ErrorPercent,
            validLoss = valid is null ? null : Finite(valid.Loss),
            samplesPerSecond = metrics.SamplesPerSecond,
            seconds = metrics.Seconds,
            learningRate = checkpoint.Options.LearningRateAt(metrics.Epoch),
            evaluatedOn = shown?.Name,
            evaluatedCount = shown?.Count,
            evaluatedError = evaluation?.ErrorPercent,
            confusion = evaluation is null ? null : Rows(evaluation.Confusion, evaluation.Classes),
            misclassified = shown is null || evaluation is null ? null : misclassified.Select(i => new { index = i, predicted = evaluation.Predictions[i], label = shown.Labels[i] }).ToList(),
        };
        var dto = new StageEpochDto(Stage, metrics.Epoch, _clock.GetUtcNow().UtcDateTime, JobMapper.ToElement(epochMetrics));
        var record = new StageEpochRecord(
            _jobId,
            dto,
            metrics.Epoch,
            CnnCheckpointFile.Prepare(checkpoint),
            _progress,
            _unsaved.Values.Select(u => u.Message).ToList(),
            _unsaved.ToDictionary(u => u.Key, u => u.Value.Png, StringComparer.Ordinal));

        // Blocking keeps the checkpoint consistent with the epoch just finished; one short transaction per epoch.
        _store.SaveStageEpochAsync(record).GetAwaiter().GetResult();
        _unsaved.Clear();
        _feed.PublishStageEpoch(_jobId, dto);
    }

    /// <summary>A K×K count matrix as K rows.</summary>
    public static int[][] Rows(int[] matrix, int classes) =>
        [.. Enumerable.Range(0, classes).Select(r => matrix.AsSpan(r * classes, classes).ToArray())];

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private void RenderLiveImages(Network model)
    {
        _throttle.ImagesRendered();
        foreach ((string kind, byte[] png) in CnnImages.Filters(model))
        {
            Publish(kind, png);
        }

        if (_featureSample is not null)
        {
            CopyParameters(model, _probe);
            Publish(CnnImageKinds.FeatureMaps, CnnImages.FeatureMaps(_probe, _featureSample).Png);
        }
    }

    private static void CopyParameters(Network from, Network to)
    {
        for (int i = 0; i < from.Parameters.Count; i++)
        {
            from.Parameters[i].Value.AsSpan().CopyTo(to.Parameters[i].Value);
        }
    }

    private void Publish(string kind, byte[] png)
    {
        int version = _versions.GetValueOrDefault(kind) + 1;
        _versions[kind] = version;
        var message = new ImageMessage(_jobId, kind, Convert.ToBase64String(png), version);
        _unsaved[kind] = (message, png);
        _feed.PublishImage(message);
    }
}
