namespace DeepNet.Server.Sharing;

/// <summary>Request body of <c>POST /api/models/{id}/try</c>: one grey image, e.g. a digit drawn on a canvas.</summary>
public sealed record TryRequest
{
    /// <summary>Width of the image in pixels, 1..1024.</summary>
    public int? Width { get; init; }

    /// <summary>Height of the image in pixels, 1..1024.</summary>
    public int? Height { get; init; }

    /// <summary>width·height grey levels in [0, 1] (0 = black, the MNIST background), row-major. Resized to the model's image size when it differs.</summary>
    public float[]? Pixels { get; init; }
}
