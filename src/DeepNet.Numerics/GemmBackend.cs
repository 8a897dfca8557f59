namespace DeepNet.Numerics;

public enum GemmBackend
{
    /// <summary>Cache-blocked, multi-threaded Vector512/Vector256 kernel in C#.</summary>
    Managed,

    /// <summary><c>cblas_sgemm</c> from libopenblas.so.0, loaded with NativeLibrary.</summary>
    OpenBlas,
}
