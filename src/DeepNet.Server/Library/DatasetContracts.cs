namespace DeepNet.Server.Library;

/// <summary>A data set uploaded by a user (IDX, CSV or images), usable in jobs as data {"dataset":"user","datasetId":id}.</summary>
/// <param name="Id">Data set id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Kind">"idx", "csv" or "images".</param>
/// <param name="Count">Number of examples (rows).</param>
/// <param name="Features">Values per example (Width·Height for images).</param>
/// <param name="Width">Image width in pixels; 0 when the examples are not images (CSV).</param>
/// <param name="Height">Image height in pixels; 0 when the examples are not images (CSV).</param>
/// <param name="HasLabels">Whether every example carries a class label.</param>
/// <param name="Classes">The distinct labels, ascending; null without labels.</param>
/// <param name="SizeBytes">Size of the stored data.</param>
/// <param name="CreatedAt">Upload time (UTC).</param>
public sealed record DatasetDto(
    Guid Id,
    string Name,
    string Kind,
    int Count,
    int Features,
    int Width,
    int Height,
    bool HasLabels,
    int[]? Classes,
    long SizeBytes,
    DateTime CreatedAt);
