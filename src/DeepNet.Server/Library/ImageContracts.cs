namespace DeepNet.Server.Library;

/// <summary>A grayscale image usable for patch training and the feature-map demo: a built-in photo or an upload.</summary>
/// <param name="Id">"builtin:&lt;name&gt;" for built-in photos, otherwise the upload's GUID.</param>
/// <param name="Name">Display name (the built-in's title, or the upload's name).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Source">"builtin" or "upload".</param>
/// <param name="Licence">Licence and attribution of a built-in photo; null for uploads.</param>
/// <param name="Url">Where to fetch the grayscale PNG: /api/images/{id}.</param>
/// <param name="SizeBytes">Size of the stored grayscale PNG (uploads; null for built-ins).</param>
/// <param name="CreatedAt">Upload time (UTC); null for built-ins.</param>
public sealed record ImageDto(
    string Id,
    string Name,
    int Width,
    int Height,
    string Source,
    string? Licence,
    string Url,
    long? SizeBytes,
    DateTime? CreatedAt);
