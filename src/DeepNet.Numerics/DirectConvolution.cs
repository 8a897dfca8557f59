using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepNet.Numerics;

/// <summary>
/// Stride-1 batched convolution (cross-correlation with zero padding, as <see cref="ConvolutionKernels"/>) computed directly
/// with Vector512 or Vector256 FMA, for the small filters and few channels of LeNet-style nets, where a per-sample GEMM is too small to
/// run fast. Same tensors as <see cref="ConvolutionKernels"/>: NCHW row-major, filters F×(C·kh·kw) in (c, k, l) order.
/// </summary>
/// <remarks>
/// Each sample is copied into a zero-padded C×Hp×Wp image (Hp = H + 2·padding, Wp = W + 2·padding) and every output row is
/// computed Wp wide: with q = i·Wp + j, output[f, q] = Σ_t filters[f, t]·image[offset(t) + q], offset(c, k, l) = c·Hp·Wp + k·Wp + l,
/// so each tap is one contiguous run of the padded image and no im2col is built. The kw − 1 extra columns of a row (j ≥ outWidth)
/// are computed and dropped; in backward the output gradient gets zeros there, so they contribute nothing.
/// An instance owns its workspaces (allocated once, for up to maxBatch samples); it is not thread-safe.
/// </remarks>
public sealed class DirectConvolution
{
    private const int Lanes = 8;
    private const int ColumnBlock = 6 * Lanes; // columns per register tile of the correlation kernel
    private const int TapBlock = 5;            // taps per register tile of the weight-gradient kernel

    private readonly int _channels, _height, _width, _filters, _padding, _maxBatch;
    private readonly int _paddedWidth, _plane, _sampleSize, _outHeight, _outWidth, _taps;
    private readonly int _columns;    // Q rounded up to ColumnBlock
    private readonly int _filterPairs; // ⌈F / 2⌉
    private readonly int _tapPairs;    // ⌈T / 2⌉
    private readonly int[] _offsets;           // tap t → c·Hp·Wp + k·Wp + l; padded taps (up to a TapBlock multiple) → 0
    private readonly int[] _filterOffsets;     // f → f·columns (rows of the wide output gradient)
    private readonly float[] _images;          // maxBatch padded images + slack; the borders stay zero
    private readonly float[] _packedFilters;   // [pair][t][2]: filters 2p and 2p + 1 (0 beyond F)
    private readonly float[] _packedBias;      // 2·filterPairs
    private readonly float[] _packedTransposed; // [tap pair][f][2]: taps 2p and 2p + 1 of filter f (0 beyond T)
    private readonly Workspace[] _workspaces;  // one per partition
    private bool _wantInputGradient;

    /// <summary>
    /// Samples are split into this many fixed partitions (<see cref="PartitionOf"/>), each with its own workspace and
    /// gradient partial sums, summed in partition order: partitions may run on different threads, and the result never
    /// depends on which thread ran which, or when.
    /// </summary>
    public const int Partitions = 2;

    /// <summary>Whether this machine runs the kernels (AVX2 + FMA) and the geometry is one they handle (stride 1).</summary>
    public static bool IsSupported(int stride) => stride == 1 && Simd.Width >= SimdWidth.Bits256 && Fma.IsSupported;

    /// <summary>
    /// Vector width of the correlation kernel: Bits512 runs 2 rows × 48 columns in 6 zmm registers, Bits256 in 12 ymm;
    /// both sum the taps in the same order with the same fused multiply-adds, so they give the same bits.
    /// </summary>
    internal SimdWidth Width { get; init; } = Simd.Width >= SimdWidth.Bits512 ? SimdWidth.Bits512 : SimdWidth.Bits256;

    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="filters">F.</param>
    /// <param name="kh">Kernel height.</param>
    /// <param name="kw">Kernel width.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="maxBatch">Largest batch passed to <see cref="Forward"/>.</param>
    public DirectConvolution(int channels, int height, int width, int filters, int kh, int kw, int padding, int maxBatch)
    {
        (_outHeight, _outWidth) = ConvolutionKernels.OutputSize(height, width, kh, kw, 1, padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        _channels = channels;
        _height = height;
        _width = width;
        _filters = filters;
        _padding = padding;
        _maxBatch = maxBatch;
        _paddedWidth = width + 2 * padding;
        _plane = checked((height + 2 * padding) * _paddedWidth);
        _sampleSize = checked(channels * _plane);
        _taps = checked(channels * kh * kw);
        int wideOutputs = (_outHeight - 1) * _paddedWidth + _outWidth;
        _columns = checked((wideOutputs + ColumnBlock - 1) / ColumnBlock * ColumnBlock);
        // The last tap's run of a sample ends at sampleSize − 1 + (columns − wideOutputs): that much slack after the last image.
        int slack = _columns - wideOutputs;
        _filterPairs = (filters + 1) / 2;
        _tapPairs = (_taps + 1) / 2;
        int paddedTaps = (_taps + TapBlock - 1) / TapBlock * TapBlock;
        _offsets = new int[paddedTaps];
        for (int c = 0; c < channels; c++)
        {
            for (int k = 0; k < kh; k++)
            {
                for (int l = 0; l < kw; l++)
                {
                    _offsets[(c * kh + k) * kw + l] = c * _plane + k * _paddedWidth + l;
                }
            }
        }

        _filterOffsets = new int[filters];
        for (int f = 0; f < filters; f++)
        {
            _filterOffsets[f] = f * _columns;
        }

        _images = new float[checked(maxBatch * _sampleSize + slack)];
        _packedFilters = new float[2 * _filterPairs * _taps];
        _packedBias = new float[2 * _filterPairs];
        _packedTransposed = new float[2 * _tapPairs * filters];
        _workspaces = new Workspace[Partitions];
        for (int p = 0; p < Partitions; p++)
        {
            _workspaces[p] = new Workspace(
                wide: new float[checked(2 * _filterPairs * _columns)],
                outputGradient: new float[checked(2 * _filterPairs * _columns)],
                tapGradient: new float[checked(2 * _tapPairs * _columns)],
                imageGradient: new float[_sampleSize + slack],
                filterSums: new float[checked(2 * _filterPairs * paddedTaps * Lanes)],
                biasSums: new float[filters]);
        }
    }

    /// <summary>Samples [Start, Start + Count) of a batch that belong to <paramref name="partition"/> (Count may be 0).</summary>
    public static (int Start, int Count) PartitionOf(int batch, int partition)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, Partitions);
        int start = (int)((long)batch * partition / Partitions);
        int end = (int)((long)batch * (partition + 1) / Partitions);
        return (start, end - start);
    }

    /// <summary>
    /// output[n, f, i, j] = bias[f] + Σ_{c,k,l} filters[f, c, k, l]·X[n, c, i + k − padding, j + l − padding] (0 outside X).
    /// Keeps the padded input for <see cref="Backward"/>.
    /// </summary>
    /// <param name="input">batch × C × H × W.</param>
    /// <param name="filters">F × (C·kh·kw).</param>
    /// <param name="bias">F values.</param>
    /// <param name="output">batch × F × outHeight × outWidth.</param>
    public void Forward(ReadOnlySpan<float> input, int batch, ReadOnlySpan<float> filters, ReadOnlySpan<float> bias, Span<float> output)
    {
        BeginForward(batch, filters, bias);
        for (int p = 0; p < Partitions; p++)
        {
            (int first, int count) = PartitionOf(batch, p);
            ForwardSamples(input, batch, first, count, output, p);
        }
    }

    /// <summary>First step of a partitioned <see cref="Forward"/>: takes this batch's filters and bias.</summary>
    public void BeginForward(int batch, ReadOnlySpan<float> filters, ReadOnlySpan<float> bias)
    {
        CheckBatch(batch);
        CheckLength(filters.Length, (long)_filters * _taps, nameof(filters));
        CheckLength(bias.Length, _filters, nameof(bias));
        for (int f = 0; f < _filters; f++)
        {
            for (int t = 0; t < _taps; t++)
            {
                _packedFilters[((f >> 1) * _taps + t) * 2 + (f & 1)] = filters[f * _taps + t];
            }

            _packedBias[f] = bias[f];
        }
    }

    /// <summary>
    /// <see cref="Forward"/> for samples [first, first + count) of the batch with <paramref name="partition"/>'s workspace;
    /// <paramref name="input"/> and <paramref name="output"/> are the whole batch's. Different partitions may run concurrently.
    /// </summary>
    public void ForwardSamples(ReadOnlySpan<float> input, int batch, int first, int count, Span<float> output, int partition)
    {
        int outputs = _outHeight * _outWidth;
        CheckRange(batch, first, count, partition);
        CheckLength(input.Length, (long)batch * _channels * _height * _width, nameof(input));
        CheckLength(output.Length, (long)batch * _filters * outputs, nameof(output));
        CopyIntoPaddedImages(input, first, count);
        float[] wideArray = _workspaces[partition].Wide;
        ref float wide = ref MemoryMarshal.GetArrayDataReference(wideArray);
        for (int n = first; n < first + count; n++)
        {
            Correlate(Width, _packedFilters, _filterPairs, _taps, _offsets, ref _images[n * _sampleSize], _packedBias, ref wide, _columns);
            Span<float> sample = output.Slice(n * _filters * outputs, _filters * outputs);
            for (int f = 0; f < _filters; f++)
            {
                for (int i = 0; i < _outHeight; i++)
                {
                    CopyRun(wideArray.AsSpan(f * _columns + i * _paddedWidth, _outWidth), sample.Slice(f * outputs + i * _outWidth, _outWidth));
                }
            }
        }
    }

    /// <summary>
    /// Gradients of the latest <see cref="Forward"/> (same batch and filters): filterGradient[F×(C·kh·kw)] and biasGradient[F]
    /// (both overwritten), and, when <paramref name="inputGradient"/> is not empty, dX (batch × C × H × W, overwritten).
    /// </summary>
    /// <param name="outputGradient">batch × F × outHeight × outWidth.</param>
    public void Backward(
        ReadOnlySpan<float> outputGradient, int batch, ReadOnlySpan<float> filters,
        Span<float> filterGradient, Span<float> biasGradient, Span<float> inputGradient)
    {
        BeginBackward(batch, filters, !inputGradient.IsEmpty);
        for (int p = 0; p < Partitions; p++)
        {
            (int first, int count) = PartitionOf(batch, p);
            BackwardSamples(outputGradient, batch, first, count, inputGradient, p);
        }

        EndBackward(filterGradient, biasGradient);
    }

    /// <summary>First step of a partitioned <see cref="Backward"/>: takes the filters and clears the partial sums.</summary>
    public void BeginBackward(int batch, ReadOnlySpan<float> filters, bool inputGradient)
    {
        CheckBatch(batch);
        CheckLength(filters.Length, (long)_filters * _taps, nameof(filters));
        _wantInputGradient = inputGradient;
        if (inputGradient)
        {
            for (int f = 0; f < _filters; f++)
            {
                for (int t = 0; t < _taps; t++)
                {
                    _packedTransposed[((t >> 1) * _filters + f) * 2 + (t & 1)] = filters[f * _taps + t];
                }
            }
        }

        foreach (Workspace workspace in _workspaces)
        {
            Array.Clear(workspace.FilterSums);
            Array.Clear(workspace.BiasSums);
        }
    }

    /// <summary>
    /// <see cref="Backward"/> for samples [first, first + count) with <paramref name="partition"/>'s workspace: adds to that
    /// partition's gradient sums and writes those samples' input gradient (when asked for in <see cref="BeginBackward"/>).
    /// The spans are the whole batch's. Different partitions may run concurrently.
    /// </summary>
    public void BackwardSamples(ReadOnlySpan<float> outputGradient, int batch, int first, int count, Span<float> inputGradient, int partition)
    {
        int outputs = _outHeight * _outWidth;
        int imageSize = _channels * _height * _width;
        CheckRange(batch, first, count, partition);
        CheckLength(outputGradient.Length, (long)batch * _filters * outputs, nameof(outputGradient));
        if (_wantInputGradient)
        {
            CheckLength(inputGradient.Length, (long)batch * imageSize, nameof(inputGradient));
        }

        Workspace workspace = _workspaces[partition];
        ref float wideGradient = ref MemoryMarshal.GetArrayDataReference(workspace.OutputGradient);
        ref float tapGradient = ref MemoryMarshal.GetArrayDataReference(workspace.TapGradient);
        for (int n = first; n < first + count; n++)
        {
            ReadOnlySpan<float> dy = outputGradient.Slice(n * _filters * outputs, _filters * outputs);
            for (int f = 0; f < _filters; f++)
            {
                ReadOnlySpan<float> map = dy.Slice(f * outputs, outputs);
                workspace.BiasSums[f] += TensorPrimitives.Sum(map);
                // Only the outputs' positions are written: the extra columns and rows stay 0 from construction.
                for (int i = 0; i < _outHeight; i++)
                {
                    CopyRun(map.Slice(i * _outWidth, _outWidth), workspace.OutputGradient.AsSpan(f * _columns + i * _paddedWidth, _outWidth));
                }
            }

            AccumulateFilterGradient(ref _images[n * _sampleSize], ref wideGradient, workspace.FilterSums);
            if (_wantInputGradient)
            {
                // dTaps[t, q] = Σ_f filters[f, t]·dY[f, q], then each tap's run is added back where Forward read it.
                Correlate(Width, _packedTransposed, _tapPairs, _filters, _filterOffsets, ref wideGradient, [], ref tapGradient, _columns);
                float[] imageGradient = workspace.ImageGradient;
                Array.Clear(imageGradient);
                for (int t = 0; t < _taps; t++)
                {
                    AddRun(workspace.TapGradient.AsSpan(t * _columns, _columns), imageGradient.AsSpan(_offsets[t], _columns));
                }

                Span<float> dx = inputGradient.Slice(n * imageSize, imageSize);
                for (int c = 0; c < _channels; c++)
                {
                    for (int y = 0; y < _height; y++)
                    {
                        imageGradient.AsSpan(c * _plane + (y + _padding) * _paddedWidth + _padding, _width)
                            .CopyTo(dx.Slice((c * _height + y) * _width, _width));
                    }
                }
            }
        }
    }

    /// <summary>Last step of a partitioned <see cref="Backward"/>: sums the partitions' partials, in partition order, into the gradients (overwritten).</summary>
    public void EndBackward(Span<float> filterGradient, Span<float> biasGradient)
    {
        CheckLength(filterGradient.Length, (long)_filters * _taps, nameof(filterGradient));
        CheckLength(biasGradient.Length, _filters, nameof(biasGradient));
        float[] sums = _workspaces[0].FilterSums;
        _workspaces[0].BiasSums.CopyTo(biasGradient);
        for (int p = 1; p < Partitions; p++)
        {
            TensorPrimitives.Add(sums, _workspaces[p].FilterSums, sums);
            TensorPrimitives.Add(biasGradient, _workspaces[p].BiasSums, biasGradient);
        }

        for (int f = 0; f < _filters; f++)
        {
            for (int t = 0; t < _taps; t++)
            {
                filterGradient[f * _taps + t] = TensorPrimitives.Sum(sums.AsSpan((f * _offsets.Length + t) * Lanes, Lanes));
            }
        }
    }

    private void CopyIntoPaddedImages(ReadOnlySpan<float> input, int first, int count)
    {
        if (_padding == 0)
        {
            input.Slice(first * _sampleSize, count * _sampleSize).CopyTo(_images.AsSpan(first * _sampleSize));
            return;
        }

        // Only the interior is written: the zero borders from construction stay zero.
        for (int p = first * _channels; p < (first + count) * _channels; p++)
        {
            for (int y = 0; y < _height; y++)
            {
                CopyRun(input.Slice((p * _height + y) * _width, _width), _images.AsSpan(p * _plane + (y + _padding) * _paddedWidth + _padding, _width));
            }
        }
    }

    /// <summary>
    /// dst[r, q] = init[r] + Σ_t packed(r, t)·src[offsets[t] + q] for rows r &lt; 2·rowPairs and q &lt; columns (a ColumnBlock
    /// multiple); packed holds rows in pairs, [pair][t][2]. Tiles of 2 rows × 48 columns stay in 12 registers over all taps.
    /// The caller guarantees every src run (offsets[t] + columns) and dst row lies inside its array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate(
        SimdWidth width, float[] packed, int rowPairs, int taps, int[] offsets, ref float src, ReadOnlySpan<float> init, ref float dst, int columns)
    {
        if (width >= SimdWidth.Bits512 && Vector512.IsHardwareAccelerated)
        {
            Correlate512(packed, rowPairs, taps, offsets, ref src, init, ref dst, columns);
            return;
        }

        ref float weights = ref MemoryMarshal.GetArrayDataReference(packed);
        ref int offset = ref MemoryMarshal.GetArrayDataReference(offsets);
        for (int p = 0; p < rowPairs; p++)
        {
            ref float pair = ref Unsafe.Add(ref weights, p * taps * 2);
            Vector256<float> init0 = init.IsEmpty ? Vector256<float>.Zero : Vector256.Create(init[2 * p]);
            Vector256<float> init1 = init.IsEmpty ? Vector256<float>.Zero : Vector256.Create(init[2 * p + 1]);
            ref float row0 = ref Unsafe.Add(ref dst, 2 * p * columns);
            ref float row1 = ref Unsafe.Add(ref row0, columns);
            for (int q = 0; q < columns; q += ColumnBlock)
            {
                Vector256<float> a0 = init0, a1 = init0, a2 = init0, a3 = init0, a4 = init0, a5 = init0;
                Vector256<float> b0 = init1, b1 = init1, b2 = init1, b3 = init1, b4 = init1, b5 = init1;
                ref float origin = ref Unsafe.Add(ref src, q);
                for (int t = 0; t < taps; t++)
                {
                    ref float x = ref Unsafe.Add(ref origin, Unsafe.Add(ref offset, t));
                    Vector256<float> w0 = Vector256.Create(Unsafe.Add(ref pair, 2 * t));
                    Vector256<float> w1 = Vector256.Create(Unsafe.Add(ref pair, 2 * t + 1));
                    Vector256<float> v = Vector256.LoadUnsafe(ref x);
                    a0 = Fma.MultiplyAdd(v, w0, a0);
                    b0 = Fma.MultiplyAdd(v, w1, b0);
                    v = Vector256.LoadUnsafe(ref x, Lanes);
                    a1 = Fma.MultiplyAdd(v, w0, a1);
                    b1 = Fma.MultiplyAdd(v, w1, b1);
                    v = Vector256.LoadUnsafe(ref x, 2 * Lanes);
                    a2 = Fma.MultiplyAdd(v, w0, a2);
                    b2 = Fma.MultiplyAdd(v, w1, b2);
                    v = Vector256.LoadUnsafe(ref x, 3 * Lanes);
                    a3 = Fma.MultiplyAdd(v, w0, a3);
                    b3 = Fma.MultiplyAdd(v, w1, b3);
                    v = Vector256.LoadUnsafe(ref x, 4 * Lanes);
                    a4 = Fma.MultiplyAdd(v, w0, a4);
                    b4 = Fma.MultiplyAdd(v, w1, b4);
                    v = Vector256.LoadUnsafe(ref x, 5 * Lanes);
                    a5 = Fma.MultiplyAdd(v, w0, a5);
                    b5 = Fma.MultiplyAdd(v, w1, b5);
                }

                ref float out0 = ref Unsafe.Add(ref row0, q);
                ref float out1 = ref Unsafe.Add(ref row1, q);
                a0.StoreUnsafe(ref out0);
                a1.StoreUnsafe(ref out0, Lanes);
                a2.StoreUnsafe(ref out0, 2 * Lanes);
                a3.StoreUnsafe(ref out0, 3 * Lanes);
                a4.StoreUnsafe(ref out0, 4 * Lanes);
                a5.StoreUnsafe(ref out0, 5 * Lanes);
                b0.StoreUnsafe(ref out1);
                b1.StoreUnsafe(ref out1, Lanes);
                b2.StoreUnsafe(ref out1, 2 * Lanes);
                b3.StoreUnsafe(ref out1, 3 * Lanes);
                b4.StoreUnsafe(ref out1, 4 * Lanes);
                b5.StoreUnsafe(ref out1, 5 * Lanes);
            }
        }
    }

    /// <summary>
    /// <see cref="Correlate"/> with Vector512: tiles of 4 rows (two pairs) × 48 columns in 12 registers, enough independent
    /// FMAs to cover their latency; an odd last pair runs 2 × 48. Each output sums its taps in the same order as the
    /// Vector256 kernel, so both give the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Correlate512(
        float[] packed, int rowPairs, int taps, int[] offsets, ref float src, ReadOnlySpan<float> init, ref float dst, int columns)
    {
        const int lanes = 16;
        ref float weights = ref MemoryMarshal.GetArrayDataReference(packed);
        ref int offset = ref MemoryMarshal.GetArrayDataReference(offsets);
        for (int p = 0; p < rowPairs; p += 2)
        {
            // An odd last pair reuses its own weights for the second pair and drops that half of the results.
            bool single = p + 1 == rowPairs;
            ref float pair = ref Unsafe.Add(ref weights, p * taps * 2);
            ref float next = ref single ? ref pair : ref Unsafe.Add(ref pair, taps * 2);
            Vector512<float> init0 = Initial(init, 2 * p), init1 = Initial(init, 2 * p + 1);
            Vector512<float> init2 = single ? init0 : Initial(init, 2 * p + 2), init3 = single ? init1 : Initial(init, 2 * p + 3);
            ref float row0 = ref Unsafe.Add(ref dst, 2 * p * columns);
            for (int q = 0; q < columns; q += ColumnBlock)
            {
                Vector512<float> a0 = init0, a1 = init0, a2 = init0, b0 = init1, b1 = init1, b2 = init1;
                Vector512<float> c0 = init2, c1 = init2, c2 = init2, d0 = init3, d1 = init3, d2 = init3;
                ref float origin = ref Unsafe.Add(ref src, q);
                for (int t = 0; t < taps; t++)
                {
                    ref float x = ref Unsafe.Add(ref origin, Unsafe.Add(ref offset, t));
                    Vector512<float> w0 = Vector512.Create(Unsafe.Add(ref pair, 2 * t));
                    Vector512<float> w1 = Vector512.Create(Unsafe.Add(ref pair, 2 * t + 1));
                    Vector512<float> w2 = Vector512.Create(Unsafe.Add(ref next, 2 * t));
                    Vector512<float> w3 = Vector512.Create(Unsafe.Add(ref next, 2 * t + 1));
                    Vector512<float> v = Vector512.LoadUnsafe(ref x);
                    a0 = Avx512F.FusedMultiplyAdd(v, w0, a0);
                    b0 = Avx512F.FusedMultiplyAdd(v, w1, b0);
                    c0 = Avx512F.FusedMultiplyAdd(v, w2, c0);
                    d0 = Avx512F.FusedMultiplyAdd(v, w3, d0);
                    v = Vector512.LoadUnsafe(ref x, lanes);
                    a1 = Avx512F.FusedMultiplyAdd(v, w0, a1);
                    b1 = Avx512F.FusedMultiplyAdd(v, w1, b1);
                    c1 = Avx512F.FusedMultiplyAdd(v, w2, c1);
                    d1 = Avx512F.FusedMultiplyAdd(v, w3, d1);
                    v = Vector512.LoadUnsafe(ref x, 2 * lanes);
                    a2 = Avx512F.FusedMultiplyAdd(v, w0, a2);
                    b2 = Avx512F.FusedMultiplyAdd(v, w1, b2);
                    c2 = Avx512F.FusedMultiplyAdd(v, w2, c2);
                    d2 = Avx512F.FusedMultiplyAdd(v, w3, d2);
                }

                ref float out0 = ref Unsafe.Add(ref row0, q);
                Store3(a0, a1, a2, ref out0);
                Store3(b0, b1, b2, ref Unsafe.Add(ref out0, columns));
                if (!single)
                {
                    Store3(c0, c1, c2, ref Unsafe.Add(ref out0, 2 * columns));
                    Store3(d0, d1, d2, ref Unsafe.Add(ref out0, 3 * columns));
                }
            }
        }
    }

    private static Vector512<float> Initial(ReadOnlySpan<float> init, int row) => init.IsEmpty ? Vector512<float>.Zero : Vector512.Create(init[row]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, ref float destination)
    {
        v0.StoreUnsafe(ref destination);
        v1.StoreUnsafe(ref destination, 16);
        v2.StoreUnsafe(ref destination, 32);
    }

    /// <summary>
    /// filterSums[f, t, :] += Σ_q dY[f, q]·image[offsets[t] + q] lane by lane, in tiles of 2 filters × 5 taps held in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateFilterGradient(ref float image, ref float outputGradient, float[] filterSums)
    {
        ref int offset = ref MemoryMarshal.GetArrayDataReference(_offsets);
        ref float sums = ref MemoryMarshal.GetArrayDataReference(filterSums);
        int paddedTaps = _offsets.Length;
        int columns = _columns;
        for (int p = 0; p < _filterPairs; p++)
        {
            ref float dy0 = ref Unsafe.Add(ref outputGradient, 2 * p * columns);
            ref float dy1 = ref Unsafe.Add(ref dy0, columns);
            for (int t = 0; t < paddedTaps; t += TapBlock)
            {
                ref float s0 = ref Unsafe.Add(ref sums, (2 * p * paddedTaps + t) * Lanes);
                ref float s1 = ref Unsafe.Add(ref s0, paddedTaps * Lanes);
                Vector256<float> a0 = Vector256.LoadUnsafe(ref s0), a1 = Vector256.LoadUnsafe(ref s0, Lanes), a2 = Vector256.LoadUnsafe(ref s0, 2 * Lanes);
                Vector256<float> a3 = Vector256.LoadUnsafe(ref s0, 3 * Lanes), a4 = Vector256.LoadUnsafe(ref s0, 4 * Lanes);
                Vector256<float> b0 = Vector256.LoadUnsafe(ref s1), b1 = Vector256.LoadUnsafe(ref s1, Lanes), b2 = Vector256.LoadUnsafe(ref s1, 2 * Lanes);
                Vector256<float> b3 = Vector256.LoadUnsafe(ref s1, 3 * Lanes), b4 = Vector256.LoadUnsafe(ref s1, 4 * Lanes);
                ref float x0 = ref Unsafe.Add(ref image, Unsafe.Add(ref offset, t));
                ref float x1 = ref Unsafe.Add(ref image, Unsafe.Add(ref offset, t + 1));
                ref float x2 = ref Unsafe.Add(ref image, Unsafe.Add(ref offset, t + 2));
                ref float x3 = ref Unsafe.Add(ref image, Unsafe.Add(ref offset, t + 3));
                ref float x4 = ref Unsafe.Add(ref image, Unsafe.Add(ref offset, t + 4));
                for (int q = 0; q < columns; q += Lanes)
                {
                    Vector256<float> d0 = Vector256.LoadUnsafe(ref dy0, (nuint)q);
                    Vector256<float> d1 = Vector256.LoadUnsafe(ref dy1, (nuint)q);
                    Vector256<float> v = Vector256.LoadUnsafe(ref x0, (nuint)q);
                    a0 = Fma.MultiplyAdd(d0, v, a0);
                    b0 = Fma.MultiplyAdd(d1, v, b0);
                    v = Vector256.LoadUnsafe(ref x1, (nuint)q);
                    a1 = Fma.MultiplyAdd(d0, v, a1);
                    b1 = Fma.MultiplyAdd(d1, v, b1);
                    v = Vector256.LoadUnsafe(ref x2, (nuint)q);
                    a2 = Fma.MultiplyAdd(d0, v, a2);
                    b2 = Fma.MultiplyAdd(d1, v, b2);
                    v = Vector256.LoadUnsafe(ref x3, (nuint)q);
                    a3 = Fma.MultiplyAdd(d0, v, a3);
                    b3 = Fma.MultiplyAdd(d1, v, b3);
                    v = Vector256.LoadUnsafe(ref x4, (nuint)q);
                    a4 = Fma.MultiplyAdd(d0, v, a4);
                    b4 = Fma.MultiplyAdd(d1, v, b4);
                }

                a0.StoreUnsafe(ref s0);
                a1.StoreUnsafe(ref s0, Lanes);
                a2.StoreUnsafe(ref s0, 2 * Lanes);
                a3.StoreUnsafe(ref s0, 3 * Lanes);
                a4.StoreUnsafe(ref s0, 4 * Lanes);
                b0.StoreUnsafe(ref s1);
                b1.StoreUnsafe(ref s1, Lanes);
                b2.StoreUnsafe(ref s1, 2 * Lanes);
                b3.StoreUnsafe(ref s1, 3 * Lanes);
                b4.StoreUnsafe(ref s1, 4 * Lanes);
            }
        }
    }

    // Feature-map rows are short (10–28 values): a vector loop with an overlapping last vector beats a general copy call.
    private static void CopyRun(ReadOnlySpan<float> source, Span<float> destination)
    {
        int length = source.Length;
        if (length < Lanes)
        {
            source.CopyTo(destination);
            return;
        }

        ref float s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination[..length]);
        int last = length - Lanes;
        for (int j = 0; j < last; j += Lanes)
        {
            Vector256.LoadUnsafe(ref s, (nuint)j).StoreUnsafe(ref d, (nuint)j);
        }

        Vector256.LoadUnsafe(ref s, (nuint)last).StoreUnsafe(ref d, (nuint)last);
    }

    // destination[i] += source[i]; lengths are ColumnBlock multiples.
    private static void AddRun(ReadOnlySpan<float> source, Span<float> destination)
    {
        int length = source.Length;
        ref float s = ref MemoryMarshal.GetReference(source);
        ref float d = ref MemoryMarshal.GetReference(destination[..length]);
        for (int j = 0; j < length; j += Lanes)
        {
            (Vector256.LoadUnsafe(ref d, (nuint)j) + Vector256.LoadUnsafe(ref s, (nuint)j)).StoreUnsafe(ref d, (nuint)j);
        }
    }

    private void CheckRange(int batch, int first, int count, int partition)
    {
        CheckBatch(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, batch, nameof(count));
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, Partitions);
    }

    private sealed class Workspace(float[] wide, float[] outputGradient, float[] tapGradient, float[] imageGradient, float[] filterSums, float[] biasSums)
    {
        /// <summary>2·filterPairs × columns: one sample's wide output.</summary>
        public float[] Wide { get; } = wide;

        /// <summary>2·filterPairs × columns: one sample's wide output gradient, 0 off the outputs' positions.</summary>
        public float[] OutputGradient { get; } = outputGradient;

        /// <summary>2·tapPairs × columns: filtersᵀ·output gradient of one sample.</summary>
        public float[] TapGradient { get; } = tapGradient;

        /// <summary>One padded image + slack.</summary>
        public float[] ImageGradient { get; } = imageGradient;

        /// <summary>2·filterPairs × paddedTaps × Lanes: lane-wise partial sums of the filter gradient.</summary>
        public float[] FilterSums { get; } = filterSums;

        /// <summary>F partial sums of the bias gradient.</summary>
        public float[] BiasSums { get; } = biasSums;
    }

    private void CheckBatch(int batch)
    {
        if (batch < 1 || batch > _maxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"Batch {batch} is not in [1, {_maxBatch}].");
        }
    }

    private static void CheckLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
        }
    }
}
