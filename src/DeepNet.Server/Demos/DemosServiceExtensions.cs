namespace DeepNet.Server.Demos;

/// <summary>The lecture's demos: pre-trained demo models, feature maps and Gibbs chains streamed over their hub.</summary>
public static class DemosServiceExtensions
{
    public static IServiceCollection AddDemos(this IServiceCollection services)
    {
        services.AddSingleton<DemoModels>();
        services.AddSingleton<FeatureMaps>();
        services.AddSingleton<GibbsSampler>();
        return services;
    }

    /// <summary>/api/demos and the hub at <see cref="DemosHub.Path"/>.</summary>
    public static IEndpointRouteBuilder MapDemos(this IEndpointRouteBuilder app)
    {
        app.MapDemosApi();
        app.MapHub<DemosHub>(DemosHub.Path);
        return app;
    }
}
