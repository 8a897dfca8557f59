using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.RbmFamily;

/// <summary>
/// Adapts trainer callbacks (on the training thread) to the live feed and the store: progress at most every
/// the <see cref="LiveThrottle"/>, and per epoch one transaction
/// with the metric, the monitoring report, the checkpoint and any images rendered since the last one.
/// </summary>
public sealed class RbmJobObserver : IRbmTrainingObserver
{
    private readonly Guid _jobId;
    private readonly JobStore _store;
    private readonly JobLiveFeed _feed;
    private readonly Matrix? _preview;
    private readonly RbmMonitor _monitor;
    private readonly float[] _reconstruction;
    private readonly int _imageWidth;
    private readonly int _imageHeight;
    private readonly double _samplesPerBatch;
    private readonly Dictionary<string, int> _versions;
    private readonly Dictionary<string, (ImageMessage Message, byte[] Png)> _unsaved = new(StringComparer.Ordinal);
    private readonly LiveThrottle _throttle = new();
    private ProgressDto? _progress;

    /// <param name="trainingSamples">Rows of the training data, for the ETA.</param>
    /// <param name="preview">The fixed held-out samples whose reconstructions are shown (rows of tileWidth·tileHeight values in [0, 1]), or null for none.</param>
    /// <param name="tileWidth">Width of one sample (and filter) as an image.</param>
    /// <param name="tileHeight">Height of one sample (and filter) as an image.</param>
    /// <param name="monitor">Measures the model at the end of every epoch.</param>
    /// <param name="imageVersions">Last stored version per image kind, so versions keep growing after a resume.</param>
    public RbmJobObserver(
        Guid jobId,
        JobStore store,
        JobLiveFeed feed,
        int trainingSamples,
        int batchSize,
        Matrix? preview,
        int tileWidth,
        int tileHeight,
        RbmMonitor monitor,
        IReadOnlyDictionary<string, int> imageVersions)
    {
        _jobId = jobId;
        _store = store;
        _feed = feed;
        _preview = preview;
        _monitor = monitor;
        _imageWidth = tileWidth;
        _imageHeight = tileHeight;
        _reconstruction = preview is null ? [] : new float[preview.Length];
        _samplesPerBatch = Math.Max(1, Math.Min(batchSize, trainingSamples));
        _versions = RbmImageKinds.Training.ToDictionary(k => k, k => imageVersions.GetValueOrDefault(k), StringComparer.Ordinal);
    }

    /// <summary>The report of the last completed epoch, or null before the first.</summary>
    public EpochReportDto? LastReport { get; private set; }

    public void OnBatchCompleted(TrainingProgress progress, Rbm model)
    {
        if (_throttle.ProgressDue(force: progress.Batch == progress.BatchesPerEpoch))
        {
            _progress = JobMapper.Progress(
                progress.Epoch,
                progress.Epochs,
                progress.Batch,
                progress.BatchesPerEpoch,
                progress.ReconstructionError,
                progress.SamplesPerSecond,
                _samplesPerBatch);
            _feed.PublishProgress(_jobId, _progress);
        }

        if (_throttle.ImagesDue)
        {
            RenderImages(model);
        }
    }

    public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
    {
        bool last = _progress is { } p && metrics.Epoch >= p.Epochs;
        if (last || _unsaved.Count == 0 && _throttle.ImagesDue)
        {
            RenderImages(model);
        }

        var report = EpochReportDto.From(_monitor.Report(metrics.Epoch, model));
        LastReport = report;
        var metric = new EpochMetricDto(metrics.Epoch, metrics.ReconstructionError, metrics.SamplesPerSecond, metrics.Seconds, report);
        var record = new EpochRecord(
            _jobId,
            metric,
            checkpoint.CompletedEpochs,
            SafeTensorsState.Prepare(checkpoint),
            _progress,
            _unsaved.Values.Select(u => u.Message).ToList(),
            _unsaved.ToDictionary(u => u.Key, u => u.Value.Png, StringComparer.Ordinal),
            report);

        // Blocking here keeps the checkpoint consistent with the epoch the trainer just finished; it is one short
        // transaction per epoch on the job's own thread.
        _store.SaveEpochAsync(record).GetAwaiter().GetResult();
        _unsaved.Clear();
        _feed.PublishEpoch(_jobId, metric);
    }

    private void RenderImages(Rbm model)
    {
        _throttle.ImagesRendered();
        byte[] filters = TileImage.RenderFilters(model.Weights.AsSpan(), model.HiddenUnits, _imageWidth, _imageHeight);
        Publish(RbmImageKinds.Filters, filters);

        if (_preview is { Rows: > 0 })
        {
            model.Reconstruct(_preview.AsSpan(), _preview.Rows, _reconstruction);
            byte[] reconstructions = TileImage.RenderRows(_preview.AsSpan(), _reconstruction, _preview.Rows, _imageWidth, _imageHeight);
            Publish(RbmImageKinds.Reconstructions, reconstructions);
        }
    }

    private void Publish(string kind, byte[] png)
    {
        int version = ++_versions[kind];
        var message = new ImageMessage(_jobId, kind, Convert.ToBase64String(png), version);
        _unsaved[kind] = (message, png);
        _feed.PublishImage(message);
    }
}
