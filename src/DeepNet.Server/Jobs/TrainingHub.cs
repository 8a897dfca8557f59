using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using Microsoft.AspNetCore.SignalR;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Jobs;

/// <summary>Live view of training jobs at <c>/hubs/training</c>.</summary>
public sealed class TrainingHub(JobStore jobs, JobLiveFeed feed, DeepNetDbContext db, TrainingDataAccess trainingData) : Hub<ITrainingClient>
{
    public const string Path = "/hubs/training";

    /// <summary>
    /// Joins the job's groups (the caller must be allowed to read the job); the caller first receives a Snapshot, then live
    /// updates — without images and rows drawn from training data the caller may not read.
    /// </summary>
    public async Task WatchJob(string jobId)
    {
        var id = ParseJobId(jobId);
        if (await db.ReadableJobOwnerAsync(id, Context.ConnectionAborted) is null)
        {
            throw NotFound(jobId);
        }

        long sequence = feed.Sequence;
        var job = await jobs.GetAsync(id, Context.ConnectionAborted) ?? throw NotFound(jobId);
        var images = await jobs.GetImagesAsync(id, Context.ConnectionAborted);
        bool seesTrainingData = await trainingData.CanReadJobDataAsync(id, Context.User?.UserIdOrNull(), Context.ConnectionAborted);
        await feed.WatchAsync(Groups, Context.ConnectionId, Clients.Caller, sequence, job, images, seesTrainingData);
    }

    /// <summary>Stops receiving updates of the job.</summary>
    public Task UnwatchJob(string jobId)
    {
        var id = ParseJobId(jobId);
        return Task.WhenAll(
            Groups.RemoveFromGroupAsync(Context.ConnectionId, feed.JobGroup(id)),
            Groups.RemoveFromGroupAsync(Context.ConnectionId, feed.DataGroup(id)),
            Groups.RemoveFromGroupAsync(Context.ConnectionId, feed.WithheldGroup(id)));
    }

    /// <summary>Receives StatusChanged for every job of the caller.</summary>
    public Task WatchJobList() =>
        Groups.AddToGroupAsync(Context.ConnectionId, feed.JobListGroup(Context.UserId()));

    private static Guid ParseJobId(string jobId) =>
        Guid.TryParse(jobId, out var id) ? id : throw NotFound(jobId);

    private static HubException NotFound(string jobId) => new($"Job {jobId} not found.");
}
