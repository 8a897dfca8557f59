namespace DeepNet.Data;

/// <summary>A photo shipped with DeepNet.Data: its name (as in "builtin:&lt;name&gt;"), size, licence and origin.</summary>
public sealed record BuiltInImageInfo(string Name, string Title, int Width, int Height, string Licence, string Source);
