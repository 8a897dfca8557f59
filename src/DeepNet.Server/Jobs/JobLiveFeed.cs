using System.Diagnostics;
using DeepNet.Server.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

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
/// <para>
/// With Redis (<see cref="LiveRelay"/>) every event also goes to every other process, whose feed applies it the same way and
/// sends it to its own watchers; groups are then this process's own (their names end in its origin), so the backplane never
/// delivers one event twice, and a watcher joins before the snapshot is read (the join waits for Redis's subscription).
/// </para>
/// </summary>
public sealed class JobLiveFeed(
    IHubContext<TrainingHub, ITrainingClient> hub,
    TrainingDataAccess trainingData,
    IOptions<LiveOptions> options,
    ILogger<JobLiveFeed> logger,
    LiveRelay? relay = null)
{
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _sync = new();
    private const int RecentStatusCapacity = 256;

    private readonly Dictionary<Guid, LiveJob> _jobs = [];
    private readonly Dictionary<Guid, (long Sequence, JobDto Job)> _recentStatus = [];
    private readonly string _groupSuffix = relay is null ? "" : $"@{relay.Origin}";
    private readonly double _imageBytesPerSecond = options.Value.ImageBytesPerSecond;
    private long _sequence;
    private long _lastFailureLogged;

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

    /// <summary>The group that receives StatusChanged for every job of one owner.</summary>
    public string JobListGroup(string ownerId) => $"jobs:{ownerId}{_groupSuffix}";

    public string JobGroup(Guid jobId) => $"job:{jobId:D}{_groupSuffix}";

    /// <summary>The watchers of a job who may read its training data.</summary>
    public string DataGroup(Guid jobId) => $"job:{jobId:D}:data{_groupSuffix}";

    /// <summary>The watchers of a job who may not read its training data.</summary>
    public string WithheldGroup(Guid jobId) => $"job:{jobId:D}:withheld{_groupSuffix}";

    public void PublishStatus(JobDto job) => Publish(new LiveEvent(Origin, job.Id, Status: job));

    public void PublishProgress(Guid jobId, ProgressDto progress) => Publish(new LiveEvent(Origin, jobId, Progress: progress));

    public void PublishEpoch(Guid jobId, EpochMetricDto metric) => Publish(new LiveEvent(Origin, jobId, Epoch: metric));

    /// <summary>A stage epoch of a multi-stage job completed; call after it is stored.</summary>
    public void PublishStageEpoch(Guid jobId, StageEpochDto epoch) => Publish(new LiveEvent(Origin, jobId, StageEpoch: epoch));

    /// <summary>An evaluation finished; call after it is stored.</summary>
    public void PublishEvaluation(Guid jobId, EvaluationDto evaluation) => Publish(new LiveEvent(Origin, jobId, Evaluation: evaluation));

    public void PublishImage(ImageMessage image) => Publish(new LiveEvent(Origin, image.JobId, Image: image));

    /// <summary>
    /// An event another process published (<paramref name="send"/>: to this process's watchers too) or stored in Redis before
    /// this process started (<paramref name="send"/> false: state only).
    /// </summary>
    public void Receive(LiveEvent liveEvent, bool send)
    {
        ArgumentNullException.ThrowIfNull(liveEvent);
        lock (_sync)
        {
            Apply(liveEvent, send);
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
        Task Join() => Task.WhenAll(
            groups.AddToGroupAsync(connectionId, JobGroup(job.Id)),
            groups.AddToGroupAsync(connectionId, seesTrainingData ? DataGroup(job.Id) : WithheldGroup(job.Id)));

        // Joining a group over Redis completes only once this node has subscribed to it: joined first, the snapshot then
        // holds everything published before, and the group brings everything after (perhaps again: updates are idempotent).
        Task join = relay is null ? Task.CompletedTask : Join();
        await join;
        Task send;
        lock (_sync)
        {
            if (relay is null)
            {
                // In-process the join is immediate, and under the lock nothing is published between it and the snapshot.
                join = Join();
            }

            send = caller.Snapshot(Snapshot(readSequence, job, storedImages, seesTrainingData));
        }

        await join;
        await send;
    }

    private string Origin => relay?.Origin ?? "";

    private void Publish(LiveEvent liveEvent)
    {
        lock (_sync)
        {
            Apply(liveEvent, send: true);
            relay?.Forward(liveEvent);
        }
    }

    private void Apply(LiveEvent e, bool send)
    {
        if (send && e.Status is null && e.Image is null && _jobs.TryGetValue(e.JobId, out var held))
        {
            SendHeldImages(e.JobId, held, force: false);
        }

        if (e.Status is { } job)
        {
            ApplyStatus(job, send);
        }
        else if (e.Progress is { } progress)
        {
            Live(e.JobId).Progress = progress;
            if (send)
            {
                Observe(hub.Clients.Group(JobGroup(e.JobId)).Progress(JobMapper.ToMessage(e.JobId, progress)));
            }
        }
        else if (e.Epoch is { } metric)
        {
            Live(e.JobId).Epochs[metric.Epoch] = metric;
            if (send)
            {
                Observe(hub.Clients.Group(JobGroup(e.JobId)).EpochCompleted(
                    new EpochCompletedMessage(e.JobId, metric.Epoch, metric.ReconstructionError, metric.SamplesPerSecond, metric.Seconds, metric.Report)));
            }
        }
        else if (e.StageEpoch is { } epoch)
        {
            var live = Live(e.JobId);
            live.Stages[(epoch.Stage, epoch.Epoch)] = epoch;
            if (send)
            {
                Observe(hub.Clients.Group(DataGroup(e.JobId)).StageEpochCompleted(new StageEpochMessage(e.JobId, epoch)));
                // Which metrics list training rows depends on the kind: unknown yet (an event from another process that came
                // before the job's status), the withheld watchers get the epoch with their next snapshot instead.
                if (live.Kind is { } kind)
                {
                    Observe(hub.Clients.Group(WithheldGroup(e.JobId)).StageEpochCompleted(new StageEpochMessage(e.JobId, trainingData.Withhold(kind, epoch))));
                }
            }
        }
        else if (e.Evaluation is { } evaluation)
        {
            Live(e.JobId).Evaluations[evaluation.Kind] = evaluation;
            if (send)
            {
                Observe(hub.Clients.Group(JobGroup(e.JobId)).EvaluationCompleted(new EvaluationCompletedMessage(e.JobId, evaluation)));
            }
        }
        else if (e.Image is { } image)
        {
            ApplyImage(image, send);
        }
    }

    private void ApplyStatus(JobDto job, bool send)
    {
        if (send && job.Status != Persistence.JobStatus.Running && _jobs.TryGetValue(job.Id, out var ending))
        {
            // The last images before the job ends, whatever the budget says.
            SendHeldImages(job.Id, ending, force: true);
        }

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

        if (send)
        {
            Observe(hub.Clients.Group(JobGroup(job.Id)).StatusChanged(job));
            if (job.OwnerId is { } owner)
            {
                Observe(hub.Clients.Group(JobListGroup(owner)).StatusChanged(job));
            }
        }
    }

    private void ApplyImage(ImageMessage image, bool send)
    {
        var live = Live(image.JobId);
        if (live.Images.TryGetValue(image.Kind, out var known) && known.Version > image.Version)
        {
            // Stored state read at startup may be older than what the channel already brought.
            return;
        }

        live.Images[image.Kind] = image;
        if (send)
        {
            if (!live.HeldImages.Contains(image.Kind, StringComparer.Ordinal))
            {
                live.HeldImages.Add(image.Kind);
            }

            SendHeldImages(image.JobId, live, force: false);
        }
    }

    /// <summary>
    /// Sends the newest image of each held kind while the job's image budget (<see cref="LiveOptions.ImageBytesPerSecond"/>)
    /// allows, or all of them when <paramref name="force"/>d. The budget may go into debt by one image, so an image larger
    /// than a second's worth still goes, and the next waits until it is paid for.
    /// </summary>
    private void SendHeldImages(Guid jobId, LiveJob live, bool force)
    {
        if (live.HeldImages.Count == 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (live.BudgetAt != 0)
        {
            live.Budget = Math.Min(_imageBytesPerSecond, live.Budget + (Stopwatch.GetElapsedTime(live.BudgetAt, now).TotalSeconds * _imageBytesPerSecond));
        }
        else
        {
            live.Budget = _imageBytesPerSecond;
        }

        live.BudgetAt = now;
        // Longest held first, so no kind starves behind a kind that renders as often.
        while (live.HeldImages.Count > 0 && (force || live.Budget > 0))
        {
            var image = live.Images[live.HeldImages[0]];
            live.HeldImages.RemoveAt(0);
            live.Budget -= image.PngBase64.Length;
            // A job whose kind is not known yet counts as drawing every image from its data.
            bool fromData = live.Kind is null || trainingData.IsFromTrainingData(live.Kind, image.Kind);
            Observe(hub.Clients.Group(fromData ? DataGroup(jobId) : JobGroup(jobId)).Image(image));
        }
    }

    /// <summary>The snapshot for a watcher: the job as read after <paramref name="readSequence"/> completed with live state. Under the lock.</summary>
    private SnapshotMessage Snapshot(long readSequence, JobDto job, IReadOnlyList<ImageMessage> storedImages, bool seesTrainingData)
    {
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

        return new SnapshotMessage(job, shown);
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
            t =>
            {
                // Over Redis a send fails ten times a second while it is down: one line a minute says so.
                long now = Environment.TickCount64;
                long last = Interlocked.Read(ref _lastFailureLogged);
                if (last == 0 || now - last >= FailureLogInterval.TotalMilliseconds)
                {
                    Interlocked.Exchange(ref _lastFailureLogged, now);
                    logger.LogWarning(t.Exception, "Sending a training update failed.");
                }
            },
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

        /// <summary>Image kinds whose newest version its watchers have not been sent yet (the budget held them back), longest held first.</summary>
        public List<string> HeldImages { get; } = [];

        /// <summary>Bytes of images the watchers may still be sent now (negative: in debt), as of <see cref="BudgetAt"/>.</summary>
        public double Budget { get; set; }

        public long BudgetAt { get; set; }

        public Dictionary<string, EvaluationDto> Evaluations { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Stage, int Epoch), StageEpochDto> Stages { get; } = [];
    }
}
