namespace DeepNet.Models;

/// <summary>
/// The tensors and metadata of one safetensors file being assembled: tensors are held by reference (no copy of their
/// data) and the file is written once by <see cref="ToBytes"/>. <see cref="Under"/> gives a view that prefixes every
/// name it adds, so a state nested in another's file adds its own entries directly.
/// </summary>
public sealed class SafeTensorsContents
{
    private readonly List<Tensor> _tensors;
    private readonly Dictionary<string, string> _metadata;
    private readonly string _prefix;

    public SafeTensorsContents()
        : this([], [], "")
    {
    }

    private SafeTensorsContents(List<Tensor> tensors, Dictionary<string, string> metadata, string prefix)
    {
        _tensors = tensors;
        _metadata = metadata;
        _prefix = prefix;
    }

    /// <summary>Sets the metadata entry <paramref name="key"/> (under this view's prefix).</summary>
    public string this[string key]
    {
        set => _metadata[_prefix + key] = value;
    }

    /// <summary>Sets "format" and "version", the entries a state file is recognized by.</summary>
    public void SetFormat(string format, string version)
    {
        this["format"] = format;
        this["version"] = version;
    }

    /// <summary>Sets every entry of <paramref name="metadata"/> (under this view's prefix), in its order.</summary>
    public void SetMetadata(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        foreach ((string key, string value) in metadata)
        {
            this[key] = value;
        }
    }

    /// <summary>A view of the same file whose names all start with <paramref name="prefix"/> (after this view's own).</summary>
    public SafeTensorsContents Under(string prefix) => new(_tensors, _metadata, _prefix + prefix);

    /// <summary>Adds a float32 tensor of <paramref name="shape"/> (row-major <paramref name="data"/>, not copied).</summary>
    public void Add(string name, int[] shape, float[] data) => _tensors.Add(new Tensor(_prefix + name, shape, data));

    public void Add(Tensor tensor) => Add(tensor.Name, tensor.Shape, tensor.Data);

    /// <summary>The whole file (every view's entries), written once into an exactly sized array.</summary>
    public byte[] ToBytes() => ToFile().ToArray();

    /// <summary>The whole file (every view's entries) ready to be written to a stream; its tensors are referenced, not copied.</summary>
    public SafeTensorsFile ToFile() => SafeTensors.Prepare(_tensors, _metadata);
}

/// <summary>A state that stores itself as entries of a safetensors file, alone or nested in another state's file.</summary>
public interface ISafeTensorsState
{
    /// <summary>Adds the state's tensors (by reference) and metadata to <paramref name="contents"/>.</summary>
    void AppendTo(SafeTensorsContents contents);
}

/// <summary>Writes states that implement <see cref="ISafeTensorsState"/>.</summary>
public static class SafeTensorsState
{
    /// <summary><paramref name="state"/> alone as a safetensors file.</summary>
    public static byte[] Write(ISafeTensorsState state) => Prepare(state).ToArray();

    /// <summary><paramref name="state"/> alone as a safetensors file ready to be written to a stream (its arrays referenced).</summary>
    public static SafeTensorsFile Prepare(ISafeTensorsState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var contents = new SafeTensorsContents();
        state.AppendTo(contents);
        return contents.ToFile();
    }
}
