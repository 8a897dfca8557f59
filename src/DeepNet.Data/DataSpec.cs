namespace DeepNet.Data;

/// <summary>
/// Which examples to train on and how to present them. Checked by <see cref="DataSpecValidator"/>;
/// loaded by <see cref="DatasetLoader"/> in the order split → classes → limit.
/// </summary>
public sealed record DataSpec
{
    /// <summary>"mnist" (built in, the default) or "user" (an uploaded data set, named by <see cref="DatasetId"/>).</summary>
    public string Dataset { get; init; } = "mnist";

    /// <summary>The uploaded data set when <see cref="Dataset"/> is "user" (its existence is the server's check); null for "mnist".</summary>
    public Guid? DatasetId { get; init; }

    /// <summary>"train" (60000 images) or "test" (10000 images); a user data set has no splits and ignores it.</summary>
    public string Split { get; init; } = "train";

    /// <summary>Distinct digits 0..9 to keep, or null for all ten.</summary>
    public int[]? Classes { get; init; }

    /// <summary>Keep the first N matching images in file order (1..60000), or null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Side length of the square MNIST images: 28 (as stored) or 16 (the lecture's digit size, area-averaged); user data sets keep their own size and ignore it.</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Null for grey levels in [0,1]; otherwise each feature becomes 1 if its grey level in [0,1] exceeds this threshold, else 0.</summary>
    public float? BinarizeThreshold { get; init; }
}
