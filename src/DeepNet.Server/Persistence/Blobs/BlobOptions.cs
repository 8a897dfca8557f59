namespace DeepNet.Server.Persistence.Blobs;

/// <summary>The configuration section "Blobs".</summary>
public sealed class BlobOptions
{
    public const string Section = "Blobs";

    /// <summary>
    /// The directory of the blob store; default &lt;Storage:DataDirectory&gt;/blobs. Several nodes (web and worker processes)
    /// must share it: a shared volume, like the database.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>
    /// How old an unreferenced blob must be before the retention sweep removes it: longer than any write takes between
    /// storing a blob and saving the row that names it.
    /// </summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromMinutes(10);
}
