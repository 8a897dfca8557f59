using DeepNet.Server.Auth;
using DeepNet.Server.Cnn;
using DeepNet.Server.Dbn;
using DeepNet.Server.Demos;
using DeepNet.Server.Endpoints;
using DeepNet.Server.Experiments;
using DeepNet.Server.Hubs;
using DeepNet.Server.Infrastructure;
using DeepNet.Server.Jobs;
using DeepNet.Server.Persistence;
using DeepNet.Server.Sharing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DeepNet.Server;

public static class ApplicationServiceExtensions
{
    public const string DataDirectoryKey = "Storage:DataDirectory";
    public const string DatabaseFileName = "deepnet.db";

    /// <summary>Registers persistence, the job worker, SignalR, problem details, health checks and Swagger.</summary>
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Resolved from the final configuration (tests and hosts may set Storage:DataDirectory late).
        services.AddSingleton(sp => new SqliteStorage(sp.GetRequiredService<IConfiguration>()));
        services.AddDbContextFactory<DeepNetDbContext>((sp, options) => options.UseSqlite(sp.GetRequiredService<SqliteStorage>().ConnectionString));
        // The scoped context is the caller's view (see DeepNetDbContext); contexts from the factory are the worker's, unrestricted.
        // AddDbContextFactory registered a plain scoped context already: replace it.
        services.Replace(ServiceDescriptor.Scoped(sp =>
        {
            var db = sp.GetRequiredService<IDbContextFactory<DeepNetDbContext>>().CreateDbContext();
            db.Viewer = sp.GetRequiredService<RequestUser>();
            return db;
        }));
        services.AddAccounts();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JobQueue>();
        services.AddSingleton<RunningJobRegistry>();
        services.AddSingleton<JobLiveFeed>();
        services.AddSingleton<JobStore>();
        services.AddScoped<JobRunner>();
        services.AddSingleton<JobKindRegistry>();
        services.AddSingleton<IJobKind, CnnJobKind>();
        services.AddSingleton<ExperimentService>();
        services.AddSingleton<IExperimentDefinition, MnistTableExperiment>();
        services.AddDbn();
        services.AddHostedService<JobWorker>();
        services.AddSingleton<ImageLibrary>();
        services.AddSingleton<DemoModels>();
        services.AddSingleton<FeatureMaps>();
        services.AddSingleton<GibbsSampler>();
        services.AddSingleton<ModelTry>();

        services.ConfigureHttpJsonOptions(options => JsonDefaults.Apply(options.SerializerOptions));
        services.AddSignalR().AddJsonProtocol(options => JsonDefaults.Apply(options.PayloadSerializerOptions));

        // Binding failures throw BadHttpRequestException (with the JSON error inside) for the handler below to describe.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "DeepNetService API",
                Version = "v1",
                Description = "Queue RBM training jobs on MNIST, follow them live (SignalR hub /hubs/training) and download trained models as safetensors.",
            });
            foreach (string assembly in new[] { "DeepNet.Server", "DeepNet.Models", "DeepNet.Data" })
            {
                string xml = Path.Combine(AppContext.BaseDirectory, assembly + ".xml");
                if (File.Exists(xml))
                {
                    options.IncludeXmlComments(xml);
                }
            }
        });
        // Swagger schemas follow the HTTP JSON options (enums as strings, camelCase).
        services.AddTransient<ISerializerDataContractResolver>(sp => new JsonSerializerDataContractResolver(
            sp.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions));
        return builder;
    }

    /// <summary>Applies EF migrations (never EnsureCreated) and switches SQLite to WAL.</summary>
    public static WebApplication MigrateDatabase(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DeepNetDbContext>();
        app.Logger.LogInformation("Database: {Path}.", Path.Combine(app.Services.GetRequiredService<SqliteStorage>().DataDirectory, DatabaseFileName));
        db.Database.Migrate();
        if (db.Database.IsSqlite())
        {
            // Persistent in the database file: readers (HTTP) never block the worker's writes and vice versa.
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }

        return app;
    }

    /// <summary>Middleware, static UI, Swagger, the APIs, the hub and /health.</summary>
    public static WebApplication MapApplication(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiRequestBodyLimit();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseSwagger();
        app.UseSwaggerUI(options => options.DocumentTitle = "DeepNetService API");
        app.UseAccounts();

        app.MapAccountsApi();
        app.MapJobsApi();
        app.MapLimitsApi();
        app.MapCnnApi();
        app.MapModelsApi();
        app.MapSharingApi();
        app.MapModelExchangeApi();
        app.MapModelTryApi();
        app.MapModelForkApi();
        app.MapHub<TrainingHub>(TrainingHub.Path);
        app.MapImagesApi();
        app.MapDatasetsApi();
        app.MapDemosApi();
        app.MapPoolingApi();
        app.MapExperimentsApi();
        app.MapHub<DemosHub>(DemosHub.Path);
        app.MapDbnHub();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        return app;
    }
}

/// <summary>Where the SQLite database lives: &lt;Storage:DataDirectory&gt;/deepnet.db, default ./data.</summary>
public sealed class SqliteStorage
{
    public SqliteStorage(IConfiguration configuration)
    {
        DataDirectory = Path.GetFullPath(
            configuration[ApplicationServiceExtensions.DataDirectoryKey] is { Length: > 0 } configured ? configured : "data");
        Directory.CreateDirectory(DataDirectory);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, ApplicationServiceExtensions.DatabaseFileName),
            // Seconds a command waits on a locked database (SQLITE_BUSY) before failing.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DataDirectory { get; }

    public string ConnectionString { get; }
}
