namespace DeepNet.Server.Jobs;

/// <summary>A worker tried to write for a job whose lease it no longer holds: another worker runs the job now.</summary>
public sealed class LeaseLostException(Guid jobId)
    : Exception($"Job {jobId} is no longer held by this worker (its lease expired and another worker took it over).")
{
    public Guid JobId { get; } = jobId;
}
