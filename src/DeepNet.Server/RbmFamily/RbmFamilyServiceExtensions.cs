using DeepNet.Server.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DeepNet.Server.RbmFamily;

/// <summary>Registration of the RBM kinds: "rbm" (the default kind of a request without "kind") and "rbm-patches".</summary>
public static class RbmFamilyServiceExtensions
{
    public static IServiceCollection AddRbmFamily(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelKind, RbmModelKind>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelKind, PatchRbmModelKind>());
        return services;
    }
}
