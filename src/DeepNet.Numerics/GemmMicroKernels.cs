using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepNet.Numerics;

/// <summary>Instruction set a <see cref="ManagedGemm"/> instance computes with.</summary>
internal enum ManagedGemmIsa
{
    /// <summary>8×32 register tile of Vector512 (AVX-512: 16 of 32 zmm registers hold C).</summary>
    Vector512,

    /// <summary>6×16 register tile of Vector256 (AVX2: 12 of 16 ymm registers hold C).</summary>
    Vector256,

    /// <summary>4×8 register tile of Vector128 (SSE/NEON).</summary>
    Vector128,

    /// <summary>4×4 tile of scalars, for hardware without SIMD acceleration.</summary>
    Scalar,
}

/// <summary>
/// Register-tiled GEMM micro-kernels. Each computes one MR×NR tile
/// C[MR×NR] ← α·Â·B̂ + β·C (β = 0 never reads C) from packed panels:
/// Â holds kc columns of MR contiguous values (column p at a + p·MR),
/// B̂ holds kc rows of NR contiguous values (row p at b + p·NR).
/// The kernels, the packing loops and the direct convolution's loops are compiled fully optimized on first call
/// (AggressiveOptimization): their unoptimized first tier is about ten times slower, and on a busy machine the
/// background re-compilation can lag by seconds, long enough to distort a short job or a benchmark.
/// </summary>
internal static unsafe class GemmMicroKernels
{
    public static (int Mr, int Nr) TileShape(ManagedGemmIsa isa) => isa switch
    {
        ManagedGemmIsa.Vector512 => (8, 32),
        ManagedGemmIsa.Vector256 => (6, 16),
        ManagedGemmIsa.Vector128 => (4, 8),
        ManagedGemmIsa.Scalar => (4, 4),
        _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, null),
    };

    public static delegate*<int, float*, float*, float*, int, float, float, void> Get(ManagedGemmIsa isa) => isa switch
    {
        ManagedGemmIsa.Vector512 => &Kernel8x32,
        ManagedGemmIsa.Vector256 => &Kernel6x16,
        ManagedGemmIsa.Vector128 => &Kernel4x8,
        ManagedGemmIsa.Scalar => &Kernel4x4,
        _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, null),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel8x32(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> av = Vector512.Create(a[0]);
            c00 = Vector512.MultiplyAddEstimate(av, b0, c00);
            c01 = Vector512.MultiplyAddEstimate(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.MultiplyAddEstimate(av, b0, c10);
            c11 = Vector512.MultiplyAddEstimate(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.MultiplyAddEstimate(av, b0, c20);
            c21 = Vector512.MultiplyAddEstimate(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.MultiplyAddEstimate(av, b0, c30);
            c31 = Vector512.MultiplyAddEstimate(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.MultiplyAddEstimate(av, b0, c40);
            c41 = Vector512.MultiplyAddEstimate(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.MultiplyAddEstimate(av, b0, c50);
            c51 = Vector512.MultiplyAddEstimate(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Vector512.MultiplyAddEstimate(av, b0, c60);
            c61 = Vector512.MultiplyAddEstimate(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.MultiplyAddEstimate(av, b0, c70);
            c71 = Vector512.MultiplyAddEstimate(av, b1, c71);
            a += 8;
            b += 32;
        }

        Vector512<float> al = Vector512.Create(alpha);
        Store(c, c00, c01, al, beta);
        Store(c + ldc, c10, c11, al, beta);
        Store(c + 2 * ldc, c20, c21, al, beta);
        Store(c + 3 * ldc, c30, c31, al, beta);
        Store(c + 4 * ldc, c40, c41, al, beta);
        Store(c + 5 * ldc, c50, c51, al, beta);
        Store(c + 6 * ldc, c60, c61, al, beta);
        Store(c + 7 * ldc, c70, c71, al, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> av = Vector256.Create(a[0]);
            c00 = Vector256.MultiplyAddEstimate(av, b0, c00);
            c01 = Vector256.MultiplyAddEstimate(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.MultiplyAddEstimate(av, b0, c10);
            c11 = Vector256.MultiplyAddEstimate(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.MultiplyAddEstimate(av, b0, c20);
            c21 = Vector256.MultiplyAddEstimate(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.MultiplyAddEstimate(av, b0, c30);
            c31 = Vector256.MultiplyAddEstimate(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.MultiplyAddEstimate(av, b0, c40);
            c41 = Vector256.MultiplyAddEstimate(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.MultiplyAddEstimate(av, b0, c50);
            c51 = Vector256.MultiplyAddEstimate(av, b1, c51);
            a += 6;
            b += 16;
        }

        Vector256<float> al = Vector256.Create(alpha);
        Store(c, c00, c01, al, beta);
        Store(c + ldc, c10, c11, al, beta);
        Store(c + 2 * ldc, c20, c21, al, beta);
        Store(c + 3 * ldc, c30, c31, al, beta);
        Store(c + 4 * ldc, c40, c41, al, beta);
        Store(c + 5 * ldc, c50, c51, al, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel4x8(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(av, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(av, b1, c01);
            av = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(av, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(av, b1, c11);
            av = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(av, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(av, b1, c21);
            av = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(av, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(av, b1, c31);
            a += 4;
            b += 8;
        }

        Vector128<float> al = Vector128.Create(alpha);
        Store(c, c00, c01, al, beta);
        Store(c + ldc, c10, c11, al, beta);
        Store(c + 2 * ldc, c20, c21, al, beta);
        Store(c + 3 * ldc, c30, c31, al, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel4x4(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            a += 4;
            b += 4;
        }

        Store(c, c00, c01, c02, c03, alpha, beta);
        Store(c + ldc, c10, c11, c12, c13, alpha, beta);
        Store(c + 2 * ldc, c20, c21, c22, c23, alpha, beta);
        Store(c + 3 * ldc, c30, c31, c32, c33, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> alpha, float beta)
    {
        if (beta == 0f)
        {
            (v0 * alpha).Store(c);
            (v1 * alpha).Store(c + 16);
        }
        else if (beta == 1f)
        {
            Vector512.MultiplyAddEstimate(v0, alpha, Vector512.Load(c)).Store(c);
            Vector512.MultiplyAddEstimate(v1, alpha, Vector512.Load(c + 16)).Store(c + 16);
        }
        else
        {
            Vector512<float> bv = Vector512.Create(beta);
            Vector512.MultiplyAddEstimate(v0, alpha, Vector512.Load(c) * bv).Store(c);
            Vector512.MultiplyAddEstimate(v1, alpha, Vector512.Load(c + 16) * bv).Store(c + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> v0, Vector256<float> v1, Vector256<float> alpha, float beta)
    {
        if (beta == 0f)
        {
            (v0 * alpha).Store(c);
            (v1 * alpha).Store(c + 8);
        }
        else if (beta == 1f)
        {
            Vector256.MultiplyAddEstimate(v0, alpha, Vector256.Load(c)).Store(c);
            Vector256.MultiplyAddEstimate(v1, alpha, Vector256.Load(c + 8)).Store(c + 8);
        }
        else
        {
            Vector256<float> bv = Vector256.Create(beta);
            Vector256.MultiplyAddEstimate(v0, alpha, Vector256.Load(c) * bv).Store(c);
            Vector256.MultiplyAddEstimate(v1, alpha, Vector256.Load(c + 8) * bv).Store(c + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector128<float> v0, Vector128<float> v1, Vector128<float> alpha, float beta)
    {
        if (beta == 0f)
        {
            (v0 * alpha).Store(c);
            (v1 * alpha).Store(c + 4);
        }
        else if (beta == 1f)
        {
            Vector128.MultiplyAddEstimate(v0, alpha, Vector128.Load(c)).Store(c);
            Vector128.MultiplyAddEstimate(v1, alpha, Vector128.Load(c + 4)).Store(c + 4);
        }
        else
        {
            Vector128<float> bv = Vector128.Create(beta);
            Vector128.MultiplyAddEstimate(v0, alpha, Vector128.Load(c) * bv).Store(c);
            Vector128.MultiplyAddEstimate(v1, alpha, Vector128.Load(c + 4) * bv).Store(c + 4);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float v0, float v1, float v2, float v3, float alpha, float beta)
    {
        if (beta == 0f)
        {
            c[0] = alpha * v0;
            c[1] = alpha * v1;
            c[2] = alpha * v2;
            c[3] = alpha * v3;
        }
        else
        {
            c[0] = alpha * v0 + beta * c[0];
            c[1] = alpha * v1 + beta * c[1];
            c[2] = alpha * v2 + beta * c[2];
            c[3] = alpha * v3 + beta * c[3];
        }
    }
}
