using DeepNet.Data;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

/// <summary>MNIST digits at 16×16 through the Data library's loader, with labels as ints for the trainers.</summary>
internal static class DbnMnist
{
    /// <summary>The first <paramref name="limit"/> digits of a split whose label is in <paramref name="classes"/> (all when null).</summary>
    /// <returns>limit×256 features in [0, 1] and their labels.</returns>
    public static (Matrix Data, int[] Labels) Load(bool test, int limit, int[]? classes = null)
    {
        Dataset data = DatasetLoader.Load(new DataSpec { Split = test ? "test" : "train", Limit = limit, ImageSize = 16, Classes = classes });
        return (data.Features, [.. data.Labels.Select(l => (int)l)]);
    }
}
