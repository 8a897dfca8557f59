namespace DeepNet.Data;

/// <summary>
/// Which examples to train on and how to present them. Checked by <see cref="DataSpecValidator"/>;
/// loaded by <see cref="DatasetLoader"/> in the order split → classes → limit.
/// </summary>
public sealed record DataSpec
{
    /// <summary>The data set; only "mnist" is built in.</summary>
    public string Dataset { get; init; } = "mnist";

    /// <summary>"train" (60000 images) or "test" (10000 images).</summary>
    public string Split { get; init; } = "train";

    /// <summary>Distinct digits 0..9 to keep, or null for all ten.</summary>
    public int[]? Classes { get; init; }

    /// <summary>Keep the first N matching images in file order (1..60000), or null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Side length of the square images: 28 (MNIST as stored) or 16 (the lecture's digit size, area-averaged).</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Null for grey levels in [0,1]; otherwise each feature becomes 1 if its grey level in [0,1] exceeds this threshold, else 0.</summary>
    public float? BinarizeThreshold { get; init; }
}
