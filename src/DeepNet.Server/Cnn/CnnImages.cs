using DeepNet.Data;
using DeepNet.Models.Cnn;
using DeepNet.Numerics;

namespace DeepNet.Server.Cnn;

/// <summary>Renders a CNN's filters, feature maps, confusion matrix and misclassified images as PNG (through <see cref="TileImage"/>).</summary>
public static class CnnImages
{
    /// <summary>Feature maps shown per layer (the first ones).</summary>
    public const int MaxMapsPerLayer = 16;

    /// <summary>Misclassified images shown.</summary>
    public const int MaxMisclassified = 40;

    /// <summary>One PNG per convolution layer, in order: each filter as a tile (averaged over its input channels).</summary>
    public static List<(string Kind, byte[] Png)> Filters(Network network)
    {
        var images = new List<(string, byte[])>();
        int convolution = 0;
        foreach (ILayer layer in network.Layers)
        {
            if (layer is not Conv2d conv || ++convolution > CnnImageKinds.MaxConvolutionLayers)
            {
                continue;
            }

            int filters = conv.Spec.Filters;
            int channels = conv.InputShape.Channels;
            int taps = conv.Spec.Kernel * conv.Spec.Kernel;
            float[] tiles = new float[filters * taps];
            float[] w = conv.Weights.Value;
            for (int f = 0; f < filters; f++)
            {
                Span<float> tile = tiles.AsSpan(f * taps, taps);
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> kernel = w.AsSpan((f * channels + c) * taps, taps);
                    for (int t = 0; t < taps; t++)
                    {
                        tile[t] += kernel[t] / channels;
                    }
                }
            }

            images.Add((CnnImageKinds.Filters(convolution), TileImage.RenderFilters(tiles, filters, conv.Spec.Kernel, conv.Spec.Kernel)));
        }

        return images;
    }

    /// <summary>Labels of the rows of <see cref="FeatureMaps"/>: "input 1×28×28", then "1 conv 6@5×5 → 6×28×28"….</summary>
    public static List<string> FeatureMapRows(Network network)
    {
        var rows = new List<string> { $"input {network.InputShape}" };
        for (int i = 0; i < network.Layers.Count; i++)
        {
            ILayer layer = network.Layers[i];
            rows.Add($"{i + 1} {layer.Description} → {layer.OutputShape}");
        }

        return rows;
    }

    /// <summary>
    /// Runs one sample through the network (evaluation mode) and renders the input and every layer's output as a row of
    /// tiles the size of the input: spatial maps scaled to it (the first <see cref="MaxMapsPerLayer"/>), vectors laid out
    /// as a square. Returns the PNG and the predicted class.
    /// </summary>
    public static (byte[] Png, int Predicted) FeatureMaps(Network network, ReadOnlySpan<float> sample)
    {
        TensorShape input = network.InputShape;
        int tileHeight = input.Height;
        int tileWidth = input.Width;
        if (tileHeight * tileWidth < 16)
        {
            // Tiny inputs (vectors): use 8×8 tiles.
            tileHeight = tileWidth = 8;
        }

        int tileSize = tileHeight * tileWidth;
        int rows = network.Layers.Count + 1;
        int columns = Math.Min(MaxMapsPerLayer, Math.Max(input.Channels, network.Layers.Max(l => l.OutputShape.Height * l.OutputShape.Width > 1 ? l.OutputShape.Channels : 1)));
        float[] tiles = new float[rows * columns * tileSize];
        tiles.AsSpan().Fill(float.NaN);
        ReadOnlySpan<float> logits = network.Forward(sample, 1);
        int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
        DrawRow(tiles.AsSpan(0, columns * tileSize), sample, input, tileWidth, tileHeight, columns);
        for (int i = 0; i < network.Layers.Count; i++)
        {
            DrawRow(tiles.AsSpan((i + 1) * columns * tileSize, columns * tileSize), network.ActivationsOf(i, 1), network.Layers[i].OutputShape, tileWidth, tileHeight, columns);
        }

        return (TileImage.RenderFilters(tiles, rows * columns, tileWidth, tileHeight, columns), predicted);
    }

    private static void DrawRow(Span<float> row, ReadOnlySpan<float> values, TensorShape shape, int tileWidth, int tileHeight, int columns)
    {
        int tileSize = tileWidth * tileHeight;
        int plane = shape.Height * shape.Width;
        if (plane > 1)
        {
            for (int c = 0; c < Math.Min(columns, shape.Channels); c++)
            {
                Scale(values.Slice(c * plane, plane), shape.Width, shape.Height, row.Slice(c * tileSize, tileSize), tileWidth, tileHeight);
            }

            return;
        }

        // A vector (dense output): its values on a near-square grid, unused cells left blank.
        int side = (int)Math.Ceiling(Math.Sqrt(values.Length));
        var square = new float[side * side];
        square.AsSpan().Fill(float.NaN);
        values.CopyTo(square);
        Scale(square, side, side, row[..tileSize], tileWidth, tileHeight);
    }

    /// <summary>Nearest-neighbour resampling of a w×h map onto a tile.</summary>
    private static void Scale(ReadOnlySpan<float> map, int width, int height, Span<float> tile, int tileWidth, int tileHeight)
    {
        for (int y = 0; y < tileHeight; y++)
        {
            int sy = Math.Min(height - 1, y * height / tileHeight);
            for (int x = 0; x < tileWidth; x++)
            {
                tile[y * tileWidth + x] = map[sy * width + Math.Min(width - 1, x * width / tileWidth)];
            }
        }
    }

    /// <summary>The confusion matrix as one K×K tile: each true class's row divided by its count.</summary>
    public static byte[] Confusion(int[] confusion, int classes)
    {
        float[] rates = new float[classes * classes];
        for (int r = 0; r < classes; r++)
        {
            int total = 0;
            for (int c = 0; c < classes; c++)
            {
                total += confusion[r * classes + c];
            }

            for (int c = 0; c < classes; c++)
            {
                rates[r * classes + c] = total == 0 ? 0f : (float)confusion[r * classes + c] / total;
            }
        }

        return TileImage.RenderFilters(rates, 1, classes, classes);
    }

    /// <summary>The given samples of <paramref name="data"/> (at most <see cref="MaxMisclassified"/>), ten per row, or null for none.</summary>
    public static byte[]? Samples(Matrix data, IReadOnlyList<int> indices, TensorShape shape)
    {
        int count = Math.Min(indices.Count, MaxMisclassified);
        if (count == 0)
        {
            return null;
        }

        int plane = shape.Height * shape.Width;
        float[] tiles = new float[count * plane];
        for (int i = 0; i < count; i++)
        {
            // First channel of each sample.
            data.Row(indices[i])[..plane].CopyTo(tiles.AsSpan(i * plane, plane));
        }

        return TileImage.RenderFilters(tiles, count, shape.Width, shape.Height, columns: 10);
    }
}
