using System.Collections.Concurrent;

namespace DeepNet.Data;

/// <summary>
/// Public-domain and CC0 photos embedded in this assembly (from scikit-image's sample data; see Images/LICENCES.md),
/// so the patch-based exercises run without uploads. Each is decoded once per process.
/// </summary>
public static class BuiltInImages
{
    private const string ScikitImage = "scikit-image sample data (skimage.data), Debian package python3-skimage 0.19.3-8";

    private static readonly (BuiltInImageInfo Info, string File)[] _images =
    [
        (new BuiltInImageInfo("chelsea", "Chelsea the cat", 451, 300,
            "CC0 1.0 (photographer Stéfan van der Walt)", $"{ScikitImage}: chelsea.png"), "chelsea.png"),
        (new BuiltInImageInfo("coffee", "Coffee cup", 600, 400,
            "CC0 1.0 (photographer Rachel Michetti, courtesy of Pikolo Espresso Bar)", $"{ScikitImage}: coffee.png"), "coffee.png"),
        (new BuiltInImageInfo("rocket", "Launch of DSCOVR on a Falcon 9", 640, 427,
            "Public domain (released by SpaceX)", $"{ScikitImage}: rocket.jpg"), "rocket.jpg"),
    ];

    private static readonly ConcurrentDictionary<string, Lazy<GrayImage>> _decoded = new(StringComparer.Ordinal);

    /// <summary>Every built-in image, the cat first.</summary>
    public static IReadOnlyList<BuiltInImageInfo> All { get; } = Array.AsReadOnly(_images.Select(i => i.Info).ToArray());

    /// <summary>The image called <paramref name="name"/>, or null.</summary>
    public static BuiltInImageInfo? Find(string name) => _images.FirstOrDefault(i => i.Info.Name == name).Info;

    /// <summary>Loads a built-in image as greyscale in [0,1]; each call returns a fresh copy the caller may modify.</summary>
    /// <exception cref="ArgumentException">No built-in image has that name.</exception>
    public static GrayImage Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string file = _images.FirstOrDefault(i => i.Info.Name == name).File
            ?? throw new ArgumentException(
                $"Unknown built-in image \"{name}\"; available: {string.Join(", ", _images.Select(i => i.Info.Name))}.", nameof(name));
        return _decoded.GetOrAdd(name, _ => new Lazy<GrayImage>(() => Decode(file), LazyThreadSafetyMode.ExecutionAndPublication))
            .Value.Clone();
    }

    /// <summary>The original file (PNG or JPEG) of a built-in image.</summary>
    /// <exception cref="ArgumentException">No built-in image has that name.</exception>
    public static byte[] ReadFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string file = _images.FirstOrDefault(i => i.Info.Name == name).File
            ?? throw new ArgumentException($"Unknown built-in image \"{name}\".", nameof(name));
        return ReadResource(file);
    }

    private static GrayImage Decode(string file) => ImageDecoder.Decode(ReadResource(file));

    private static byte[] ReadResource(string file)
    {
        string resource = $"DeepNet.Data.Images.{file}";
        using Stream stream = typeof(BuiltInImages).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing from {typeof(BuiltInImages).Assembly.GetName().Name}.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
