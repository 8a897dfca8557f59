namespace DeepNet.Data;

/// <summary>
/// The full MNIST data set embedded in this assembly (the four original gzip IDX files).
/// Each split is decoded once per process, on first use, and shared read-only by all callers.
/// </summary>
internal static class Mnist
{
    public const int ImageSide = 28;
    public const int TrainCount = 60_000;
    public const int TestCount = 10_000;

    private static readonly Lazy<MnistImages> _train = new(() => Decode("train", TrainCount), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<MnistImages> _test = new(() => Decode("t10k", TestCount), LazyThreadSafetyMode.ExecutionAndPublication);

    public static MnistImages Train => _train.Value;

    public static MnistImages Test => _test.Value;

    private static MnistImages Decode(string prefix, int maxCount)
    {
        IdxArray images = ReadResource($"{prefix}-images-idx3-ubyte.gz", (long)maxCount * ImageSide * ImageSide);
        IdxArray labels = ReadResource($"{prefix}-labels-idx1-ubyte.gz", maxCount);

        if (images.Dimensions is not [int imageCount, ImageSide, ImageSide])
        {
            throw new InvalidDataException(
                $"MNIST {prefix} images must be N×{ImageSide}×{ImageSide}, got {string.Join('×', images.Dimensions)}.");
        }

        if (labels.Dimensions is not [int labelCount])
        {
            throw new InvalidDataException($"MNIST {prefix} labels must be one-dimensional, got {string.Join('×', labels.Dimensions)}.");
        }

        if (imageCount != labelCount)
        {
            throw new InvalidDataException($"MNIST {prefix} has {imageCount} images but {labelCount} labels.");
        }

        int bad = Array.FindIndex(labels.Data, l => l > 9);
        if (bad >= 0)
        {
            throw new InvalidDataException($"MNIST {prefix} label {bad} is {labels.Data[bad]}, not a digit 0..9.");
        }

        return new MnistImages(images.Data, labels.Data, ImageSide, ImageSide);
    }

    private static IdxArray ReadResource(string fileName, long maxElements)
    {
        string name = $"DeepNet.Data.Mnist.{fileName}";
        using Stream stream = typeof(Mnist).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from {typeof(Mnist).Assembly.GetName().Name}.");
        return IdxReader.ReadGzip(stream, maxElements);
    }
}
