using DeepNet.Server.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace DeepNet.Server.Jobs;

/// <summary>
/// Pushes job updates to SignalR groups and keeps the latest live state of running jobs (progress, recent
/// epochs, images) for late joiners and HTTP reads. Sends and joins happen under one lock, so a watcher's
/// Snapshot is written before any update that was not already in it.
/// <para>
/// Every watcher is in the job's group; besides, a watcher who may read the job's training data is in its data group and
/// anyone else in its withheld group (<see cref="TrainingDataAccess"/>): images drawn from training rows and stage epochs
/// with the rows they list go to the data group only, the same stage epochs without those rows to the withheld group.
/// </para>
/// </summary>
public sealed class JobLiveFeed(IHubContext<TrainingHub, ITrainingClient> hub, TrainingDataAccess trainingData, ILogger<JobLiveFeed> logger)
{
    /// <summary>The group that receives StatusChanged for every job of one owner.</summary>
    public static string JobListGroup(string ownerId) => $"jobs:{ownerId}";

    private readonly Lock _sync = new();
    private const int RecentStatusCapacity = 256;

    private readonly Dictionary<Guid, LiveJob> _jobs = [];
    private readonly Dictionary<Guid, (long Sequence, JobDto Job)> _recentStatus = [];
    private long _sequence;

    /// <summary>Read before loading a job for a snapshot; status changes published after it win over that load.</summary>
    public long Sequence
    {
        get
        {
            lock (_sync)
            {
                return _sequence;
            }
        }
    }

    public static string JobGroup(Guid jobId) => $"job:{jobId:D}";

    /// <summary>The watchers of a job who may read its training data.</summary>
    public static string DataGroup(Guid jobId) => $"job:{jobId:D}:data";

    /// <summary>The watchers of a job who may not read its training data.</summary>
    public static string WithheldGroup(Guid jobId) => $"job:{jobId:D}:withheld";

    public void PublishStatus(JobDto job)
    {
        lock (_sync)
        {
            if (job.Status == Persistence.JobStatus.Running)
            {
                Live(job.Id).Kind = job.Kind;
            }
            else
            {
                // Finished or re-queued jobs are read from the database, which has their final images and history.
                _jobs.Remove(job.Id);
            }

            _recentStatus[job.Id] = (++_sequence, job);
            if (_recentStatus.Count > RecentStatusCapacity)
            {
                _recentStatus.Remove(_recentStatus.MinBy(e => e.Value.Sequence).Key);
            }

            Observe(hub.Clients.Group(JobGroup(job.Id)).StatusChanged(job));
            if (job.OwnerId is { } owner)
            {
                Observe(hub.Clients.Group(JobListGroup(owner)).StatusChanged(job));
            }
        }
    }

    public void PublishProgress(Guid jobId, ProgressDto progress)
    {
        lock (_sync)
        {
            Live(jobId).Progress = progress;
            Observe(hub.Clients.Group(JobGroup(jobId)).Progress(JobMapper.ToMessage(jobId, progress)));
        }
    }

    public void PublishEpoch(Guid jobId, EpochMetricDto metric)
    {
        lock (_sync)
        {
            Live(jobId).Epochs[metric.Epoch] = metric;
            Observe(hub.Clients.Group(JobGroup(jobId)).EpochCompleted(
                new EpochCompletedMessage(jobId, metric.Epoch, metric.ReconstructionError, metric.SamplesPerSecond, metric.Seconds, metric.Report)));
        }
    }

    /// <summary>A stage epoch of a multi-stage job completed; call after it is stored.</summary>
    public void PublishStageEpoch(Guid jobId, StageEpochDto epoch)
    {
        lock (_sync)
        {
            var live = Live(jobId);
            live.Stages[(epoch.Stage, epoch.Epoch)] = epoch;
            Observe(hub.Clients.Group(DataGroup(jobId)).StageEpochCompleted(new StageEpochMessage(jobId, epoch)));
            Observe(hub.Clients.Group(WithheldGroup(jobId)).StageEpochCompleted(new StageEpochMessage(jobId, trainingData.Withhold(live.Kind ?? "", epoch))));
        }
    }

    /// <summary>An evaluation finished; call after it is stored.</summary>
    public void PublishEvaluation(Guid jobId, EvaluationDto evaluation)
    {
        lock (_sync)
        {
            Live(jobId).Evaluations[evaluation.Kind] = evaluation;
            Observe(hub.Clients.Group(JobGroup(jobId)).EvaluationCompleted(new EvaluationCompletedMessage(jobId, evaluation)));
        }
    }

    public void PublishImage(ImageMessage image)
    {
        lock (_sync)
        {
            var live = Live(image.JobId);
            live.Images[image.Kind] = image;
            // A job whose kind is not known yet counts as drawing every image from its data.
            bool fromData = live.Kind is null || trainingData.IsFromTrainingData(live.Kind, image.Kind);
            Observe(hub.Clients.Group(fromData ? DataGroup(image.JobId) : JobGroup(image.JobId)).Image(image));
        }
    }

    public ProgressDto? GetProgress(Guid jobId)
    {
        lock (_sync)
        {
            return _jobs.TryGetValue(jobId, out var live) ? live.Progress : null;
        }
    }

    public ImageMessage? GetImage(Guid jobId, string kind)
    {
        lock (_sync)
        {
            return _jobs.TryGetValue(jobId, out var live) && live.Images.TryGetValue(kind, out var image) ? image : null;
        }
    }

    /// <summary>
    /// Adds the connection to the job's groups and sends it the snapshot: <paramref name="job"/> and
    /// <paramref name="storedImages"/> as read from the database after <paramref name="readSequence"/>,
    /// completed with live state newer than that read — without what is drawn from training data when
    /// <paramref name="seesTrainingData"/> is false.
    /// </summary>
    public async Task WatchAsync(
        IGroupManager groups, string connectionId, ITrainingClient caller, long readSequence, JobDto job, IReadOnlyList<ImageMessage> storedImages, bool seesTrainingData)
    {
        Task join;
        Task send;
        lock (_sync)
        {
            join = Task.WhenAll(
                groups.AddToGroupAsync(connectionId, JobGroup(job.Id)),
                groups.AddToGroupAsync(connectionId, seesTrainingData ? DataGroup(job.Id) : WithheldGroup(job.Id)));
            if (_recentStatus.TryGetValue(job.Id, out var recent) && recent.Sequence > readSequence)
            {
                job = recent.Job with { History = Merge(job.History, recent.Job.History) };
            }

            var images = storedImages.ToDictionary(i => i.Kind, StringComparer.Ordinal);
            if (_jobs.TryGetValue(job.Id, out var live))
            {
                var evaluations = (job.Evaluations ?? []).ToDictionary(e => e.Kind, StringComparer.Ordinal);
                foreach (var (kind, evaluation) in live.Evaluations)
                {
                    evaluations[kind] = evaluation;
                }

                var stages = (job.Stages ?? []).ToDictionary(e => (e.Stage, e.Epoch));
                foreach (var (key, epoch) in live.Stages)
                {
                    stages[key] = epoch;
                }

                job = job with
                {
                    Progress = live.Progress ?? job.Progress,
                    Stages = stages.Values.OrderBy(e => e.CreatedAt).ThenBy(e => e.Epoch).ToList(),
                    History = Merge(job.History, [.. live.Epochs.Values]),
                    Evaluations = evaluations.Values.OrderBy(e => e.CreatedAt).ToList(),
                };
                foreach (var (kind, image) in live.Images)
                {
                    if (!images.TryGetValue(kind, out var stored) || stored.Version <= image.Version)
                    {
                        images[kind] = image;
                    }
                }
            }

            IReadOnlyList<ImageMessage> shown = images.Values.OrderBy(i => i.Kind, StringComparer.Ordinal).ToList();
            if (!seesTrainingData)
            {
                job = trainingData.Withhold(job);
                shown = trainingData.Withhold(job.Kind, shown);
            }

            send = caller.Snapshot(new SnapshotMessage(job, shown));
        }

        await join;
        await send;
    }

    private static List<EpochMetricDto> Merge(IReadOnlyList<EpochMetricDto> a, IReadOnlyList<EpochMetricDto> b)
    {
        var history = a.ToDictionary(m => m.Epoch);
        foreach (var metric in b)
        {
            // A status message's history may come from the job list, which carries no reports.
            history[metric.Epoch] = metric.Report is null && history.TryGetValue(metric.Epoch, out var known) ? known : metric;
        }

        return history.Values.OrderBy(m => m.Epoch).ToList();
    }

    private LiveJob Live(Guid jobId)
    {
        if (!_jobs.TryGetValue(jobId, out var live))
        {
            live = new LiveJob();
            _jobs[jobId] = live;
        }

        return live;
    }

    private void Observe(Task send)
    {
        if (send.IsCompletedSuccessfully)
        {
            return;
        }

        send.ContinueWith(
            t => logger.LogWarning(t.Exception, "Sending a training update failed."),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private sealed class LiveJob
    {
        /// <summary>The job's model kind, once its Running status was published.</summary>
        public string? Kind { get; set; }

        public ProgressDto? Progress { get; set; }

        public SortedDictionary<int, EpochMetricDto> Epochs { get; } = [];

        public Dictionary<string, ImageMessage> Images { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, EvaluationDto> Evaluations { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Stage, int Epoch), StageEpochDto> Stages { get; } = [];
    }
}
