using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Endpoints;

/// <summary>Validates a job submission; error keys name the JSON field ("name", "rbm.hiddenUnits", "data.classes").</summary>
public static class JobRequestValidator
{
    public const string DefaultName = "RBM job";

    public static Dictionary<string, string[]> Validate(string? name, RbmOptions options, DataSpec data)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["must not be blank"];
        }
        else if (name is { Length: > DeepNetDbContext.NameMaxLength })
        {
            errors["name"] = [$"must be at most {DeepNetDbContext.NameMaxLength} characters"];
        }

        var dataErrors = DataSpecValidator.Validate(data, "data");
        foreach (var (key, messages) in dataErrors)
        {
            errors[key] = [.. messages];
        }

        // The visible layer is the image; with an invalid size the RBM limits are still checked against 28×28.
        int side = dataErrors.ContainsKey("data.imageSize") ? 28 : data.ImageSize;
        foreach (var (key, messages) in RbmOptionsValidator.Validate(options, side * side, "rbm"))
        {
            errors[key] = [.. messages];
        }

        return errors;
    }

    public static string NameOrDefault(string? name) => name?.Trim() is { Length: > 0 } trimmed ? trimmed : DefaultName;
}
