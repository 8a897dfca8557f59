using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepNet.Server.Experiments;

/// <summary>The lecture's tables: each queues one ordinary job per row and reads back its errors beside the published ones.</summary>
public static class ExperimentsServiceExtensions
{
    public static IServiceCollection AddExperiments(this IServiceCollection services)
    {
        services.AddSingleton<ExperimentService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExperimentDefinition, MnistTableExperiment>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExperimentDefinition, Bengio2007Experiment>());
        return services;
    }

    public static IEndpointRouteBuilder MapExperiments(this IEndpointRouteBuilder app) => app.MapExperimentsApi();
}
