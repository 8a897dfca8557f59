using DeepNet.Server.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepNet.Server.Cnn;

/// <summary>Registration of the CNN parts: the "cnn" job kind and its feature-maps endpoint.</summary>
public static class CnnServiceExtensions
{
    public static IServiceCollection AddCnn(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelKind, CnnJobKind>());
        return services;
    }

    public static IEndpointRouteBuilder MapCnn(this IEndpointRouteBuilder app) => app.MapCnnApi();
}
