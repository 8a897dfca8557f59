using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepNet.Server.Infrastructure;

/// <summary>One JSON shape everywhere: HTTP, SignalR, the JSON columns and the model file metadata.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Options { get; } = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>camelCase names (already set by the web defaults) and enums as their names.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter());
        }

        return options;
    }
}
