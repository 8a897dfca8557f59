using System.Text.Json;
using System.Text.Json.Nodes;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Assignments;

/// <summary>
/// An assignment's job template: a student's job body may differ from it only in the editable settings. Objects are
/// walked property by property; arrays and other values are compared whole (a student's shorter digit list is a change,
/// not a prefix). A setting the student leaves out (or sets to null) takes the template's value.
/// </summary>
public static class JobTemplate
{
    /// <summary>The job to run: the template with the student's editable settings, or a 400 naming every fixed setting that differs.</summary>
    public static Outcome<JsonObject> Apply(JsonObject template, JsonObject? student, IReadOnlyList<string> editable)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(editable);
        var job = (JsonObject)template.DeepClone();
        if (student is null)
        {
            return job;
        }

        var fixedValues = Leaves(template);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (path, value) in Leaves(student))
        {
            if (IsEditable(path, editable))
            {
                continue;
            }

            bool isSet = fixedValues.TryGetValue(path, out var fixedValue);
            if (!isSet || !JsonElement.DeepEquals(fixedValue, value))
            {
                string expected = isSet ? fixedValue.GetRawText() : "not set";
                errors[path] = [$"is fixed by the assignment ({expected}); students may change only {Describe(editable)}."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, "Fixed setting changed", "The assignment fixes these settings.");
        }

        foreach (string path in editable)
        {
            if (Find(student, path) is { } node)
            {
                Set(job, path, node.DeepClone());
            }
        }

        return job;
    }

    /// <summary>Whether <paramref name="path"/> is one of the editable settings or inside one.</summary>
    public static bool IsEditable(string path, IReadOnlyList<string> editable) =>
        editable.Any(e => path == e || path.StartsWith(e + ".", StringComparison.Ordinal));

    /// <summary>Setting paths are property names joined by dots: "rbm.hiddenUnits", "patches.trainImage".</summary>
    public static bool IsWellFormedPath(string path) =>
        path.Length is > 0 and <= 100 && path.Split('.').All(part => part.Length > 0 && char.IsAsciiLetter(part[0]) && part.All(char.IsAsciiLetterOrDigit));

    /// <summary>path → value of every non-null leaf (arrays and scalars) under the object.</summary>
    private static Dictionary<string, JsonElement> Leaves(JsonObject root)
    {
        var leaves = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        Walk(JsonSerializer.SerializeToElement(root), "", leaves);
        return leaves;
    }

    private static void Walk(JsonElement element, string path, Dictionary<string, JsonElement> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", leaves);
                }

                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            default:
                leaves[path] = element.Clone();
                break;
        }
    }

    private static JsonNode? Find(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (string part in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
        }

        return node;
    }

    private static void Set(JsonObject root, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var parent = root;
        foreach (string part in parts[..^1])
        {
            if (parent[part] is not JsonObject child)
            {
                child = [];
                parent[part] = child;
            }

            parent = child;
        }

        parent[parts[^1]] = value;
    }

    private static string Describe(IReadOnlyList<string> editable) => editable.Count == 0 ? "nothing" : string.Join(", ", editable);
}
