using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace DeepNet.Data;

/// <summary>
/// Renders grids of small grey images (RBM filters, digits and their reconstructions) to 8-bit greyscale PNG.
/// Tiles are separated by 1-pixel white lines and scaled up by an integer nearest-neighbour factor
/// when the grid would otherwise be narrower than <see cref="MinimumWidth"/> pixels.
/// </summary>
public static class TileImage
{
    /// <summary>Grids narrower than this are scaled up by the smallest integer factor that reaches it (at most <see cref="MaxScale"/>).</summary>
    public const int MinimumWidth = 200;

    public const int MaxScale = 8;

    /// <summary>Neither side of a rendered image may exceed this many pixels.</summary>
    public const int MaxSide = 8192;

    /// <summary>Grey level of the 1-pixel lines between tiles.</summary>
    public const byte SeparatorGrey = 255;

    /// <summary>Grey level of a tile whose values are all equal (nothing to normalize).</summary>
    public const byte ConstantTileGrey = 128;

    private static readonly PngEncoder _encoder = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit8,
    };

    /// <summary>
    /// Renders <paramref name="tileCount"/> tiles, each normalized to its own range (min → black, max → white),
    /// left to right, top to bottom.
    /// </summary>
    /// <param name="tiles">tileCount × (tileHeight·tileWidth) floats: tile i is row i of e.g. an RBM weight matrix [hidden × visible], each tile row-major.</param>
    /// <param name="columns">Tiles per grid row; 0 = ceil(sqrt(tileCount)) (7 for 49 filters). Values above tileCount are reduced to tileCount.</param>
    /// <returns>The PNG file bytes.</returns>
    public static byte[] RenderFilters(ReadOnlySpan<float> tiles, int tileCount, int tileWidth, int tileHeight, int columns = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        long expected = (long)tileCount * tileWidth * tileHeight;
        if (tiles.Length != expected)
        {
            throw new ArgumentException(
                $"Expected {tileCount} tiles of {tileWidth}×{tileHeight} = {expected} values, got {tiles.Length}.", nameof(tiles));
        }

        if (columns == 0)
        {
            columns = (int)Math.Ceiling(Math.Sqrt(tileCount));
        }

        columns = Math.Min(columns, tileCount);
        int rows = (tileCount + columns - 1) / columns;
        var grid = new Grid(columns, rows, tileWidth, tileHeight);
        int tileSize = tileWidth * tileHeight;
        var grey = new byte[tileSize];
        for (int t = 0; t < tileCount; t++)
        {
            Normalize(tiles.Slice(t * tileSize, tileSize), grey);
            grid.Draw(t % columns, t / columns, grey);
        }

        return grid.EncodePng();
    }

    /// <summary>
    /// Renders <paramref name="count"/> originals in a top row with their reconstructions directly below;
    /// values are grey levels in [0,1] (clamped; NaN is drawn black).
    /// </summary>
    /// <param name="top">count × (height·width) originals, each row-major.</param>
    /// <param name="bottom">count × (height·width) reconstructions, same layout as <paramref name="top"/>.</param>
    /// <returns>The PNG file bytes.</returns>
    public static byte[] RenderRows(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, int count, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        long expected = (long)count * width * height;
        if (top.Length != expected)
        {
            throw new ArgumentException(
                $"Expected {count} images of {width}×{height} = {expected} values, got {top.Length}.", nameof(top));
        }

        if (bottom.Length != expected)
        {
            throw new ArgumentException(
                $"Expected {count} images of {width}×{height} = {expected} values, got {bottom.Length}.", nameof(bottom));
        }

        var grid = new Grid(count, 2, width, height);
        int tileSize = width * height;
        var grey = new byte[tileSize];
        for (int i = 0; i < count; i++)
        {
            ToGrey(top.Slice(i * tileSize, tileSize), grey);
            grid.Draw(i, 0, grey);
            ToGrey(bottom.Slice(i * tileSize, tileSize), grey);
            grid.Draw(i, 1, grey);
        }

        return grid.EncodePng();
    }

    private static void Normalize(ReadOnlySpan<float> values, Span<byte> grey)
    {
        float min = float.PositiveInfinity;
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        double range = (double)max - min;
        if (!(range > 0) || !double.IsFinite(range))
        {
            grey.Fill(ConstantTileGrey);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            grey[i] = float.IsNaN(v) ? ConstantTileGrey : ToByte((v - min) / range);
        }
    }

    private static void ToGrey(ReadOnlySpan<float> values, Span<byte> grey)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            grey[i] = float.IsNaN(v) ? (byte)0 : ToByte(v);
        }
    }

    private static byte ToByte(double unit) => (byte)Math.Round(Math.Clamp(unit, 0.0, 1.0) * 255.0);

    /// <summary>A greyscale canvas of columns × rows tiles with 1-pixel separators, each tile scaled by an integer factor.</summary>
    private sealed class Grid
    {
        private readonly int _tileWidth;
        private readonly int _tileHeight;
        private readonly int _scale;
        private readonly int _width;
        private readonly int _height;
        private readonly byte[] _pixels;

        public Grid(int columns, int rows, int tileWidth, int tileHeight)
        {
            long baseWidth = (long)columns * tileWidth + (columns - 1);
            int scale = 1;
            while (scale < MaxScale && ((long)columns * tileWidth * scale) + (columns - 1) < MinimumWidth)
            {
                scale++;
            }

            long width = ((long)columns * tileWidth * scale) + (columns - 1);
            long height = ((long)rows * tileHeight * scale) + (rows - 1);
            if (baseWidth > MaxSide || width > MaxSide || height > MaxSide)
            {
                throw new ArgumentException(
                    $"A grid of {columns}×{rows} tiles of {tileWidth}×{tileHeight} would be {width}×{height} pixels; at most {MaxSide}×{MaxSide} is allowed.");
            }

            _tileWidth = tileWidth;
            _tileHeight = tileHeight;
            _scale = scale;
            _width = (int)width;
            _height = (int)height;
            _pixels = new byte[_width * _height];
            Array.Fill(_pixels, SeparatorGrey);
        }

        public void Draw(int column, int row, ReadOnlySpan<byte> tile)
        {
            int left = column * (_tileWidth * _scale + 1);
            int topEdge = row * (_tileHeight * _scale + 1);
            for (int y = 0; y < _tileHeight * _scale; y++)
            {
                ReadOnlySpan<byte> source = tile.Slice(y / _scale * _tileWidth, _tileWidth);
                Span<byte> target = _pixels.AsSpan((topEdge + y) * _width + left, _tileWidth * _scale);
                for (int x = 0; x < target.Length; x++)
                {
                    target[x] = source[x / _scale];
                }
            }
        }

        public byte[] EncodePng()
        {
            using Image<L8> image = Image.LoadPixelData<L8>(_pixels, _width, _height);
            using var stream = new MemoryStream();
            image.SaveAsPng(stream, _encoder);
            return stream.ToArray();
        }
    }
}
