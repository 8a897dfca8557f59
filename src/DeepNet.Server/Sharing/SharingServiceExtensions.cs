namespace DeepNet.Server.Sharing;

/// <summary>Models and their sharing: the model list and card, classes, the gallery, unlisted links, try-it, fork, export and import.</summary>
public static class SharingServiceExtensions
{
    public static IServiceCollection AddSharing(this IServiceCollection services)
    {
        services.AddSingleton<ModelTry>();
        services.AddScoped<ModelForkService>();
        services.AddScoped<ModelOwnerControls>();
        services.AddScoped<ClassQueue>();
        services.AddScoped<ClassRoster>();
        return services;
    }

    /// <summary>/api/models (list, card, file, try, fork, import) and the sharing endpoints below.</summary>
    public static IEndpointRouteBuilder MapSharing(this IEndpointRouteBuilder app)
    {
        app.MapModelsApi();
        app.MapSharingApi();
        app.MapModelExchangeApi();
        app.MapModelTryApi();
        app.MapModelForkApi();
        return app;
    }

    /// <summary>
    /// /api/classes, /api/gallery, PATCH/DELETE /api/models/{id}, /api/models/{id}/visibility, /share-link, /thumbnail,
    /// and the anonymous /api/shared/{token}. Their services are registered by AddSharing.
    /// </summary>
    public static IEndpointRouteBuilder MapSharingApi(this IEndpointRouteBuilder app)
    {
        app.MapClassesApi();
        app.MapClassQueueApi();
        app.MapGalleryApi();
        app.MapModelSharingApi();
        app.MapSharedLinkApi();
        return app;
    }
}
