using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepNet.Numerics;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded panel layout the
/// micro-kernels stream through, so every transpose combination runs the same kernel.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] into ⌈mc/mr⌉ panels of mr×kc: panel r starts at
    /// dst + r·mr·kc and holds, for each p, the mr values op(A)[row, p] contiguously.
    /// Rows past mc are zero. A is stored m×k (No) or k×m (Yes), row-major with stride lda.
    /// </summary>
    public static void PackA(Transpose transA, float* a, int lda, int i0, int mc, int p0, int kc, float* dst, int mr)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (transA == Transpose.Yes)
            {
                float* src = a + (long)p0 * lda + i0 + ir;
                CopyRows(src, lda, panel, mr, rows, kc);
            }
            else
            {
                float* src = a + (long)(i0 + ir) * lda + p0;
                TransposeInto(src, lda, panel, mr, rows, kc);
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into ⌈nc/nr⌉ panels of kc×nr: panel q starts at
    /// dst + q·nr·kc and holds, for each p, the nr values op(B)[p, col] contiguously.
    /// Columns past nc are zero. B is stored k×n (No) or n×k (Yes), row-major with stride ldb.
    /// </summary>
    public static void PackB(Transpose transB, float* b, int ldb, int p0, int kc, int j0, int nc, float* dst, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (transB == Transpose.No)
            {
                float* src = b + (long)p0 * ldb + j0 + jr;
                CopyRows(src, ldb, panel, nr, cols, kc);
            }
            else
            {
                float* src = b + (long)(j0 + jr) * ldb + p0;
                TransposeInto(src, ldb, panel, nr, cols, kc);
            }
        }
    }

    /// <summary>dst[p·width + j] = src[p·ld + j] for j &lt; count, 0 for count ≤ j &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRows(float* src, int ld, float* dst, int width, int count, int kc)
    {
        uint bytes = (uint)count * sizeof(float);
        uint padBytes = (uint)(width - count) * sizeof(float);
        for (int p = 0; p < kc; p++)
        {
            Unsafe.CopyBlockUnaligned(dst, src, bytes);
            if (padBytes != 0)
            {
                Unsafe.InitBlockUnaligned(dst + count, 0, padBytes);
            }

            src += ld;
            dst += width;
        }
    }

    /// <summary>dst[p·width + r] = src[r·ld + p] for r &lt; count, 0 for count ≤ r &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeInto(float* src, int ld, float* dst, int width, int count, int kc)
    {
        // 8×8 register transposes instead of 64 scalar stores 4·width bytes apart, also on a partial last panel (the
        // 20 or 26 trailing columns of a 500-wide Wᵀ): rows [0, blocked) and columns [0, p) go through registers.
        int blocked = Avx.IsSupported && Simd.Width >= SimdWidth.Bits256 && width % 8 == 0 ? count & ~7 : 0;
        int p = 0;
        if (blocked > 0)
        {
            for (; p + 8 <= kc; p += 8)
            {
                for (int r = 0; r < blocked; r += 8)
                {
                    Transpose8x8(src + (long)r * ld + p, ld, dst + (long)p * width + r, width);
                }
            }
        }

        for (int r = blocked; r < count; r++)
        {
            float* s = src + (long)r * ld;
            for (int q = 0; q < p; q++)
            {
                dst[(long)q * width + r] = s[q];
            }
        }

        for (int r = 0; r < count; r++)
        {
            float* s = src + (long)r * ld;
            for (int q = p; q < kc; q++)
            {
                dst[(long)q * width + r] = s[q];
            }
        }

        uint padBytes = (uint)(width - count) * sizeof(float);
        if (padBytes != 0)
        {
            for (int q = 0; q < kc; q++)
            {
                Unsafe.InitBlockUnaligned(dst + (long)q * width + count, 0, padBytes);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, int ld, float* dst, int ldd)
    {
        Vector256<float> r0 = Vector256.Load(src);
        Vector256<float> r1 = Vector256.Load(src + ld);
        Vector256<float> r2 = Vector256.Load(src + 2L * ld);
        Vector256<float> r3 = Vector256.Load(src + 3L * ld);
        Vector256<float> r4 = Vector256.Load(src + 4L * ld);
        Vector256<float> r5 = Vector256.Load(src + 5L * ld);
        Vector256<float> r6 = Vector256.Load(src + 6L * ld);
        Vector256<float> r7 = Vector256.Load(src + 7L * ld);

        // Interleave pairs, then quads, then swap 128-bit halves (the classic unpack/shuffle/permute transpose).
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = MoveLow64(t0, t2), u1 = MoveHigh64(t0, t2);
        Vector256<float> u2 = MoveLow64(t1, t3), u3 = MoveHigh64(t1, t3);
        Vector256<float> u4 = MoveLow64(t4, t6), u5 = MoveHigh64(t4, t6);
        Vector256<float> u6 = MoveLow64(t5, t7), u7 = MoveHigh64(t5, t7);

        Vector256.Create(u0.GetLower(), u4.GetLower()).Store(dst);
        Vector256.Create(u1.GetLower(), u5.GetLower()).Store(dst + ldd);
        Vector256.Create(u2.GetLower(), u6.GetLower()).Store(dst + 2L * ldd);
        Vector256.Create(u3.GetLower(), u7.GetLower()).Store(dst + 3L * ldd);
        Vector256.Create(u0.GetUpper(), u4.GetUpper()).Store(dst + 4L * ldd);
        Vector256.Create(u1.GetUpper(), u5.GetUpper()).Store(dst + 5L * ldd);
        Vector256.Create(u2.GetUpper(), u6.GetUpper()).Store(dst + 6L * ldd);
        Vector256.Create(u3.GetUpper(), u7.GetUpper()).Store(dst + 7L * ldd);
    }

    // [a0 a1 b0 b1 | a4 a5 b4 b5]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MoveLow64(Vector256<float> a, Vector256<float> b) => Avx.Shuffle(a, b, 0b01_00_01_00);

    // [a2 a3 b2 b3 | a6 a7 b6 b7]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MoveHigh64(Vector256<float> a, Vector256<float> b) => Avx.Shuffle(a, b, 0b11_10_11_10);
}
