using DeepNet.Data;

namespace DeepNet.Server.Jobs;

/// <summary>
/// The uploaded things a job or model was trained or evaluated on — data sets and images, each readable by its owner
/// alone. Built-in data (MNIST, the built-in photos) is everyone's and is never listed.
/// </summary>
/// <param name="Datasets">Ids of uploaded data sets.</param>
/// <param name="Images">Ids of uploaded images.</param>
public sealed record TrainingSources(IReadOnlyList<Guid> Datasets, IReadOnlyList<Guid> Images)
{
    public static TrainingSources None { get; } = new([], []);

    /// <summary>Nothing uploaded: every reader of the job may read its data.</summary>
    public bool IsEmpty => Datasets.Count == 0 && Images.Count == 0;

    /// <summary>The uploaded data set a data spec names, if any (a stray datasetId counts too: listing more only hides more).</summary>
    public static TrainingSources Of(DataSpec data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.DatasetId is { } id ? new([id], []) : None;
    }

    /// <summary>These sources and <paramref name="images"/>.</summary>
    public TrainingSources WithImages(IEnumerable<Guid> images) => this with { Images = [.. Images, .. images] };
}
