using System.Text.Json;
using System.Threading.Channels;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;
using Microsoft.AspNetCore.SignalR.Client;

namespace DeepNet.Server.Tests;

/// <summary>
/// Waiting for a job on the events the app signals rather than on a timer: the wait watches the job over the training
/// hub and reads it again after every message the hub sends about it (snapshot, status change, progress, epoch, stage
/// epoch, evaluation, image), so it ends on the event that made the condition true. <see cref="TestApp.Timeout"/> only
/// guards against a hang.
/// </summary>
public static class JobEvents
{
    private static readonly string[] Messages =
    [
        nameof(ITrainingClient.Snapshot),
        nameof(ITrainingClient.StatusChanged),
        nameof(ITrainingClient.Progress),
        nameof(ITrainingClient.EpochCompleted),
        nameof(ITrainingClient.Image),
        nameof(ITrainingClient.StageEpochCompleted),
        nameof(ITrainingClient.EvaluationCompleted),
    ];

    /// <summary>
    /// Reads the job with <paramref name="read"/> until <paramref name="condition"/> holds, watching it over the hub as
    /// <paramref name="email"/> (who must be allowed to read it); returns the job that satisfied the condition.
    /// </summary>
    public static async Task<JobDto> WaitAsync(TestApp app, Guid id, Func<Task<JobDto>> read, Func<JobDto, bool> condition, string what, string email = TestApp.DefaultUser)
    {
        JobDto? job = null;
        await UntilAsync(
            app,
            hub => hub.InvokeAsync(nameof(TrainingHub.WatchJob), id.ToString()),
            async () => condition(job = await read()),
            () => $"job {id} never {what}; last status {job?.Status}, error '{job?.Error}', {job?.History.Count} epochs, {job?.Stages?.Count} stage epochs",
            email);
        return job!;
    }

    /// <summary>Checks <paramref name="condition"/> after each status change of any job of <paramref name="email"/> (experiments run as several jobs).</summary>
    public static Task WaitForJobListAsync(TestApp app, Func<Task<bool>> condition, Func<string> describe, string email = TestApp.DefaultUser) =>
        UntilAsync(app, hub => hub.InvokeAsync(nameof(TrainingHub.WatchJobList)), condition, describe, email);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds over what the test's own handlers collect from
    /// <paramref name="connection"/>: it is checked again after each message the connection receives.
    /// </summary>
    public static async Task UntilReceivedAsync(HubConnection connection, Func<bool> condition, Func<string> describe)
    {
        var changed = Changes();
        // Registered after the test's handlers, so a message is collected before the condition sees it.
        var subscriptions = Messages
            .Select(message => connection.On(message, [typeof(JsonElement)], (_, _) => Signal(changed), null!))
            .ToList();
        try
        {
            await WaitAsync(changed.Reader, () => Task.FromResult(condition()), describe);
        }
        finally
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }

    private static async Task UntilAsync(TestApp app, Func<HubConnection, Task> watch, Func<Task<bool>> condition, Func<string> describe, string email)
    {
        var changed = Changes();
        await using var hub = app.CreateHubConnection(TrainingHub.Path, email);
        foreach (string message in Messages)
        {
            hub.On(message, [typeof(JsonElement)], (_, _) => Signal(changed), null!);
        }

        await hub.StartAsync();
        await watch(hub);

        // Check after joining the group: whatever changed earlier is in this check, whatever changes later sends a message.
        await WaitAsync(changed.Reader, condition, describe);
    }

    /// <summary>At most one pending "something changed": many messages between two checks cost one check.</summary>
    private static Channel<bool> Changes() =>
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private static Task Signal(Channel<bool> changed)
    {
        changed.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    private static async Task WaitAsync(ChannelReader<bool> changed, Func<Task<bool>> condition, Func<string> describe)
    {
        using var hang = new CancellationTokenSource(TestApp.Timeout);
        while (!await condition())
        {
            try
            {
                await changed.ReadAsync(hang.Token);
            }
            catch (OperationCanceledException) when (hang.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {TestApp.Timeout}: {describe()}");
            }
        }
    }
}
