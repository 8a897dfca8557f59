using DeepNet.Data;

namespace DeepNet.Server.RbmFamily;

/// <summary>
/// Lays out evaluation images (several images per picture) on one grey canvas and encodes it through
/// <see cref="TileImage"/>, the one PNG renderer. Values are clamped to [0, 1]; the canvas has a black frame and
/// white gaps, so the renderer's per-tile normalization (min → black, max → white) keeps every grey level as it is.
/// </summary>
public static class EvaluationImages
{
    private const float Gap = 1f;
    private const float Frame = 0f;

    /// <summary>
    /// For each class a pair of rows: the originals above their reconstructions.
    /// </summary>
    /// <param name="rows">Per class: originals and reconstructions, each count × (width·height) row-major values in [0, 1].</param>
    /// <param name="columns">Images per row; classes with fewer images leave the rest black.</param>
    public static byte[] RenderPairRows(IReadOnlyList<(float[] Originals, float[] Reconstructions, int Count)> rows, int width, int height, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        const int gap = 1;
        const int pairGap = 3;
        int canvasWidth = 2 + columns * width + (columns - 1) * gap;
        int canvasHeight = 2 + rows.Count * 2 * height + rows.Count * gap + (rows.Count - 1) * pairGap;
        var canvas = NewCanvas(canvasWidth, canvasHeight);
        int top = 1;
        foreach (var (originals, reconstructions, count) in rows)
        {
            for (int i = 0; i < columns; i++)
            {
                int left = 1 + i * (width + gap);
                if (i < count)
                {
                    Draw(canvas, canvasWidth, left, top, originals.AsSpan(i * width * height, width * height), width, height);
                    Draw(canvas, canvasWidth, left, top + height + gap, reconstructions.AsSpan(i * width * height, width * height), width, height);
                }
                else
                {
                    Fill(canvas, canvasWidth, left, top, width, 2 * height + gap, 0f);
                }
            }

            top += 2 * height + gap + pairGap;
        }

        return TileImage.RenderFilters(canvas, 1, canvasWidth, canvasHeight);
    }

    /// <summary>Images side by side, top-aligned, in the given order.</summary>
    public static byte[] RenderSideBySide(IReadOnlyList<GrayImage> images)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(images.Count);
        const int gap = 4;
        int canvasWidth = 2 + images.Sum(i => i.Width) + (images.Count - 1) * gap;
        int canvasHeight = 2 + images.Max(i => i.Height);
        var canvas = NewCanvas(canvasWidth, canvasHeight);
        int left = 1;
        foreach (var image in images)
        {
            Fill(canvas, canvasWidth, left, 1, image.Width, canvasHeight - 2, 0f);
            Draw(canvas, canvasWidth, left, 1, image.Pixels, image.Width, image.Height);
            left += image.Width + gap;
        }

        return TileImage.RenderFilters(canvas, 1, canvasWidth, canvasHeight);
    }

    private static float[] NewCanvas(int width, int height)
    {
        var canvas = new float[width * height];
        canvas.AsSpan().Fill(Gap);
        Fill(canvas, width, 0, 0, width, 1, Frame);
        Fill(canvas, width, 0, height - 1, width, 1, Frame);
        Fill(canvas, width, 0, 0, 1, height, Frame);
        Fill(canvas, width, width - 1, 0, 1, height, Frame);
        return canvas;
    }

    private static void Draw(float[] canvas, int canvasWidth, int left, int top, ReadOnlySpan<float> image, int width, int height)
    {
        for (int y = 0; y < height; y++)
        {
            Span<float> row = canvas.AsSpan((top + y) * canvasWidth + left, width);
            for (int x = 0; x < width; x++)
            {
                float v = image[y * width + x];
                row[x] = float.IsNaN(v) ? 0f : Math.Clamp(v, 0f, 1f);
            }
        }
    }

    private static void Fill(float[] canvas, int canvasWidth, int left, int top, int width, int height, float value)
    {
        for (int y = 0; y < height; y++)
        {
            canvas.AsSpan((top + y) * canvasWidth + left, width).Fill(value);
        }
    }
}
