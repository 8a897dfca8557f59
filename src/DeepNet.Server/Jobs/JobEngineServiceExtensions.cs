using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Jobs;

/// <summary>The job engine: queue, worker, store, live feed, retention and the registry through which it reaches the model kinds.</summary>
public static class JobEngineServiceExtensions
{
    public static IServiceCollection AddJobEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobBudgetOptions>()
            .Bind(configuration.GetSection(JobBudgetOptions.Section))
            .Validate(o => o.MaxQueuedPerUser >= 1 && o.MaxRunningPerUser >= 1 && o.MaxJobMemoryMB > 0 && o.MaxModelMB > 0
                && o.MaxCheckpointMB > 0 && o.MaxRunTime > TimeSpan.Zero && o.EffectiveGflops > 0 && o.SourceCheckInterval > TimeSpan.Zero,
                "Jobs: every limit must be positive.")
            .ValidateOnStart();
        services.AddOptions<JobWorkerOptions>()
            .Bind(configuration.GetSection(JobWorkerOptions.Section))
            .Validate(o => o.Workers >= 0 && o.HeartbeatInterval > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.LeaseDuration > 2 * o.HeartbeatInterval,
                "Jobs: Workers must not be negative, HeartbeatInterval and PollInterval must be positive, and LeaseDuration must exceed two heartbeats.")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => o.QuotaMB > 0, "Storage: QuotaMB must be positive.")
            .ValidateOnStart();
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.FailedCheckpointGrace >= TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero, "Retention: FailedCheckpointGrace must not be negative and SweepInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<LiveOptions>()
            .Bind(configuration.GetSection(LiveOptions.Section))
            .Validate(o => o.ImageBytesPerSecond > 0, "Live: ImageBytesPerSecond must be positive.")
            .ValidateOnStart();
        services.AddSingleton<StorageQuota>();
        services.AddSingleton<JobBudget>();
        services.AddSingleton<JobAdmission>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<RunningJobRegistry>();
        services.AddSingleton<JobClaims>();
        services.AddSingleton<JobLiveFeed>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobSteps>();
        services.AddSingleton<ModelKindRegistry>();
        services.AddSingleton<TrainingDataAccess>();
        services.AddScoped<JobRunner>();
        services.AddHostedService<JobWorker>();

        if (configuration.HasRedis())
        {
            services.AddSingleton<LiveRelay>();
            services.AddHostedService<LiveRelayService>();
        }

        services.AddSingleton<RetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        return services;
    }

    /// <summary>/api/jobs, /api/limits and the live hub at <see cref="TrainingHub.Path"/>.</summary>
    public static IEndpointRouteBuilder MapJobEngine(this IEndpointRouteBuilder app)
    {
        app.MapJobsApi();
        app.MapLimitsApi();
        app.MapHub<TrainingHub>(TrainingHub.Path);
        return app;
    }
}
