using System.Numerics.Tensors;
using System.Text.Json;
using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Numerics;
using DeepNet.Server.Contracts;
using DeepNet.Server.Library;
using DeepNet.Server.Persistence;
using DeepNet.Server.RbmFamily;

namespace DeepNet.Server.Demos;

/// <summary>
/// The lecture's feature-map demo: an image convolved (valid cross-correlation) with every filter of a trained RBM,
/// the maps drawn as a grid, each normalized to its own range.
/// </summary>
public sealed class FeatureMaps(DemoModels models, ImageLibrary images)
{
    public const int DefaultSize = 175;
    public const int MinSize = 16;
    public const int MaxSize = 512;
    public const string DefaultImage = "builtin:chelsea";

    /// <summary>Largest number of map values (filters × map pixels) one request may compute: 64 MB of floats.</summary>
    public const long MaxMapValues = 16L * 1024 * 1024;

    /// <summary>Renders the maps of <paramref name="request"/> as PNG, or says why it cannot.</summary>
    public async Task<FeatureMapsOutcome> RenderAsync(FeatureMapsRequest request, RequestUser viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int size = request.Size ?? DefaultSize;
        if (size is < MinSize or > MaxSize)
        {
            return FeatureMapsOutcome.Invalid("size", $"must be between {MinSize} and {MaxSize}.");
        }

        if (request.ModelId is not { } modelId)
        {
            return FeatureMapsOutcome.Invalid("modelId", "is required.");
        }

        string imageId = string.IsNullOrWhiteSpace(request.Image) ? DefaultImage : request.Image.Trim();
        var model = await models.LoadAsync(modelId, viewer, cancellationToken);
        if (model is null)
        {
            return FeatureMapsOutcome.NotFound("Model not found", $"Model {modelId} not found.");
        }

        if (DemoModels.FilterSide(model) is not { } side)
        {
            return FeatureMapsOutcome.Invalid("modelId",
                $"the model's filters have {model.Rbm.VisibleUnits} values each, which is not a square image, so they cannot be convolved with an image.");
        }

        if (side > size)
        {
            return FeatureMapsOutcome.Invalid("size", $"the model's filters are {side}×{side}, larger than a {size}×{size} image; use size ≥ {side}.");
        }

        int mapSide = size - side + 1;
        int filters = model.Rbm.HiddenUnits;
        long values = (long)filters * mapSide * mapSide;
        int columns = (int)Math.Ceiling(Math.Sqrt(filters));
        long gridWidth = (long)columns * mapSide + columns - 1;
        if (values > MaxMapValues || gridWidth > TileImage.MaxSide)
        {
            return FeatureMapsOutcome.Invalid("size",
                $"{filters} maps of {mapSide}×{mapSide} are too many pixels to compute and draw; use a smaller size.");
        }

        var image = await images.LoadAsync(imageId, viewer, cancellationToken);
        if (image is null)
        {
            return FeatureMapsOutcome.NotFound("Image not found", $"Image {imageId} not found.");
        }

        PatchStandardizer? standardizer = PatchModel.ReadStandardizer(model.PatchesJson);
        if (standardizer is not null && standardizer.Features != model.Rbm.VisibleUnits)
        {
            standardizer = null;
        }

        var resized = image.Resize(size, size);
        float[] maps = Compute(resized, model.Rbm, side, standardizer);
        return FeatureMapsOutcome.Success(TileImage.RenderFilters(maps, filters, mapSide, mapSide));
    }

    /// <summary>
    /// Every filter's valid cross-correlation with the image, A_f(i, j) = Σ_kl W_f(k, l)·X(i + k, j + l), on the image
    /// presented the way the model saw its training data: through <paramref name="standardizer"/> applied to each
    /// side×side window exactly (per-patch contrast normalization, per-pixel standardization and ZCA are folded into the
    /// filters and a per-window correction, so the result equals W·standardize(window) for every window); without one,
    /// Gaussian models see the image standardized as a whole and Bernoulli models its intensities in [0,1].
    /// </summary>
    /// <param name="image">height × width intensities.</param>
    /// <param name="rbm">An RBM whose VisibleUnits = side·side; weight row f is filter f, row-major side×side.</param>
    /// <param name="standardizer">The patch standardizer of the model's training data (Features = side·side), or null.</param>
    /// <returns>HiddenUnits × (height − side + 1) × (width − side + 1) maps, row-major.</returns>
    public static float[] Compute(GrayImage image, Rbm rbm, int side, PatchStandardizer? standardizer)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rbm);
        int taps = side * side;
        if (rbm.VisibleUnits != taps)
        {
            throw new ArgumentException($"The model has {rbm.VisibleUnits} visible units, not {side}×{side}.", nameof(side));
        }

        (int mapHeight, int mapWidth) = Convolution.OutputSize(image.Width, image.Height, side, side);
        int positions = mapHeight * mapWidth;
        int count = rbm.HiddenUnits;
        var maps = new float[(long)count * positions];
        if (standardizer is null)
        {
            ReadOnlySpan<float> pixels = rbm.VisibleType == VisibleUnitType.Gaussian ? StandardizeWhole(image.Pixels) : image.Pixels;
            Convolution.ValidCorrelation(pixels, image.Width, image.Height, rbm.Weights.Data, count, side, side, maps);
            return maps;
        }

        if (standardizer.Features != taps)
        {
            throw new ArgumentException($"The standardizer works on {standardizer.Features} values per patch, not {taps}.", nameof(standardizer));
        }

        // w = Zca·z with Zca symmetric, so W·w = (W·Zca)·z; z = (y − Mean)/Std, so W'·z = (W'/Std)·y − Σ_i (W'/Std)_i Mean_i.
        var parameters = standardizer.Parameters;
        var effective = parameters.Zca is null ? rbm.Weights.Clone() : new Matrix(count, taps);
        if (parameters.Zca is not null)
        {
            Gemm.Multiply(rbm.Weights, Transpose.No, new Matrix(taps, taps, parameters.Zca), Transpose.No, effective);
        }

        var offsets = new float[count];
        var sums = new float[count];
        for (int f = 0; f < count; f++)
        {
            Span<float> filter = effective.Row(f);
            TensorPrimitives.Divide(filter, parameters.Std, filter);
            offsets[f] = TensorPrimitives.Dot(filter, parameters.Mean);
            sums[f] = TensorPrimitives.Sum(filter);
        }

        Convolution.ValidCorrelation(image.Pixels, image.Width, image.Height, effective.Data, count, side, side, maps);
        if (parameters.Mode == StandardizationMode.PerPixel)
        {
            for (int f = 0; f < count; f++)
            {
                Span<float> map = maps.AsSpan(f * positions, positions);
                TensorPrimitives.Subtract(map, offsets[f], map);
            }

            return maps;
        }

        // Per patch, y = (x − m)/s with the window's own mean m and s = sqrt(var + ε): G·y = (G·x − m·ΣG)/s.
        (float[] means, float[] deviations) = WindowStatistics(image, side);
        for (int f = 0; f < count; f++)
        {
            Span<float> map = maps.AsSpan(f * positions, positions);
            for (int p = 0; p < positions; p++)
            {
                map[p] = ((map[p] - means[p] * sums[f]) / deviations[p]) - offsets[f];
            }
        }

        return maps;
    }

    /// <summary>The standardizer stored with a patch model ({"spec": …, "standardizer": …}), or null.</summary>
    private static float[] StandardizeWhole(float[] pixels)
    {
        float mean = TensorPrimitives.Sum(pixels) / pixels.Length;
        var result = new float[pixels.Length];
        TensorPrimitives.Subtract(pixels, mean, result);
        float std = MathF.Sqrt((TensorPrimitives.SumOfSquares(result) / pixels.Length) + PatchStandardizer.VarianceEpsilon);
        TensorPrimitives.Divide(result, std, result);
        return result;
    }

    /// <summary>Mean and sqrt(population variance + ε) of every side×side window, from integral images (in double).</summary>
    private static (float[] Means, float[] Deviations) WindowStatistics(GrayImage image, int side)
    {
        int width = image.Width;
        int height = image.Height;
        var sum = new double[(width + 1) * (height + 1)];
        var squares = new double[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++)
        {
            double rowSum = 0;
            double rowSquares = 0;
            for (int x = 0; x < width; x++)
            {
                double v = image.Pixels[y * width + x];
                rowSum += v;
                rowSquares += v * v;
                int at = (y + 1) * (width + 1) + x + 1;
                sum[at] = sum[at - width - 1] + rowSum;
                squares[at] = squares[at - width - 1] + rowSquares;
            }
        }

        int mapWidth = width - side + 1;
        int mapHeight = height - side + 1;
        var means = new float[mapWidth * mapHeight];
        var deviations = new float[mapWidth * mapHeight];
        double n = side * side;
        for (int i = 0; i < mapHeight; i++)
        {
            for (int j = 0; j < mapWidth; j++)
            {
                double s = Box(sum, width + 1, i, j, side);
                double q = Box(squares, width + 1, i, j, side);
                double mean = s / n;
                double variance = Math.Max(0, (q / n) - (mean * mean));
                means[i * mapWidth + j] = (float)mean;
                deviations[i * mapWidth + j] = (float)Math.Sqrt(variance + PatchStandardizer.VarianceEpsilon);
            }
        }

        return (means, deviations);
    }

    private static double Box(double[] integral, int stride, int top, int left, int side) =>
        integral[(top + side) * stride + left + side] - integral[top * stride + left + side]
        - integral[(top + side) * stride + left] + integral[top * stride + left];
}

/// <summary>The result of a feature-map request: a PNG, or an HTTP error naming the problem.</summary>
public sealed record FeatureMapsOutcome(byte[]? Png, int StatusCode, string? Field, string? Title, string? Message)
{
    public static FeatureMapsOutcome Success(byte[] png) => new(png, StatusCodes.Status200OK, null, null, null);

    public static FeatureMapsOutcome Invalid(string field, string message) => new(null, StatusCodes.Status400BadRequest, field, "Invalid feature-map request", message);

    public static FeatureMapsOutcome NotFound(string title, string message) => new(null, StatusCodes.Status404NotFound, null, title, message);
}
