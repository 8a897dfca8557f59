namespace DeepNet.Data;

/// <summary>
/// Resizes 8-bit grey images by area averaging: each output pixel is the mean of the source area it covers,
/// fractional source pixels weighted by their overlap. Separable (rows, then columns). Output is grey/255 in [0,1].
/// </summary>
internal sealed class AreaResampler
{
    private readonly int _sourceWidth;
    private readonly int _sourceHeight;
    private readonly int _targetWidth;
    private readonly int _targetHeight;
    private readonly ImageResizer.Tap[][] _horizontal;
    private readonly ImageResizer.Tap[][] _vertical;
    private readonly float[] _rows;

    public AreaResampler(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetHeight);
        _sourceWidth = sourceWidth;
        _sourceHeight = sourceHeight;
        _targetWidth = targetWidth;
        _targetHeight = targetHeight;
        // The same taps as GrayImage.Resize: area averaging when shrinking.
        _horizontal = ImageResizer.Taps(sourceWidth, targetWidth);
        _vertical = ImageResizer.Taps(sourceHeight, targetHeight);
        _rows = new float[sourceHeight * targetWidth];
    }

    /// <param name="source">sourceHeight × sourceWidth grey levels 0..255, row-major.</param>
    /// <param name="target">targetHeight × targetWidth values in [0,1], row-major.</param>
    public void Resample(ReadOnlySpan<byte> source, Span<float> target)
    {
        if (source.Length != _sourceWidth * _sourceHeight)
        {
            throw new ArgumentException($"Expected {_sourceWidth}×{_sourceHeight} source pixels, got {source.Length}.", nameof(source));
        }

        if (target.Length != _targetWidth * _targetHeight)
        {
            throw new ArgumentException($"Expected {_targetWidth}×{_targetHeight} target values, got {target.Length}.", nameof(target));
        }

        for (int y = 0; y < _sourceHeight; y++)
        {
            ReadOnlySpan<byte> line = source.Slice(y * _sourceWidth, _sourceWidth);
            for (int x = 0; x < _targetWidth; x++)
            {
                float sum = 0f;
                foreach (ImageResizer.Tap tap in _horizontal[x])
                {
                    sum += tap.Weight * line[tap.Index];
                }

                _rows[y * _targetWidth + x] = sum;
            }
        }

        for (int y = 0; y < _targetHeight; y++)
        {
            for (int x = 0; x < _targetWidth; x++)
            {
                float sum = 0f;
                foreach (ImageResizer.Tap tap in _vertical[y])
                {
                    sum += tap.Weight * _rows[tap.Index * _targetWidth + x];
                }

                // Weights sum to 1 only up to rounding; keep the documented [0,1] range exact.
                target[y * _targetWidth + x] = Math.Clamp(sum / 255f, 0f, 1f);
            }
        }
    }
}
