using System.Globalization;

namespace DeepNet.Server.Cnn;

/// <summary>
/// The images of a CNN job (served by GET /api/jobs/{id}/images/{kind}): "filters-1", "filters-2"… (the kernels of
/// each convolution layer in order), "feature-maps", "confusion" and "misclassified".
/// </summary>
public static class CnnImageKinds
{
    /// <summary>The activations of a fixed test image at every layer, one row per layer (the input first).</summary>
    public const string FeatureMaps = "feature-maps";

    /// <summary>The confusion matrix (rows true class, columns predicted), each row normalized.</summary>
    public const string Confusion = "confusion";

    /// <summary>The first misclassified images of the evaluated set, ten per row.</summary>
    public const string Misclassified = "misclassified";

    public const string FiltersPrefix = "filters-";

    /// <summary>At most this many convolution layers get a filters image.</summary>
    public const int MaxConvolutionLayers = 20;

    /// <summary>The filters image of the <paramref name="convolution"/>-th convolution layer (1-based).</summary>
    public static string Filters(int convolution) => FiltersPrefix + convolution.ToString(CultureInfo.InvariantCulture);

    public static bool IsKnown(string kind) =>
        kind is FeatureMaps or Confusion or Misclassified
        || (kind.StartsWith(FiltersPrefix, StringComparison.Ordinal)
            && int.TryParse(kind.AsSpan(FiltersPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n is >= 1 and <= MaxConvolutionLayers
            && kind == Filters(n));
}
