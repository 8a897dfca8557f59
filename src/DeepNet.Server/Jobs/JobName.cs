using DeepNet.Server.Infrastructure;
using DeepNet.Numerics;
using DeepNet.Server.Persistence;

namespace DeepNet.Server.Jobs;

/// <summary>The "name" of a job request, the same for every kind: optional, else checked by <see cref="UserText"/>.</summary>
public static class JobName
{
    /// <summary>Length of a name (an omitted name becomes the kind's default name).</summary>
    public static readonly FieldLimit Length = FieldLimit.Integers(1, DeepNetDbContext.NameMaxLength);

    /// <summary>Adds an error keyed "name" when <paramref name="name"/> is blank, too long or hides characters.</summary>
    public static void Check(string? name, Action<string, string> add)
    {
        ArgumentNullException.ThrowIfNull(add);
        if (name is not null && UserText.NameProblem(name, DeepNetDbContext.NameMaxLength) is { } problem)
        {
            add("name", problem);
        }
    }
}
