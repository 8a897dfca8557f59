using System.Globalization;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>The metadata every model file carries (safetensors "__metadata__"), the same keys for every model type.</summary>
public static class ModelMetadata
{
    public const string FormatVersion = "1";

    /// <param name="modelType">"rbm", "dbn" or "cnn".</param>
    /// <param name="architecture">e.g. "784-500-500-2000-10" or "LeNet-5"; null for a single RBM.</param>
    public static Dictionary<string, string> Create(
        Job job,
        string modelType,
        Guid modelId,
        DateTime createdAt,
        string optionsJson,
        string dataSpecJson,
        string metricsJson,
        int imageWidth,
        int imageHeight,
        string? architecture = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format_version"] = FormatVersion,
            ["model_type"] = modelType,
            ["job_kind"] = job.Kind,
            ["hyperparameters"] = optionsJson,
            ["data_spec"] = dataSpecJson,
            ["metrics"] = metricsJson,
            ["created_at"] = createdAt.ToString("O", CultureInfo.InvariantCulture),
            ["job_id"] = job.Id.ToString("D"),
            ["model_id"] = modelId.ToString("D"),
            ["name"] = job.Name,
            ["image_width"] = imageWidth.ToString(CultureInfo.InvariantCulture),
            ["image_height"] = imageHeight.ToString(CultureInfo.InvariantCulture),
        };
        if (architecture is not null)
        {
            metadata["architecture"] = architecture;
        }

        return metadata;
    }
}
