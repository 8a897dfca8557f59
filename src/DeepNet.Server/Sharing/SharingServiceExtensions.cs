namespace DeepNet.Server.Sharing;

/// <summary>The sharing endpoints: classes, the gallery, the owner's model controls and unlisted links.</summary>
public static class SharingServiceExtensions
{
    /// <summary>
    /// /api/classes, /api/gallery, PATCH/DELETE /api/models/{id}, /api/models/{id}/visibility, /share-link, /thumbnail,
    /// and the anonymous /api/shared/{token}. They need no services of their own: the scoped DbContext (the caller's view)
    /// and <see cref="TimeProvider"/> are the application's.
    /// </summary>
    public static IEndpointRouteBuilder MapSharingApi(this IEndpointRouteBuilder app)
    {
        app.MapClassesApi();
        app.MapGalleryApi();
        app.MapModelSharingApi();
        app.MapSharedLinkApi();
        return app;
    }
}
