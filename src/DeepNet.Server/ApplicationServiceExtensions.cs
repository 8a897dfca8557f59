using DeepNet.Server.Cnn;
using DeepNet.Server.Dbn;
using DeepNet.Server.Demos;
using DeepNet.Server.Experiments;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.RbmFamily;
using DeepNet.Server.Sharing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using DeepNet.Server.Library;
using DeepNet.Server.Accounts;
using DeepNet.Server.Pooling;
using DeepNet.Server.Stepper;
using DeepNet.Server.Compare;
using DeepNet.Server.Assignments;

namespace DeepNet.Server;

public static class ApplicationServiceExtensions
{
    /// <summary>
    /// The foundation, the job engine and every feature, then health checks, the API document and the cross-site request
    /// guard. A model kind is one line here (AddRbmFamily, AddDbn, AddCnn): the engine finds it through
    /// <see cref="ModelKindRegistry"/>.
    /// </summary>
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<TimeProvider>(MicrosecondClock.Instance);
        services.AddApiConventions();
        services.AddRedis(builder.Configuration);
        services.AddPersistence();
        services.AddRateLimits(builder.Configuration);
        services.AddConcurrencyCaps(builder.Configuration);
        services.AddJobEngine(builder.Configuration);

        services.AddAccounts();
        services.AddRbmFamily();
        services.AddDbn();
        services.AddCnn();
        services.AddLibrary();
        services.AddPooling();
        services.AddSharing();
        services.AddDemos();
        services.AddExperiments();
        services.AddCompare();
        services.AddAssignments();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddApiDocument();
        services.AddUiAssets();
        services.AddCrossSiteRequestGuard(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Security headers first (so every answer carries them), middleware, static UI, Swagger (where enabled), accounts and
    /// the cross-site request guard, every feature's endpoints and hubs, and /health.
    /// </summary>
    public static WebApplication MapApplication(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiRequestBodyLimit();
        app.UseUiAssets();
        app.UseApiDocument();
        app.UseAccounts();
        app.UseCrossSiteRequestGuard();
        app.UseRateLimiter();
        app.UseHubConnectionCap();

        app.MapAccountsApi();
        app.MapJobEngine();
        app.MapDbn();
        app.MapCnn();
        app.MapSharing();
        app.MapLibrary();
        app.MapDemos();
        app.MapPooling();
        app.MapStepper();
        app.MapCompare();
        app.MapAssignments();
        app.MapExperiments();
        MapHealth(app);
        return app;
    }

    /// <summary>
    /// A worker process (<c>deepnet worker</c>): the same services, so its job engine runs exactly as a web node's, but
    /// the only endpoint is /health — students reach the UI, the API and the hubs through the web nodes.
    /// </summary>
    public static WebApplication MapWorker(this WebApplication app)
    {
        app.Logger.LogInformation("Worker process: running jobs from the shared database; the only endpoint is /health.");
        MapHealth(app);
        return app;
    }

    private static void MapHealth(WebApplication app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
}
