namespace DeepNet.Server.Persistence;

/// <summary>Lifecycle of a training job: Queued → Running → Succeeded | Failed | Canceled.</summary>
public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}
