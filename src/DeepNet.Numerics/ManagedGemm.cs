using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepNet.Numerics;

/// <summary>
/// Managed GEMM fallback used when OpenBLAS is absent: BLIS-style cache blocking
/// (kc×nc panels of op(B), mc×kc blocks of op(A), both packed), a register-tiled SIMD
/// micro-kernel (Vector512 8×32, Vector256 6×16, Vector128 4×8 or scalar 4×4) and
/// <see cref="Parallel.For(int, int, Action{int})"/> across row or column blocks of C.
/// </summary>
internal sealed unsafe class ManagedGemm : IGemmKernel
{
    // A kc×nr micro-panel of B (16 KiB) stays in L1 across a column of micro-tiles; mc·kc floats of A stay in L2.
    private const int L1PanelFloats = 4096;
    private const int Mc = 120;
    private const int Nc = 2048;

    // Below this many multiply-adds a Parallel.For costs more than it saves.
    private const long ParallelThreshold = 1L << 19;

    [ThreadStatic]
    private static float[]? _workspace;

    private readonly ManagedGemmIsa _isa;
    private readonly int _mr;
    private readonly int _nr;
    private readonly delegate*<int, float*, float*, float*, int, float, float, void> _kernel;

    /// <summary>Uses the process-wide vector width (<see cref="Simd.Width"/>: the widest accelerated unless DEEPNET_SIMD narrows it).</summary>
    public ManagedGemm()
        : this(IsaFor(Simd.Width))
    {
    }

    /// <summary>Forces an instruction set (tests run every kernel on one machine).</summary>
    public ManagedGemm(ManagedGemmIsa isa)
    {
        _isa = isa;
        (_mr, _nr) = GemmMicroKernels.TileShape(isa);
        _kernel = GemmMicroKernels.Get(isa);
    }

    public GemmBackend Backend => GemmBackend.Managed;

    public ManagedGemmIsa Isa => _isa;

    /// <summary>Worker count; 0 means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxThreads { get; init; }

    public static ManagedGemmIsa IsaFor(SimdWidth width) => width switch
    {
        SimdWidth.Bits512 => ManagedGemmIsa.Vector512,
        SimdWidth.Bits256 => ManagedGemmIsa.Vector256,
        SimdWidth.Bits128 => ManagedGemmIsa.Vector128,
        _ => ManagedGemmIsa.Scalar,
    };

    public void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        // BLAS semantics: with no product term A and B are not read, C ← β·C.
        if (k == 0 || alpha == 0f)
        {
            Scale(m, n, beta, c, ldc);
            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var job = new Job
            {
                TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
                A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc,
                Mr = _mr, Nr = _nr, Kernel = _kernel,
            };

            int threads = MaxThreads > 0 ? MaxThreads : Environment.ProcessorCount;
            if (threads <= 1 || (long)m * n * k < ParallelThreshold)
            {
                job.Run(0, m, 0, n);
                return;
            }

            // Splitting columns re-packs A per task, splitting rows re-packs B: duplicate the smaller operand.
            int rowPanels = (m + _mr - 1) / _mr;
            int colPanels = (n + _nr - 1) / _nr;
            int colTasks, rowTasks;
            if (n >= m)
            {
                colTasks = Math.Min(threads, colPanels);
                rowTasks = Math.Max(1, Math.Min(threads / colTasks, rowPanels));
            }
            else
            {
                rowTasks = Math.Min(threads, rowPanels);
                colTasks = Math.Max(1, Math.Min(threads / rowTasks, colPanels));
            }

            if (rowTasks * colTasks == 1)
            {
                job.Run(0, m, 0, n);
                return;
            }

            Parallel.For(0, rowTasks * colTasks, task =>
            {
                int rt = task / colTasks, ct = task % colTasks;
                int i0 = (int)Math.Min(m, (long)rowPanels * rt / rowTasks * job.Mr);
                int i1 = (int)Math.Min(m, (long)rowPanels * (rt + 1) / rowTasks * job.Mr);
                int j0 = (int)Math.Min(n, (long)colPanels * ct / colTasks * job.Nr);
                int j1 = (int)Math.Min(n, (long)colPanels * (ct + 1) / colTasks * job.Nr);
                job.Run(i0, i1, j0, j1);
            });
        }
    }

    private static void Scale(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>Thread-local pinned scratch: packed A block, packed B block and one edge tile, each 64-byte aligned.</summary>
    private static float* Workspace(int floats)
    {
        const int align = 16;
        float[]? buffer = _workspace;
        if (buffer is null || buffer.Length < floats + align)
        {
            // Pinned on the POH once per thread so the hot path takes raw pointers without fixed.
            buffer = GC.AllocateUninitializedArray<float>(floats + align, pinned: true);
            _workspace = buffer;
        }

        float* p = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)(((nint)p + 63) & ~(nint)63);
    }

    private struct Job
    {
        public Transpose TransA, TransB;
        public int M, N, K, Lda, Ldb, Ldc, Mr, Nr;
        public float Alpha, Beta;
        public float* A, B, C;
        public delegate*<int, float*, float*, float*, int, float, float, void> Kernel;

        /// <summary>C[i0..i1, j0..j1] for the whole k range; i0 and j0 are multiples of mr and nr.</summary>
        public readonly void Run(int i0, int i1, int j0, int j1)
        {
            if (i0 >= i1 || j0 >= j1)
            {
                return;
            }

            int kc = BalancedStep(K, Math.Clamp(L1PanelFloats / Nr, 128, 256), 1);
            int mc = BalancedStep(i1 - i0, Mc, Mr);
            int nc = BalancedStep(j1 - j0, Nc, Nr);
            int aFloats = RoundUp(mc, 16) * kc;
            int bFloats = RoundUp(nc, 16) * kc;
            float* aPack = Workspace(aFloats + bFloats + Mr * Nr);
            float* bPack = aPack + aFloats;
            float* edge = bPack + bFloats;

            for (int jc = j0; jc < j1; jc += nc)
            {
                int ncCur = Math.Min(nc, j1 - jc);
                for (int pc = 0; pc < K; pc += kc)
                {
                    int kcCur = Math.Min(kc, K - pc);
                    float beta = pc == 0 ? Beta : 1f;
                    GemmPacking.PackB(TransB, B, Ldb, pc, kcCur, jc, ncCur, bPack, Nr);
                    for (int ic = i0; ic < i1; ic += mc)
                    {
                        int mcCur = Math.Min(mc, i1 - ic);
                        GemmPacking.PackA(TransA, A, Lda, ic, mcCur, pc, kcCur, aPack, Mr);
                        MacroKernel(kcCur, mcCur, ncCur, aPack, bPack, C + (long)ic * Ldc + jc, beta, edge);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void MacroKernel(int kc, int mc, int nc, float* aPack, float* bPack, float* c, float beta, float* edge)
        {
            for (int jr = 0; jr < nc; jr += Nr)
            {
                int cols = Math.Min(Nr, nc - jr);
                float* bPanel = bPack + (long)jr * kc;
                for (int ir = 0; ir < mc; ir += Mr)
                {
                    int rows = Math.Min(Mr, mc - ir);
                    float* aPanel = aPack + (long)ir * kc;
                    float* cTile = c + (long)ir * Ldc + jr;
                    if (rows == Mr && cols == Nr)
                    {
                        Kernel(kc, aPanel, bPanel, cTile, Ldc, Alpha, beta);
                    }
                    else
                    {
                        Kernel(kc, aPanel, bPanel, edge, Nr, Alpha, 0f);
                        MergeEdge(edge, rows, cols, cTile, beta);
                    }
                }
            }
        }

        private readonly void MergeEdge(float* tile, int rows, int cols, float* c, float beta)
        {
            for (int r = 0; r < rows; r++)
            {
                float* t = tile + r * Nr;
                float* dst = c + (long)r * Ldc;
                for (int j = 0; j < cols; j++)
                {
                    dst[j] = beta == 0f ? t[j] : t[j] + beta * dst[j];
                }
            }
        }

        /// <summary>Largest block ≤ max that splits total into equal parts, rounded up to a multiple of unit.</summary>
        private static int BalancedStep(int total, int max, int unit)
        {
            int blocks = (total + max - 1) / max;
            return RoundUp((total + blocks - 1) / blocks, unit);
        }

        private static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
    }
}
