using System.Runtime.InteropServices;

namespace DeepNet.Numerics;

/// <summary><c>cblas_sgemm</c> from the system's OpenBLAS, resolved at run time so the library stays optional.</summary>
internal sealed unsafe class OpenBlasGemm : IGemmKernel
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    private static readonly string[] LibraryNames = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll", "openblas"];

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;

    private OpenBlasGemm(nint sgemm) =>
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;

    public GemmBackend Backend => GemmBackend.OpenBlas;

    /// <summary>Loads OpenBLAS and resolves <c>cblas_sgemm</c>; null when either is missing.</summary>
    public static OpenBlasGemm? TryLoad()
    {
        foreach (string name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, typeof(OpenBlasGemm).Assembly, null, out nint handle)
                && NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
            {
                return new OpenBlasGemm(sgemm);
            }
        }

        return null;
    }

    public void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            _sgemm(
                CblasRowMajor,
                transA == Transpose.No ? CblasNoTrans : CblasTrans,
                transB == Transpose.No ? CblasNoTrans : CblasTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }
}
