using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Numerics;

/// <summary>
/// Max and average pooling over square windows with a stride, on planes stored one after another
/// (an N×C×H×W tensor is N·C planes of H×W, row-major). No padding: the output is
/// ⌊(H − window) / stride⌋ + 1 high and the same for the width (4×4 stride 4 takes 200×200 to 50×50).
/// </summary>
public static class Pooling
{
    /// <summary>Output height and width of a pooling: ⌊(H − window) / stride⌋ + 1, ⌊(W − window) / stride⌋ + 1.</summary>
    public static (int Height, int Width) OutputSize(int height, int width, int window, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        if (window > height || window > width)
        {
            throw new ArgumentException($"A {window}×{window} pooling window does not fit in a {height}×{width} input.");
        }

        return ((height - window) / stride + 1, (width - window) / stride + 1);
    }

    /// <summary>
    /// output[p, i, j] = max over the window at (i·stride, j·stride) of input[p]; argmax[p, i, j] is the index within
    /// plane p (y·W + x) of the first maximum, for <see cref="MaxBackward"/>.
    /// </summary>
    /// <param name="input">planes × H × W.</param>
    /// <param name="output">planes × outHeight × outWidth.</param>
    /// <param name="argmax">planes × outHeight × outWidth.</param>
    public static void MaxForward(ReadOnlySpan<float> input, int planes, int height, int width, int window, int stride, Span<float> output, Span<int> argmax)
    {
        (int oh, int ow) = OutputSize(height, width, window, stride);
        Check(input.Length, output.Length, planes, height, width, oh, ow);
        CheckLength(argmax.Length, (long)planes * oh * ow, nameof(argmax));
        int planeSize = height * width;
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(output);
        ref int indices = ref MemoryMarshal.GetReference(argmax);
        // Every index below stays inside the spans checked above: windows fit the plane by OutputSize's construction.
        if (window == 2 && stride == 2)
        {
            MaxForward2x2(ref source, ref target, ref indices, planes, width, oh, ow, planeSize);
            return;
        }

        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref source, p * planeSize);
            int outBase = p * oh * ow;
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    int top = i * stride * width + j * stride;
                    float best = Unsafe.Add(ref plane, top);
                    int bestIndex = top;
                    for (int k = 0; k < window; k++)
                    {
                        int rowStart = top + k * width;
                        for (int l = 0; l < window; l++)
                        {
                            float v = Unsafe.Add(ref plane, rowStart + l);
                            if (v > best)
                            {
                                best = v;
                                bestIndex = rowStart + l;
                            }
                        }
                    }

                    Unsafe.Add(ref target, outBase + i * ow + j) = best;
                    Unsafe.Add(ref indices, outBase + i * ow + j) = bestIndex;
                }
            }
        }
    }

    // The 2×2 stride-2 window of LeNet-style nets, without branches: a data-dependent branch per comparison mispredicts
    // about half the time on real feature maps. Ties keep the first maximum in (k, l) order, as the general loop does:
    // max(a, b) keeps a on a tie, max(c, d) keeps c, and the top pair wins a tie against the bottom pair.
    private static void MaxForward2x2(ref float source, ref float target, ref int indices, int planes, int width, int oh, int ow, int planeSize)
    {
        int outputs = oh * ow;
        for (int p = 0; p < planes; p++)
        {
            ref float plane = ref Unsafe.Add(ref source, p * planeSize);
            ref float outPlane = ref Unsafe.Add(ref target, p * outputs);
            ref int outIndices = ref Unsafe.Add(ref indices, p * outputs);
            for (int i = 0; i < oh; i++)
            {
                int rowTop = 2 * i * width;
                ref float top = ref Unsafe.Add(ref plane, rowTop);
                ref float bottom = ref Unsafe.Add(ref top, width);
                for (int j = 0; j < ow; j++)
                {
                    float a = Unsafe.Add(ref top, 2 * j), b = Unsafe.Add(ref top, 2 * j + 1);
                    float c = Unsafe.Add(ref bottom, 2 * j), d = Unsafe.Add(ref bottom, 2 * j + 1);
                    int upperRight = b > a ? 1 : 0;
                    int lowerRight = d > c ? 1 : 0;
                    float upper = Select(upperRight, b, a);
                    float lower = Select(lowerRight, d, c);
                    int takeLower = lower > upper ? 1 : 0;
                    int upperIndex = rowTop + 2 * j + upperRight;
                    int lowerIndex = rowTop + width + 2 * j + lowerRight;
                    Unsafe.Add(ref outPlane, i * ow + j) = Select(takeLower, lower, upper);
                    Unsafe.Add(ref outIndices, i * ow + j) = upperIndex + takeLower * (lowerIndex - upperIndex);
                }
            }
        }
    }

    // condition (0 or 1) ? whenOne : whenZero through the bits: the JIT turns a float ?: into a branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Select(int condition, float whenOne, float whenZero)
    {
        int mask = -condition;
        return BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(whenOne) & mask) | (BitConverter.SingleToInt32Bits(whenZero) & ~mask));
    }

    /// <summary>inputGradient (overwritten) gets each output gradient added at the input position that was the window's maximum.</summary>
    /// <param name="outputGradient">planes × outHeight × outWidth.</param>
    /// <param name="argmax">As filled by <see cref="MaxForward"/>.</param>
    /// <param name="inputGradient">planes × H × W.</param>
    public static void MaxBackward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<int> argmax, int planes, int height, int width, int window, int stride, Span<float> inputGradient)
    {
        (int oh, int ow) = OutputSize(height, width, window, stride);
        Check(inputGradient.Length, outputGradient.Length, planes, height, width, oh, ow);
        CheckLength(argmax.Length, (long)planes * oh * ow, nameof(argmax));
        inputGradient.Clear();
        int planeSize = height * width;
        int outputs = oh * ow;
        for (int p = 0; p < planes; p++)
        {
            Span<float> plane = inputGradient.Slice(p * planeSize, planeSize);
            for (int o = 0; o < outputs; o++)
            {
                plane[argmax[p * outputs + o]] += outputGradient[p * outputs + o];
            }
        }
    }

    /// <summary>output[p, i, j] = mean of input[p] over the window at (i·stride, j·stride).</summary>
    /// <param name="input">planes × H × W.</param>
    /// <param name="output">planes × outHeight × outWidth.</param>
    public static void AverageForward(ReadOnlySpan<float> input, int planes, int height, int width, int window, int stride, Span<float> output)
    {
        (int oh, int ow) = OutputSize(height, width, window, stride);
        Check(input.Length, output.Length, planes, height, width, oh, ow);
        int planeSize = height * width;
        float scale = 1f / (window * window);
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<float> plane = input.Slice(p * planeSize, planeSize);
            int outBase = p * oh * ow;
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    int top = i * stride * width + j * stride;
                    float sum = 0;
                    for (int k = 0; k < window; k++)
                    {
                        ReadOnlySpan<float> row = plane.Slice(top + k * width, window);
                        for (int l = 0; l < window; l++)
                        {
                            sum += row[l];
                        }
                    }

                    output[outBase + i * ow + j] = sum * scale;
                }
            }
        }
    }

    /// <summary>inputGradient (overwritten) gets each output gradient spread evenly, 1/window², over its window.</summary>
    /// <param name="outputGradient">planes × outHeight × outWidth.</param>
    /// <param name="inputGradient">planes × H × W.</param>
    public static void AverageBackward(ReadOnlySpan<float> outputGradient, int planes, int height, int width, int window, int stride, Span<float> inputGradient)
    {
        (int oh, int ow) = OutputSize(height, width, window, stride);
        Check(inputGradient.Length, outputGradient.Length, planes, height, width, oh, ow);
        inputGradient.Clear();
        int planeSize = height * width;
        float scale = 1f / (window * window);
        for (int p = 0; p < planes; p++)
        {
            Span<float> plane = inputGradient.Slice(p * planeSize, planeSize);
            int outBase = p * oh * ow;
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    float g = outputGradient[outBase + i * ow + j] * scale;
                    int top = i * stride * width + j * stride;
                    for (int k = 0; k < window; k++)
                    {
                        Span<float> row = plane.Slice(top + k * width, window);
                        for (int l = 0; l < window; l++)
                        {
                            row[l] += g;
                        }
                    }
                }
            }
        }
    }

    private static void Check(int inputLength, int outputLength, int planes, int height, int width, int oh, int ow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(planes);
        CheckLength(inputLength, (long)planes * height * width, "input");
        CheckLength(outputLength, (long)planes * oh * ow, "output");
    }

    private static void CheckLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
        }
    }
}
