using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepNet.Numerics;

/// <summary>
/// Batched 2-D convolution (cross-correlation, the lecture's A_ij = Σ_kl W_kl·X_{i+k, j+l}) with several input channels,
/// stride and zero padding, as im2col + GEMM (one per sample, written straight into NCHW). Tensors are NCHW row-major float32:
/// element (n, c, y, x) of an N×C×H×W tensor is at ((n·C + c)·H + y)·W + x.
/// Filters are F×(C·kh·kw): row f holds filter f's taps in (c, k, l) order.
/// </summary>
public static class ConvolutionKernels
{
    /// <summary>Output height and width: ⌊(H + 2·padding − kh) / stride⌋ + 1 and the same for the width.</summary>
    public static (int Height, int Width) OutputSize(int height, int width, int kh, int kw, int stride, int padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kh);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kw);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (kh > height + 2 * padding || kw > width + 2 * padding)
        {
            throw new ArgumentException($"A {kh}×{kw} kernel does not fit in a {height}×{width} input with padding {padding}.");
        }

        return ((height + 2 * padding - kh) / stride + 1, (width + 2 * padding - kw) / stride + 1);
    }

    /// <summary>
    /// Unfolds sample <paramref name="sample"/>'s windows into its block of a batch-wide column matrix:
    /// columns[(c·kh + k)·kw + l, sample·P + i·outWidth + j] = X[c, i·stride + k − padding, j·stride + l − padding]
    /// (0 outside the image), P = outHeight·outWidth, the matrix (C·kh·kw) × <paramref name="ldColumns"/>.
    /// </summary>
    /// <param name="image">One sample, C×H×W.</param>
    /// <param name="columns">(C·kh·kw) × ldColumns, row-major, ldColumns ≥ (sample + 1)·P.</param>
    public static void Im2Col(
        ReadOnlySpan<float> image, int channels, int height, int width, int kh, int kw, int stride, int padding,
        Span<float> columns, int ldColumns, int sample)
    {
        (int oh, int ow) = OutputSize(height, width, kh, kw, stride, padding);
        int outputs = oh * ow;
        CheckColumns(image.Length, channels, height, width, kh, kw, columns.Length, ldColumns, sample, outputs, nameof(image));
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * height * width, height * width);
            for (int k = 0; k < kh; k++)
            {
                for (int l = 0; l < kw; l++)
                {
                    Span<float> row = columns.Slice(((c * kh + k) * kw + l) * ldColumns + sample * outputs, outputs);
                    for (int i = 0; i < oh; i++)
                    {
                        int y = i * stride + k - padding;
                        Span<float> target = row.Slice(i * ow, ow);
                        if ((uint)y >= (uint)height)
                        {
                            target.Clear();
                            continue;
                        }

                        ReadOnlySpan<float> source = plane.Slice(y * width, width);
                        if (stride == 1)
                        {
                            // x = j + l − padding: copy the in-range run, zero the padded ends.
                            int jStart = Math.Min(ow, Math.Max(0, padding - l));
                            int jEnd = Math.Max(jStart, Math.Min(ow, width + padding - l));
                            if (jStart > 0)
                            {
                                target[..jStart].Clear();
                            }

                            CopyRun(source.Slice(jStart + l - padding, jEnd - jStart), target[jStart..jEnd]);
                            if (jEnd < ow)
                            {
                                target[jEnd..].Clear();
                            }
                        }
                        else
                        {
                            for (int j = 0; j < ow; j++)
                            {
                                int x = j * stride + l - padding;
                                target[j] = (uint)x < (uint)width ? source[x] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Im2Col"/>: adds every column entry back onto the pixel it came from,
    /// image[c, y, x] += Σ columns[(c·kh + k)·kw + l, sample·P + i·outWidth + j] over the windows covering (y, x).
    /// <paramref name="image"/> is accumulated into, not overwritten.
    /// </summary>
    /// <param name="columns">(C·kh·kw) × ldColumns, row-major.</param>
    /// <param name="image">One sample, C×H×W.</param>
    public static void Col2Im(
        ReadOnlySpan<float> columns, int ldColumns, int sample, int channels, int height, int width, int kh, int kw, int stride, int padding,
        Span<float> image)
    {
        (int oh, int ow) = OutputSize(height, width, kh, kw, stride, padding);
        int outputs = oh * ow;
        CheckColumns(image.Length, channels, height, width, kh, kw, columns.Length, ldColumns, sample, outputs, nameof(image));
        for (int c = 0; c < channels; c++)
        {
            Span<float> plane = image.Slice(c * height * width, height * width);
            for (int k = 0; k < kh; k++)
            {
                for (int l = 0; l < kw; l++)
                {
                    ReadOnlySpan<float> row = columns.Slice(((c * kh + k) * kw + l) * ldColumns + sample * outputs, outputs);
                    for (int i = 0; i < oh; i++)
                    {
                        int y = i * stride + k - padding;
                        if ((uint)y >= (uint)height)
                        {
                            continue;
                        }

                        Span<float> target = plane.Slice(y * width, width);
                        ReadOnlySpan<float> source = row.Slice(i * ow, ow);
                        if (stride == 1)
                        {
                            int jStart = Math.Min(ow, Math.Max(0, padding - l));
                            int jEnd = Math.Max(jStart, Math.Min(ow, width + padding - l));
                            AddRun(source[jStart..jEnd], target.Slice(jStart + l - padding, jEnd - jStart));
                            continue;
                        }

                        for (int j = 0; j < ow; j++)
                        {
                            int x = j * stride + l - padding;
                            if ((uint)x < (uint)width)
                            {
                                target[x] += source[j];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// output[n, f, i, j] = bias[f] + Σ_{c,k,l} filters[f, c, k, l]·X[n, c, i·stride + k − padding, j·stride + l − padding].
    /// </summary>
    /// <param name="input">N×C×H×W.</param>
    /// <param name="filters">F×(C·kh·kw).</param>
    /// <param name="bias">F values.</param>
    /// <param name="output">N×F×outHeight×outWidth.</param>
    /// <param name="columns">Workspace of at least (C·kh·kw)·N·P values (P = outHeight·outWidth); holds the batch's im2col on return, which <see cref="Backward"/> reuses.</param>
    public static void Forward(
        ReadOnlySpan<float> input, int batch, int channels, int height, int width,
        ReadOnlySpan<float> filters, ReadOnlySpan<float> bias, int filterCount, int kh, int kw, int stride, int padding,
        Span<float> output, Span<float> columns)
    {
        (int oh, int ow) = OutputSize(height, width, kh, kw, stride, padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filterCount);
        int taps = channels * kh * kw;
        int outputs = oh * ow;
        int sampleSize = channels * height * width;
        int total = batch * outputs;
        CheckLength(input.Length, (long)batch * sampleSize, nameof(input));
        CheckLength(filters.Length, (long)filterCount * taps, nameof(filters));
        CheckLength(bias.Length, filterCount, nameof(bias));
        CheckLength(output.Length, (long)batch * filterCount * outputs, nameof(output));
        CheckAtLeast(columns.Length, (long)taps * total, nameof(columns));

        for (int n = 0; n < batch; n++)
        {
            Im2Col(input.Slice(n * sampleSize, sampleSize), channels, height, width, kh, kw, stride, padding, columns[..(taps * total)], total, n);
        }

        // Per sample, output_n[F × P] = filters[F × K] · columns_n[K × P]: the product lands in NCHW order directly,
        // and each sample's columns block is small enough to stay in cache between im2col and the GEMM.
        for (int n = 0; n < batch; n++)
        {
            Span<float> target = output.Slice(n * filterCount * outputs, filterCount * outputs);
            Gemm.Multiply(Transpose.No, Transpose.No, filterCount, outputs, taps, 1f, filters, taps, columns[(n * outputs)..], total, 0f, target, outputs);
            for (int f = 0; f < filterCount; f++)
            {
                Span<float> map = target.Slice(f * outputs, outputs);
                System.Numerics.Tensors.TensorPrimitives.Add(map, bias[f], map);
            }
        }
    }

    /// <summary>
    /// Gradients of <see cref="Forward"/>: filterGradient[F×K] = Σ_n dY_n·columns_nᵀ, biasGradient[f] = Σ dY[·, f, ·, ·]
    /// (both overwritten), and, when <paramref name="inputGradient"/> is not empty, dX = col2im(filtersᵀ·dY) (overwritten).
    /// </summary>
    /// <param name="outputGradient">N×F×outHeight×outWidth.</param>
    /// <param name="columns">The im2col that <see cref="Forward"/> left for this batch, K × N·P.</param>
    /// <param name="columnGradient">Workspace of at least K·P values (unused when no input gradient is asked for).</param>
    /// <param name="inputGradient">N×C×H×W, or empty to skip it (the first layer).</param>
    public static void Backward(
        ReadOnlySpan<float> outputGradient, int batch, int channels, int height, int width,
        ReadOnlySpan<float> filters, int filterCount, int kh, int kw, int stride, int padding,
        ReadOnlySpan<float> columns, Span<float> columnGradient,
        Span<float> filterGradient, Span<float> biasGradient, Span<float> inputGradient)
    {
        (int oh, int ow) = OutputSize(height, width, kh, kw, stride, padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        int taps = channels * kh * kw;
        int outputs = oh * ow;
        int total = batch * outputs;
        int sampleSize = channels * height * width;
        CheckLength(outputGradient.Length, (long)batch * filterCount * outputs, nameof(outputGradient));
        CheckLength(filters.Length, (long)filterCount * taps, nameof(filters));
        CheckAtLeast(columns.Length, (long)taps * total, nameof(columns));
        CheckLength(filterGradient.Length, (long)filterCount * taps, nameof(filterGradient));
        CheckLength(biasGradient.Length, filterCount, nameof(biasGradient));

        bool wantInput = !inputGradient.IsEmpty;
        if (wantInput)
        {
            CheckLength(inputGradient.Length, (long)batch * sampleSize, nameof(inputGradient));
            CheckAtLeast(columnGradient.Length, (long)taps * outputs, nameof(columnGradient));
            inputGradient.Clear();
        }

        biasGradient.Clear();
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> dy = outputGradient.Slice(n * filterCount * outputs, filterCount * outputs);
            for (int f = 0; f < filterCount; f++)
            {
                biasGradient[f] += System.Numerics.Tensors.TensorPrimitives.Sum(dy.Slice(f * outputs, outputs));
            }

            // dW[F × K] (+)= dY_n[F × P] · columns_n[K × P]ᵀ
            Gemm.Multiply(Transpose.No, Transpose.Yes, filterCount, taps, outputs, 1f, dy, outputs, columns[(n * outputs)..], total, n == 0 ? 0f : 1f, filterGradient, taps);
            if (wantInput)
            {
                // dColumns_n[K × P] = filters[F × K]ᵀ · dY_n[F × P], then folded back onto the sample's pixels.
                Span<float> dColumns = columnGradient[..(taps * outputs)];
                Gemm.Multiply(Transpose.Yes, Transpose.No, taps, outputs, filterCount, 1f, filters, taps, dy, outputs, 0f, dColumns, outputs);
                Col2Im(dColumns, outputs, 0, channels, height, width, kh, kw, stride, padding, inputGradient.Slice(n * sampleSize, sampleSize));
            }
        }
    }

    // Runs here are short (a feature-map row, 10–28 values): a vector loop with an overlapping last vector beats a
    // general-purpose copy call. Source and destination never overlap.
    private static void CopyRun(ReadOnlySpan<float> source, Span<float> destination)
    {
        int length = source.Length;
        ref float s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination[..length]);
        if (length >= Vector512<float>.Count && Simd.Width >= SimdWidth.Bits512)
        {
            int last = length - Vector512<float>.Count;
            for (int j = 0; j < last; j += Vector512<float>.Count)
            {
                Vector512.LoadUnsafe(ref s, (nuint)j).StoreUnsafe(ref d, (nuint)j);
            }

            Vector512.LoadUnsafe(ref s, (nuint)last).StoreUnsafe(ref d, (nuint)last);
        }
        else if (length >= Vector256<float>.Count && Simd.Width >= SimdWidth.Bits256)
        {
            int last = length - Vector256<float>.Count;
            for (int j = 0; j < last; j += Vector256<float>.Count)
            {
                Vector256.LoadUnsafe(ref s, (nuint)j).StoreUnsafe(ref d, (nuint)j);
            }

            Vector256.LoadUnsafe(ref s, (nuint)last).StoreUnsafe(ref d, (nuint)last);
        }
        else
        {
            source.CopyTo(destination);
        }
    }

    private static void AddRun(ReadOnlySpan<float> source, Span<float> destination)
    {
        int length = source.Length;
        destination = destination[..length];
        ref float s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int j = 0;
        if (Simd.Width >= SimdWidth.Bits512)
        {
            for (; j <= length - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                (Vector512.LoadUnsafe(ref d, (nuint)j) + Vector512.LoadUnsafe(ref s, (nuint)j)).StoreUnsafe(ref d, (nuint)j);
            }
        }

        if (Simd.Width >= SimdWidth.Bits256)
        {
            for (; j <= length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref d, (nuint)j) + Vector256.LoadUnsafe(ref s, (nuint)j)).StoreUnsafe(ref d, (nuint)j);
            }
        }

        for (; j < length; j++)
        {
            destination[j] += source[j];
        }
    }

    private static void CheckColumns(
        int imageLength, int channels, int height, int width, int kh, int kw, int columnsLength, int ldColumns, int sample, int outputs, string imageName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        CheckLength(imageLength, (long)channels * height * width, imageName);
        if ((long)(sample + 1) * outputs > ldColumns)
        {
            throw new ArgumentException($"Sample {sample}'s {outputs} columns do not fit in a row of {ldColumns}.", nameof(ldColumns));
        }

        CheckAtLeast(columnsLength, (long)channels * kh * kw * ldColumns, "columns");
    }

    private static void CheckLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
        }
    }

    private static void CheckAtLeast(int actual, long expected, string name)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"Expected at least {expected} values, got {actual}.", name);
        }
    }
}
