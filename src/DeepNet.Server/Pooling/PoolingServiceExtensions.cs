namespace DeepNet.Server.Pooling;

/// <summary>The pooling playground: the lecture's max and average pooling on matrices and images.</summary>
public static class PoolingServiceExtensions
{
    public static IServiceCollection AddPooling(this IServiceCollection services) => services.AddSingleton<PoolingService>();

    public static IEndpointRouteBuilder MapPooling(this IEndpointRouteBuilder app) => app.MapPoolingApi();
}
