using System.IO.Compression;
using System.Buffers.Binary;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Dbn;

/// <summary>
/// The repository's MNIST IDX files (src/DeepNet.Data/Mnist), read directly: this test project references only
/// DeepNet.Models, not DeepNet.Data's DatasetLoader. Pixels scaled to [0, 1]; optional 2×2 average pooling to 14×14.
/// </summary>
internal static class DbnMnist
{
    private static readonly Lazy<(byte[] Pixels, byte[] Labels)> Train = new(() => Read("train"));
    private static readonly Lazy<(byte[] Pixels, byte[] Labels)> Test = new(() => Read("t10k"));

    /// <summary>The first <paramref name="limit"/> digits of a split whose label is in <paramref name="classes"/> (all when null).</summary>
    /// <returns>limit×(28·28 or 14·14) features in [0, 1] and their labels.</returns>
    public static (Matrix Data, int[] Labels) Load(bool test, int limit, bool halfSize = false, int[]? classes = null)
    {
        (byte[] pixels, byte[] labels) = test ? Test.Value : Train.Value;
        var selected = new List<int>(limit);
        for (int i = 0; i < labels.Length && selected.Count < limit; i++)
        {
            if (classes is null || classes.Contains(labels[i]))
            {
                selected.Add(i);
            }
        }

        int side = halfSize ? 14 : 28;
        var data = new Matrix(selected.Count, side * side);
        var result = new int[selected.Count];
        for (int n = 0; n < selected.Count; n++)
        {
            int image = selected[n] * 784;
            result[n] = labels[selected[n]];
            Span<float> row = data.Row(n);
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    row[y * side + x] = halfSize
                        ? (pixels[image + 56 * y + 2 * x] + pixels[image + 56 * y + 2 * x + 1]
                           + pixels[image + 56 * y + 28 + 2 * x] + pixels[image + 56 * y + 28 + 2 * x + 1]) / (4 * 255f)
                        : pixels[image + 28 * y + x] / 255f;
                }
            }
        }

        return (data, result);
    }

    private static (byte[] Pixels, byte[] Labels) Read(string prefix)
    {
        string directory = Path.Combine(RepositoryRoot(), "src", "DeepNet.Data", "Mnist");
        byte[] images = Decompress(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"));
        byte[] labels = Decompress(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"));
        int count = BinaryPrimitives.ReadInt32BigEndian(labels.AsSpan(4));
        return (images[16..(16 + count * 784)], labels[8..(8 + count)]);
    }

    private static byte[] Decompress(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "DeepNetService.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (DeepNetService.sln) is not above the test binaries.");
    }
}
