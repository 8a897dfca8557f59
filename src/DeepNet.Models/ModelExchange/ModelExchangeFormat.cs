using System.Security.Cryptography;

namespace DeepNet.Models.ModelExchange;

/// <summary>
/// The exchange format of a model file (format_version "1"): a safetensors file of F32 tensors whose <c>__metadata__</c>
/// carries <see cref="FormatVersionKey"/>, <see cref="ModelTypeKey"/>, <see cref="TensorShapesKey"/>, hyperparameters,
/// data spec, metrics, <see cref="AuthorKey"/>, <see cref="CreatedAtKey"/>, <see cref="ParentKey"/> and
/// <see cref="ChecksumKey"/> = "sha256:&lt;64 lowercase hex digits&gt;" of the data section (every byte after the header).
/// </summary>
public static class ModelExchangeFormat
{
    /// <summary>The only format version this code reads and writes.</summary>
    public const string Version = "1";

    /// <summary>Largest file accepted on import: 64 MiB.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>Largest JSON header accepted on import (metadata with metric histories included).</summary>
    public const int MaxHeaderBytes = 8 * 1024 * 1024;

    /// <summary>Largest image side (pixels) a model file may declare.</summary>
    public const int MaxImageSide = 4096;

    public const string FormatVersionKey = "format_version";
    public const string ModelTypeKey = "model_type";
    public const string TensorShapesKey = "tensor_shapes";
    public const string AuthorKey = "author";
    public const string CreatedAtKey = "created_at";
    public const string ParentKey = "parent";
    public const string ChecksumKey = "checksum";
    public const string HyperparametersKey = "hyperparameters";
    public const string DataSpecKey = "data_spec";
    public const string MetricsKey = "metrics";
    public const string ImageWidthKey = "image_width";
    public const string ImageHeightKey = "image_height";
    public const string ArchitectureKey = "architecture";
    public const string NameKey = "name";
    public const string ModelIdKey = "model_id";
    public const string JobKindKey = "job_kind";

    /// <summary>model_type of a single RBM (Bernoulli or Gaussian visible units, digits or image patches).</summary>
    public const string RbmType = "rbm";

    /// <summary>model_type of a deep belief network (stack of RBMs plus an optional classifier).</summary>
    public const string DbnType = "dbn";

    /// <summary>model_type of a convolutional network.</summary>
    public const string CnnType = "cnn";

    public static IReadOnlyList<string> ModelTypes { get; } = [RbmType, DbnType, CnnType];

    private const string ChecksumPrefix = "sha256:";

    /// <summary>"sha256:&lt;hex&gt;" of <paramref name="data"/> (lowercase hex).</summary>
    public static string Checksum(ReadOnlySpan<byte> data) => ChecksumPrefix + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary><see cref="Checksum(ReadOnlySpan{byte})"/> of the rest of <paramref name="data"/>, read in buffers.</summary>
    public static async Task<string> ChecksumAsync(Stream data, CancellationToken cancellationToken) =>
        ChecksumPrefix + Convert.ToHexStringLower(await SHA256.HashDataAsync(data, cancellationToken));

    /// <summary>True when <paramref name="checksum"/> is "sha256:" followed by 64 hex digits (either case).</summary>
    public static bool IsWellFormedChecksum(string checksum) =>
        checksum.Length == ChecksumPrefix.Length + 64
        && checksum.StartsWith(ChecksumPrefix, StringComparison.Ordinal)
        && !checksum.AsSpan(ChecksumPrefix.Length).ContainsAnyExcept("0123456789abcdefABCDEF");
}
