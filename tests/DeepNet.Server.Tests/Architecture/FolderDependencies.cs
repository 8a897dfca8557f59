using Mono.Cecil;
using Mono.Cecil.Cil;

namespace DeepNet.Server.Tests.Architecture;

/// <summary>
/// Which folders of DeepNet.Server use which, read from the compiled assembly's IL with Mono.Cecil: a folder is the
/// first namespace segment below DeepNet.Server (types directly in DeepNet.Server are the root, ""). Every type a
/// type mentions counts — base types, interfaces, fields, signatures, attributes, and the types, methods and fields
/// its method bodies use; compiler-generated nested types (lambdas, async state machines) count for their outer type.
/// </summary>
public sealed class FolderDependencies
{
    public const string RootNamespace = "DeepNet.Server";

    private FolderDependencies(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> edges) => Edges = edges;

    /// <summary>For each folder, the folders it uses, each with one example ("Type → Type") to quote in a failure.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Edges { get; }

    public static FolderDependencies Of(string assemblyPath)
    {
        var edges = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        foreach (var type in module.GetTypes())
        {
            var outer = type;
            while (outer.DeclaringType is not null)
            {
                outer = outer.DeclaringType;
            }

            if (FolderOf(outer.Namespace) is not { } from)
            {
                continue;
            }

            var targets = edges.TryGetValue(from, out var found) ? found : edges[from] = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var used in UsedTypes(type).SelectMany(Expand))
            {
                var usedOuter = used;
                while (usedOuter.DeclaringType is not null)
                {
                    usedOuter = usedOuter.DeclaringType;
                }

                if (FolderOf(usedOuter.Namespace) is { } to && to != from)
                {
                    targets.TryAdd(to, $"{outer.FullName} → {usedOuter.FullName}");
                }
            }
        }

        return new FolderDependencies(edges.ToDictionary(
            e => e.Key, e => (IReadOnlyDictionary<string, string>)e.Value, StringComparer.Ordinal));
    }

    /// <summary>"" for the root namespace, the first segment below it, or null for types outside DeepNet.Server.</summary>
    public static string? FolderOf(string? ns)
    {
        if (ns == RootNamespace)
        {
            return "";
        }

        if (ns is null || !ns.StartsWith(RootNamespace + ".", StringComparison.Ordinal))
        {
            return null;
        }

        string rest = ns[(RootNamespace.Length + 1)..];
        int dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>The folders that take part in a cycle (strongly connected components of more than one folder).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();
        int next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var targets) ? targets.Keys : [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    cycles.Add(component);
                }
            }
        }

        foreach (var v in Edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return cycles;
    }

    /// <summary>A type with the types inside it: List&lt;Job&gt; is List and Job; Job[] is Job.</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        switch (type)
        {
            case GenericInstanceType generic:
                foreach (var inner in Expand(generic.ElementType).Concat(generic.GenericArguments.SelectMany(Expand)))
                {
                    yield return inner;
                }

                break;
            case TypeSpecification specification:
                foreach (var inner in Expand(specification.ElementType))
                {
                    yield return inner;
                }

                break;
            default:
                yield return type;
                break;
        }
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null)
        {
            yield return type.BaseType;
        }

        foreach (var i in type.Interfaces)
        {
            yield return i.InterfaceType;
        }

        foreach (var a in type.CustomAttributes)
        {
            yield return a.AttributeType;
        }

        foreach (var f in type.Fields)
        {
            yield return f.FieldType;
        }

        foreach (var p in type.Properties)
        {
            yield return p.PropertyType;
        }

        foreach (var m in type.Methods)
        {
            yield return m.ReturnType;
            foreach (var p in m.Parameters)
            {
                yield return p.ParameterType;
            }

            foreach (var a in m.CustomAttributes)
            {
                yield return a.AttributeType;
            }

            if (!m.HasBody)
            {
                continue;
            }

            foreach (var v in m.Body.Variables)
            {
                yield return v.VariableType;
            }

            foreach (var instruction in m.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        yield return t;
                        break;
                    case MethodReference method:
                        yield return method.DeclaringType;
                        yield return method.ReturnType;
                        if (method is GenericInstanceMethod generic)
                        {
                            foreach (var argument in generic.GenericArguments)
                            {
                                yield return argument;
                            }
                        }

                        break;
                    case FieldReference field:
                        yield return field.DeclaringType;
                        break;
                }
            }
        }
    }
}
