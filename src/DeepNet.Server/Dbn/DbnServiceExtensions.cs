using DeepNet.Server.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepNet.Server.Dbn;

/// <summary>Registration of the DBN parts: the "dbn" job kind, generation and its hub.</summary>
public static class DbnServiceExtensions
{
    /// <summary>The "dbn" <see cref="IModelKind"/> and the <see cref="DbnGenerator"/>.</summary>
    public static IServiceCollection AddDbn(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelKind, DbnJobKind>());
        services.TryAddSingleton<DbnGenerator>();
        return services;
    }

    /// <summary>The generation hub at <see cref="DbnHub.Path"/> (/hubs/dbn).</summary>
    public static IEndpointRouteBuilder MapDbn(this IEndpointRouteBuilder app)
    {
        app.MapHub<DbnHub>(DbnHub.Path);
        return app;
    }
}
