using DeepNet.Numerics;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>The "name" of a job request, the same for every kind: optional, not blank, limited in length.</summary>
public static class JobName
{
    /// <summary>Length of a name (an omitted name becomes the kind's default name).</summary>
    public static readonly FieldLimit Length = FieldLimit.Integers(1, DeepNetDbContext.NameMaxLength);

    /// <summary>Adds an error keyed "name" when <paramref name="name"/> is blank or too long.</summary>
    public static void Check(string? name, Action<string, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            add("name", "must not be blank");
        }
        else if (name is not null && !Length.Contains(name.Length))
        {
            add("name", $"must be at most {Length.Max} characters");
        }
    }
}
