namespace DeepNet.Server.Tests.Architecture;

/// <summary>
/// DeepNet.Server reads top-down: the root composes the features; features use the job engine (Jobs) and the
/// foundation; the engine uses only the foundation; the foundation uses nothing above it. A wrong arrow or a cycle
/// between folders fails here with the type that makes it.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Folders of the foundation: the database, the job API's wire contracts, and cross-cutting HTTP plumbing.</summary>
    public static readonly string[] Foundation = ["Persistence", "Contracts", "Infrastructure"];

    public const string Engine = "Jobs";

    /// <summary>Features: each holds its API, contracts, hub and services, with its own AddX/MapX.</summary>
    public static readonly string[] Features = ["Accounts", "RbmFamily", "Dbn", "Cnn", "Sharing", "Library", "Pooling", "Demos", "Experiments", "Stepper", "Compare", "Assignments"];

    private static readonly Lazy<FolderDependencies> Dependencies =
        new(() => FolderDependencies.Of(typeof(Program).Assembly.Location));

    [Fact]
    public void EveryFolderIsAKnownLayer()
    {
        var known = Foundation.Append(Engine).Concat(Features).Append("").ToHashSet(StringComparer.Ordinal);
        var unknown = Dependencies.Value.Edges.Keys.Where(folder => !known.Contains(folder)).Order(StringComparer.Ordinal).ToList();
        Assert.True(unknown.Count == 0, $"Folders without a layer: {string.Join(", ", unknown)}. Add them to ArchitectureTests.");
    }

    [Fact]
    public void NoFolderDependsOnALayerAboveIt()
    {
        var wrong = Dependencies.Value.Edges
            .SelectMany(e => e.Value.Where(t => Layer(t.Key) > Layer(e.Key)).Select(t => $"{Name(e.Key)} → {Name(t.Key)} ({t.Value})"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(wrong.Count == 0, "Arrows pointing up:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void FoldersFormNoCycle()
    {
        var dependencies = Dependencies.Value;
        var cycles = dependencies.Cycles()
            .Select(c => string.Join(" ↔ ", c.Select(Name)) + ": " + string.Join("; ", c.SelectMany(from => c
                .Where(to => dependencies.Edges.TryGetValue(from, out var t) && t.ContainsKey(to))
                .Select(to => dependencies.Edges[from][to]))))
            .ToList();
        Assert.True(cycles.Count == 0, "Cycles between folders:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void TheEngineKnowsNoModelKindByName()
    {
        var kinds = new[] { "RbmFamily", "Dbn", "Cnn" };
        var engineUses = Dependencies.Value.Edges.GetValueOrDefault(Engine) ?? new Dictionary<string, string>();
        Assert.Empty(engineUses.Keys.Intersect(kinds));
    }

    /// <summary>The architecture test itself must see the real graph: the root uses features, features use the engine.</summary>
    [Fact]
    public void TheGraphIsReadFromTheAssembly()
    {
        var edges = Dependencies.Value.Edges;
        Assert.Contains("Jobs", edges[""].Keys);
        Assert.Contains("Jobs", edges["Dbn"].Keys);
        Assert.Contains("Persistence", edges["Jobs"].Keys);
    }

    private static int Layer(string folder) =>
        folder == "" ? 3 : Features.Contains(folder) ? 2 : folder == Engine ? 1 : 0;

    private static string Name(string folder) => folder == "" ? "(root)" : folder;
}
