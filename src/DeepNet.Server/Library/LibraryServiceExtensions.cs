namespace DeepNet.Server.Library;

/// <summary>The caller's library: uploaded and built-in images, uploaded data sets.</summary>
public static class LibraryServiceExtensions
{
    public static IServiceCollection AddLibrary(this IServiceCollection services)
    {
        services.AddSingleton<ImageLibrary>();
        services.AddScoped<DatasetLibrary>();
        return services;
    }

    /// <summary>/api/images and /api/datasets.</summary>
    public static IEndpointRouteBuilder MapLibrary(this IEndpointRouteBuilder app)
    {
        app.MapImagesApi();
        app.MapDatasetsApi();
        return app;
    }
}
