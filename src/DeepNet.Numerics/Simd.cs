using System.Runtime.Intrinsics;

namespace DeepNet.Numerics;

/// <summary>Vector width the hand-written kernels compute with.</summary>
public enum SimdWidth
{
    /// <summary>Plain scalar loops.</summary>
    Scalar = 0,

    /// <summary>Vector128 (SSE, NEON).</summary>
    Bits128 = 128,

    /// <summary>Vector256 (AVX2).</summary>
    Bits256 = 256,

    /// <summary>Vector512 (AVX-512).</summary>
    Bits512 = 512,
}

/// <summary>
/// The process-wide vector width: <c>DEEPNET_SIMD</c> = 512 | 256 | 128 | scalar caps it (default: the widest this
/// CPU accelerates), so a machine with AVX-512 can run and test the narrower kernels too. A width the CPU does not
/// accelerate is refused rather than emulated, since an emulated Vector512 is far slower than the narrower kernel.
/// </summary>
public static class Simd
{
    public const string EnvironmentVariable = "DEEPNET_SIMD";

    /// <summary>The width every kernel uses unless a caller (a test) passes another.</summary>
    public static SimdWidth Width { get; } = FromEnvironment(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The widest width this CPU accelerates.</summary>
    public static SimdWidth Widest =>
        Vector512.IsHardwareAccelerated ? SimdWidth.Bits512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Bits256
        : Vector128.IsHardwareAccelerated ? SimdWidth.Bits128
        : SimdWidth.Scalar;

    /// <summary>Every width this CPU runs, widest first (always ends with <see cref="SimdWidth.Scalar"/>).</summary>
    public static IReadOnlyList<SimdWidth> Available { get; } =
        [.. new[] { SimdWidth.Bits512, SimdWidth.Bits256, SimdWidth.Bits128, SimdWidth.Scalar }.Where(IsAccelerated)];

    public static bool IsAccelerated(SimdWidth width) => width switch
    {
        SimdWidth.Bits512 => Vector512.IsHardwareAccelerated,
        SimdWidth.Bits256 => Vector256.IsHardwareAccelerated,
        SimdWidth.Bits128 => Vector128.IsHardwareAccelerated,
        SimdWidth.Scalar => true,
        _ => false,
    };

    /// <summary>Parses a <c>DEEPNET_SIMD</c> value; null or empty means <see cref="Widest"/>.</summary>
    public static SimdWidth FromEnvironment(string? value)
    {
        string wanted = value?.Trim().ToLowerInvariant() ?? "";
        SimdWidth width = wanted switch
        {
            "" or "auto" => Widest,
            "512" => SimdWidth.Bits512,
            "256" => SimdWidth.Bits256,
            "128" => SimdWidth.Bits128,
            "scalar" => SimdWidth.Scalar,
            _ => throw new InvalidOperationException($"{EnvironmentVariable}='{value}' is not one of 512, 256, 128, scalar, auto."),
        };
        return IsAccelerated(width)
            ? width
            : throw new InvalidOperationException($"{EnvironmentVariable}={wanted}: this CPU does not accelerate {(int)width}-bit vectors (widest: {Describe(Widest)}).");
    }

    public static string Describe(SimdWidth width) => width == SimdWidth.Scalar ? "scalar" : $"{(int)width}-bit";
}
