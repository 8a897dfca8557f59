using DeepNet.Server.Experiments;
using DeepNet.Server.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepNet.Server.Dbn;

/// <summary>Registration of the DBN parts: the "dbn" job kind, the Bengio 2007 table, generation and its hub.</summary>
public static class DbnServiceExtensions
{
    /// <summary>The "dbn" <see cref="IJobKind"/>, the bengio2007 <see cref="IExperimentDefinition"/> and the <see cref="DbnGenerator"/>.</summary>
    public static IServiceCollection AddDbn(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobKind, DbnJobKind>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExperimentDefinition, Bengio2007Experiment>());
        services.TryAddSingleton<DbnGenerator>();
        return services;
    }

    /// <summary>The generation hub at <see cref="DbnHub.Path"/> (/hubs/dbn).</summary>
    public static IEndpointRouteBuilder MapDbnHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<DbnHub>(DbnHub.Path);
        return app;
    }
}
