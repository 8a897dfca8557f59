namespace DeepNet.Numerics;

/// <summary>Chooses the GEMM backend: <c>DEEPNET_GEMM</c> = auto (default) | openblas | managed.</summary>
internal static class GemmKernels
{
    public const string EnvironmentVariable = "DEEPNET_GEMM";

    public static IGemmKernel SelectDefault()
    {
        string? wanted = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant();
        return wanted switch
        {
            null or "" or "auto" => (IGemmKernel?)OpenBlasGemm.TryLoad() ?? new ManagedGemm(),
            "openblas" => Create(GemmBackend.OpenBlas),
            "managed" => Create(GemmBackend.Managed),
            _ => throw new InvalidOperationException($"{EnvironmentVariable}='{wanted}' is not one of auto, openblas, managed."),
        };
    }

    public static IGemmKernel Create(GemmBackend backend) => backend switch
    {
        GemmBackend.Managed => new ManagedGemm(),
        GemmBackend.OpenBlas => OpenBlasGemm.TryLoad()
            ?? throw new InvalidOperationException("OpenBLAS (libopenblas.so.0) could not be loaded; install it with: apt-get install -y libopenblas0-pthread"),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };
}
