using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepNet.Numerics;

/// <summary>An elementwise z = f(x, y), written once per vector width; every width must give the scalar form's bits.</summary>
internal interface IBinaryLanes
{
    static abstract float Apply(float x, float y);

    static abstract Vector128<float> Apply(Vector128<float> x, Vector128<float> y);

    static abstract Vector256<float> Apply(Vector256<float> x, Vector256<float> y);

    static abstract Vector512<float> Apply(Vector512<float> x, Vector512<float> y);
}

/// <summary>Runs an <see cref="IBinaryLanes"/> over spans: the widest vectors first, narrower ones on the tail, then scalars.</summary>
internal static class Elementwise
{
    /// <summary>z[i] = TOp(x[i], y[i]); spans of equal length (checked by the caller); z may alias x or y.</summary>
    public static void Map<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z, SimdWidth width)
        where TOp : struct, IBinaryLanes
    {
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rz = ref MemoryMarshal.GetReference(z);
        int n = x.Length, i = 0;
        if (width >= SimdWidth.Bits512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref rx, (nuint)i), Vector512.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rz, (nuint)i);
            }
        }

        if (width >= SimdWidth.Bits256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref rx, (nuint)i), Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rz, (nuint)i);
            }
        }

        if (width >= SimdWidth.Bits128)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOp.Apply(Vector128.LoadUnsafe(ref rx, (nuint)i), Vector128.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rz, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            z[i] = TOp.Apply(x[i], y[i]);
        }
    }
}
