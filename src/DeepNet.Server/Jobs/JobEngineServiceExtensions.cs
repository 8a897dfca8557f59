namespace DeepNet.Server.Jobs;

/// <summary>The job engine: queue, worker, store, live feed and the registry through which it reaches the model kinds.</summary>
public static class JobEngineServiceExtensions
{
    public static IServiceCollection AddJobEngine(this IServiceCollection services)
    {
        services.AddSingleton<JobQueue>();
        services.AddSingleton<RunningJobRegistry>();
        services.AddSingleton<JobLiveFeed>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobSteps>();
        services.AddSingleton<ModelKindRegistry>();
        services.AddScoped<JobRunner>();
        services.AddHostedService<JobWorker>();
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
