using System.Globalization;
using System.Text.Json;
using DeepNet.Models.Cnn;
using DeepNet.Models.Dbn;

namespace DeepNet.Models.ModelExchange;

/// <summary>What the writer adds to a model file's metadata on export.</summary>
/// <param name="ModelType">"rbm", "dbn" or "cnn".</param>
/// <param name="Author">Who made the model (the owner's name or e-mail).</param>
/// <param name="CreatedAt">When the model was created (UTC; written ISO 8601 round-trip).</param>
/// <param name="Parent">The model it was forked or imported from; null for none (written as "").</param>
/// <param name="Extra">Further entries (e.g. "name", "model_id", "description"); they cannot override the format's own keys.</param>
public sealed record ModelExchangeStamp(
    string ModelType, string Author, DateTime CreatedAt, Guid? Parent, IReadOnlyDictionary<string, string>? Extra = null);

/// <summary>A model file that passed every check of <see cref="ModelExchangeFile.Read"/>.</summary>
/// <param name="ModelType">"rbm", "dbn" or "cnn".</param>
/// <param name="Metadata">Every <c>__metadata__</c> entry.</param>
/// <param name="Checksum">The verified "sha256:&lt;hex&gt;" of the data section.</param>
/// <param name="VisibleUnits">Inputs: visible units of an RBM, inputs of a DBN, C·H·W of a CNN.</param>
/// <param name="HiddenUnits">Hidden units of an RBM, the top layer's units of a DBN, the classes of a CNN.</param>
/// <param name="ImageWidth">Input image width (image_width).</param>
/// <param name="ImageHeight">Input image height (image_height).</param>
/// <param name="Architecture">The architecture text from the metadata, or null.</param>
/// <param name="Rbm">The RBM when <paramref name="ModelType"/> is "rbm".</param>
/// <param name="Dbn">The DBN (stack and optional classifier) when "dbn".</param>
/// <param name="Cnn">The network (batch size 1) when "cnn".</param>
public sealed record ModelExchangeContents(
    string ModelType,
    IReadOnlyDictionary<string, string> Metadata,
    string Checksum,
    int VisibleUnits,
    int HiddenUnits,
    int ImageWidth,
    int ImageHeight,
    string? Architecture,
    Rbm? Rbm,
    DbnModelFileContents? Dbn,
    Network? Cnn);

/// <summary>
/// Export and strict import of model files in the exchange format (<see cref="ModelExchangeFormat"/>).
/// <see cref="Export"/> stamps a stored model file with format version, model type, tensor shapes, author, creation time,
/// parent and the checksum, keeping its data section byte for byte. <see cref="Read"/> refuses anything that is not such a
/// file — structure (<see cref="SafeTensorsLayout"/>), size, format version, checksum, model type, tensor set and shapes,
/// finite values, image size — with an <see cref="InvalidDataException"/> whose message says why.
/// </summary>
public static class ModelExchangeFile
{
    private const int MaxArchitectureLength = 200;

    /// <summary>Largest activation or im2col buffer (floats per sample) a CNN file may imply.</summary>
    private const long MaxCnnBufferElements = 16L * 1024 * 1024;

    /// <summary>Reserved keys the writer sets itself.</summary>
    private static readonly HashSet<string> _formatKeys =
    [
        ModelExchangeFormat.FormatVersionKey, ModelExchangeFormat.ModelTypeKey, ModelExchangeFormat.TensorShapesKey, ModelExchangeFormat.AuthorKey,
        ModelExchangeFormat.CreatedAtKey, ModelExchangeFormat.ParentKey, ModelExchangeFormat.ChecksumKey,
    ];

    /// <summary>
    /// The exchange file of a stored model file (any safetensors file of F32 tensors, e.g. from <see cref="RbmModelFile.Save"/>):
    /// its metadata plus the stamp's entries, <c>tensor_shapes</c> and <c>checksum</c>; tensors and data unchanged.
    /// </summary>
    public static byte[] Export(ReadOnlySpan<byte> stored, ModelExchangeStamp stamp)
    {
        var layout = SafeTensorsLayout.Parse(stored, maxFileBytes: int.MaxValue);
        ReadOnlySpan<byte> data = layout.Data(stored);
        byte[] header = ExportHeader(layout, ModelExchangeFormat.Checksum(data), stamp);
        var file = new byte[checked(header.Length + data.Length)];
        header.CopyTo(file, 0);
        data.CopyTo(file.AsSpan(header.Length));
        return file;
    }

    /// <summary>
    /// The first bytes of <see cref="Export"/>'s file (the 8-byte length and the stamped header) for a stored file of
    /// <paramref name="layout"/> whose data section has <paramref name="dataChecksum"/>; the stored data section follows
    /// them unchanged, so a download can stream it.
    /// </summary>
    public static byte[] ExportHeader(SafeTensorsLayout layout, string dataChecksum, ModelExchangeStamp stamp)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(stamp);
        if (!ModelExchangeFormat.ModelTypes.Contains(stamp.ModelType))
        {
            throw new ArgumentException($"Unknown model type '{stamp.ModelType}'.", nameof(stamp));
        }

        var metadata = new Dictionary<string, string>(layout.Metadata, StringComparer.Ordinal);
        foreach ((string key, string value) in stamp.Extra ?? new Dictionary<string, string>())
        {
            if (!_formatKeys.Contains(key))
            {
                metadata[key] = value;
            }
        }

        metadata[ModelExchangeFormat.FormatVersionKey] = ModelExchangeFormat.Version;
        metadata[ModelExchangeFormat.ModelTypeKey] = stamp.ModelType;
        metadata[ModelExchangeFormat.TensorShapesKey] = TensorShapesJson(layout.Entries);
        metadata[ModelExchangeFormat.AuthorKey] = stamp.Author;
        metadata[ModelExchangeFormat.CreatedAtKey] = DateTime.SpecifyKind(stamp.CreatedAt, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);
        metadata[ModelExchangeFormat.ParentKey] = stamp.Parent?.ToString("D") ?? "";
        metadata[ModelExchangeFormat.ChecksumKey] = dataChecksum;
        return WriteHeader(layout.Entries, metadata);
    }

    /// <summary>Writes <paramref name="tensors"/> with <paramref name="metadata"/> and stamps the result (<see cref="Export"/>).</summary>
    public static byte[] Create(IReadOnlyList<Tensor> tensors, IReadOnlyDictionary<string, string> metadata, ModelExchangeStamp stamp) =>
        Export(SafeTensors.Write(tensors, metadata), stamp);

    /// <summary>
    /// Reads an exchange file strictly. Checks, in order: size ≤ 64 MiB, header length, header JSON, F32 only, offsets
    /// contiguous and covering the data exactly, format_version "1", the checksum, model_type, tensor_shapes, finite values,
    /// image_width/image_height, required and unexpected tensors, and shapes consistent with the model type.
    /// </summary>
    /// <exception cref="InvalidDataException">The file fails a check; the message says which and why.</exception>
    public static ModelExchangeContents Read(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var layout = SafeTensorsLayout.Parse(file);
        IReadOnlyDictionary<string, string> metadata = layout.Metadata;
        CheckFormatVersion(metadata);
        string checksum = CheckChecksum(metadata, layout.Data(file));
        string modelType = ReadModelType(metadata);
        CheckTensorShapes(metadata, layout.Entries);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (SafeTensorsEntry entry in layout.Entries)
        {
            float[] values = layout.ReadValues(file, entry);
            CheckFinite(entry.Name, values);
            tensors.Add(entry.Name, new Tensor(entry.Name, entry.Shape, values));
        }

        int width = ReadImageSide(metadata, ModelExchangeFormat.ImageWidthKey);
        int height = ReadImageSide(metadata, ModelExchangeFormat.ImageHeightKey);
        string? architecture = metadata.GetValueOrDefault(ModelExchangeFormat.ArchitectureKey);
        if (architecture is { Length: > MaxArchitectureLength })
        {
            throw new InvalidDataException($"architecture has {architecture.Length} characters; at most {MaxArchitectureLength} are accepted.");
        }

        return modelType switch
        {
            ModelExchangeFormat.RbmType => ReadRbm(file, tensors, metadata, checksum, width, height, architecture),
            ModelExchangeFormat.DbnType => ReadDbn(file, tensors, metadata, checksum, width, height, architecture),
            _ => ReadCnn(file, tensors, metadata, checksum, width, height, architecture),
        };
    }

    private static ModelExchangeContents ReadRbm(
        byte[] file, Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata, string checksum, int width, int height, string? architecture)
    {
        const string needs = "an rbm file needs weights [hidden, visible], visible_bias [visible] and hidden_bias [hidden]";
        CheckTensorSet(tensors, [RbmModelFile.WeightsName, RbmModelFile.VisibleBiasName, RbmModelFile.HiddenBiasName], needs);
        Tensor weights = tensors[RbmModelFile.WeightsName];
        Tensor visibleBias = tensors[RbmModelFile.VisibleBiasName];
        Tensor hiddenBias = tensors[RbmModelFile.HiddenBiasName];
        if (weights.Shape.Length != 2 || weights.Shape[0] < 1 || weights.Shape[1] < 1)
        {
            throw new InvalidDataException(
                $"Shape mismatch: weights is {SafeTensorsEntry.FormatShape(weights.Shape)}; it must be [hidden, visible] with both at least 1.");
        }

        int hidden = weights.Shape[0];
        int visible = weights.Shape[1];
        CheckShape(visibleBias, [visible], $"weights is [{hidden},{visible}], so visible_bias must be [{visible}]");
        CheckShape(hiddenBias, [hidden], $"weights is [{hidden},{visible}], so hidden_bias must be [{hidden}]");
        CheckImage(width, height, visible, "visible units");
        (Rbm rbm, _) = RbmModelFile.Load(file);
        return new ModelExchangeContents(ModelExchangeFormat.RbmType, metadata, checksum, visible, hidden, width, height, architecture, rbm, null, null);
    }

    private static ModelExchangeContents ReadDbn(
        byte[] file, Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata, string checksum, int width, int height, string? architecture)
    {
        int layers = ReadCount(metadata, DbnModelFile.LayersKey, 1, 64);
        int classifierLayers = ReadCount(metadata, DbnModelFile.ClassifierLayersKey, 0, 64);
        var expected = new List<string>();
        for (int l = 0; l < layers; l++)
        {
            expected.AddRange([$"layers.{l}.weight", $"layers.{l}.visible_bias", $"layers.{l}.hidden_bias"]);
        }

        for (int l = 0; l < classifierLayers; l++)
        {
            expected.AddRange([$"classifier.{l}.weight", $"classifier.{l}.bias"]);
        }

        CheckTensorSet(tensors, expected,
            $"a dbn file with dbn_layers {layers} and dbn_classifier_layers {classifierLayers} needs layers.{{0..{layers - 1}}}.weight/visible_bias/hidden_bias"
            + (classifierLayers > 0 ? $" and classifier.{{0..{classifierLayers - 1}}}.weight/bias" : ""));
        foreach (Tensor t in tensors.Values)
        {
            int rank = t.Name.EndsWith(".weight", StringComparison.Ordinal) ? 2 : 1;
            if (t.Shape.Length != rank || t.Shape.Any(d => d < 1))
            {
                throw new InvalidDataException(
                    $"Shape mismatch: '{t.Name}' is {SafeTensorsEntry.FormatShape(t.Shape)}; it must have {rank} dimension(s), each at least 1.");
            }
        }

        DbnModelFileContents contents = DbnModelFile.Load(file);

        CheckImage(width, height, contents.Stack.Inputs, "inputs");
        return new ModelExchangeContents(
            ModelExchangeFormat.DbnType, metadata, checksum, contents.Stack.Inputs, contents.Stack.TopUnits, width, height, architecture, null, contents, null);
    }

    private static ModelExchangeContents ReadCnn(
        byte[] file, Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata, string checksum, int width, int height, string? architecture)
    {
        TensorShape input;
        List<LayerSpec>? layers;
        try
        {
            input = JsonSerializer.Deserialize<TensorShape>(Require(metadata, CnnModelFile.InputKey));
            layers = JsonSerializer.Deserialize<List<LayerSpec>>(Require(metadata, CnnModelFile.LayersKey));
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new InvalidDataException($"cnn_input / cnn_layers do not describe a network: {e.Message}", e);
        }

        if (layers is null || layers.Count == 0 || layers.Count > 64)
        {
            throw new InvalidDataException("cnn_layers must list 1 to 64 layers.");
        }

        if (input.Channels is < 1 or > 64 || input.Width != width || input.Height != height)
        {
            throw new InvalidDataException(
                $"cnn_input {input} does not fit the image: it must be 1 to 64 channels × image_height {height} × image_width {width}.");
        }

        IReadOnlyList<TensorShape> shapes;
        try
        {
            shapes = Network.InferShapes(input, layers);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"cnn_layers do not fit together: {e.Message}", e);
        }

        var expected = new List<(string Name, long[] Shape)>();
        for (int i = 0; i < layers.Count; i++)
        {
            TensorShape inShape = shapes[i];
            TensorShape outShape = shapes[i + 1];
            long outSize = (long)outShape.Channels * outShape.Height * outShape.Width;
            long buffer = layers[i] is ConvolutionSpec c ? (long)inShape.Channels * c.Kernel * c.Kernel * outShape.Height * outShape.Width : outSize;
            if (outSize > MaxCnnBufferElements || buffer > MaxCnnBufferElements)
            {
                throw new InvalidDataException($"cnn_layers: layer {i + 1} ({layers[i].Describe()}) is too large (more than {MaxCnnBufferElements} values per sample).");
            }

            switch (layers[i])
            {
                case ConvolutionSpec conv:
                    expected.Add(($"param.{expected.Count}.weight", [conv.Filters, inShape.Channels, conv.Kernel, conv.Kernel]));
                    expected.Add(($"param.{expected.Count}.bias", [conv.Filters]));
                    break;
                case DenseSpec dense:
                    expected.Add(($"param.{expected.Count}.weight", [dense.Units, (long)inShape.Channels * inShape.Height * inShape.Width]));
                    expected.Add(($"param.{expected.Count}.bias", [dense.Units]));
                    break;
            }
        }

        CheckTensorSet(tensors, [.. expected.Select(e => e.Name)], $"a cnn file with these cnn_layers needs {expected.Count} parameter tensors param.{{i}}.weight/bias");
        foreach ((string name, long[] shape) in expected)
        {
            Tensor t = tensors[name];
            if (!t.Shape.Select(d => (long)d).SequenceEqual(shape))
            {
                throw new InvalidDataException(
                    $"Shape mismatch: '{name}' is {SafeTensorsEntry.FormatShape(t.Shape)} but cnn_layers need [{string.Join(",", shape)}].");
            }
        }

        (Network network, _) = CnnModelFile.Load(file);
        return new ModelExchangeContents(
            ModelExchangeFormat.CnnType, metadata, checksum, input.Size, network.Classes, width, height, architecture, null, null, network);
    }

    private static void CheckFormatVersion(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(ModelExchangeFormat.FormatVersionKey, out string? version))
        {
            throw new InvalidDataException(
                $"The file has no format_version in its __metadata__; model files exported by DeepNetService carry format_version \"{ModelExchangeFormat.Version}\".");
        }

        if (version != ModelExchangeFormat.Version)
        {
            throw new InvalidDataException(
                $"Unknown format_version '{SafeTensorsLayout.Shorten(version)}': this server reads format version {ModelExchangeFormat.Version}.");
        }
    }

    private static string CheckChecksum(IReadOnlyDictionary<string, string> metadata, ReadOnlySpan<byte> data)
    {
        if (!metadata.TryGetValue(ModelExchangeFormat.ChecksumKey, out string? stated))
        {
            throw new InvalidDataException("The file has no checksum in its __metadata__ (\"sha256:<hex>\" of the tensor data); its integrity cannot be verified.");
        }

        if (!ModelExchangeFormat.IsWellFormedChecksum(stated))
        {
            throw new InvalidDataException($"The checksum must be \"sha256:\" followed by 64 hex digits, got '{SafeTensorsLayout.Shorten(stated)}'.");
        }

        string actual = ModelExchangeFormat.Checksum(data);
        if (!string.Equals(stated, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"Checksum mismatch: the file states {stated} but its tensor data hashes to {actual}; the file was altered or damaged after export.");
        }

        return actual;
    }

    private static string ReadModelType(IReadOnlyDictionary<string, string> metadata)
    {
        string type = metadata.GetValueOrDefault(ModelExchangeFormat.ModelTypeKey)
            ?? throw new InvalidDataException("The file has no model_type in its __metadata__ (rbm, dbn or cnn).");
        if (!ModelExchangeFormat.ModelTypes.Contains(type))
        {
            throw new InvalidDataException($"Unknown model_type '{SafeTensorsLayout.Shorten(type)}': expected rbm, dbn or cnn.");
        }

        return type;
    }

    private static void CheckTensorShapes(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafeTensorsEntry> entries)
    {
        if (!metadata.TryGetValue(ModelExchangeFormat.TensorShapesKey, out string? json))
        {
            return;
        }

        Dictionary<string, int[]>? declared;
        try
        {
            declared = JsonSerializer.Deserialize<Dictionary<string, int[]>>(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"tensor_shapes must be a JSON object of tensor name → shape: {e.Message}", e);
        }

        if (declared is null || declared.Count != entries.Count || entries.Any(e => !declared.TryGetValue(e.Name, out int[]? s) || s is null || !s.SequenceEqual(e.Shape)))
        {
            SafeTensorsEntry? differing = entries.FirstOrDefault(e => declared is null || !declared.TryGetValue(e.Name, out int[]? s) || s is null || !s.SequenceEqual(e.Shape));
            throw new InvalidDataException(differing is null
                ? "tensor_shapes in the metadata lists tensors the file does not hold."
                : $"tensor_shapes in the metadata does not match tensor '{differing.Name}' of shape {differing.ShapeText}.");
        }
    }

    private static void CheckFinite(string name, float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v))
            {
                string what = float.IsNaN(v) ? "NaN" : float.IsPositiveInfinity(v) ? "+infinity" : "-infinity";
                throw new InvalidDataException($"Tensor '{name}' holds {what} at element {i} of {values.Length}; a model file must hold finite numbers only.");
            }
        }
    }

    private static int ReadImageSide(IReadOnlyDictionary<string, string> metadata, string key)
    {
        string? text = metadata.GetValueOrDefault(key);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > ModelExchangeFormat.MaxImageSide)
        {
            throw new InvalidDataException($"{key} must be an integer from 1 to {ModelExchangeFormat.MaxImageSide}, got '{SafeTensorsLayout.Shorten(text ?? "(missing)")}'.");
        }

        return value;
    }

    private static void CheckImage(int width, int height, int units, string what)
    {
        if ((long)width * height != units)
        {
            throw new InvalidDataException($"Shape mismatch: image_width {width} × image_height {height} = {(long)width * height} but the model has {units} {what}.");
        }
    }

    private static void CheckTensorSet(Dictionary<string, Tensor> tensors, IReadOnlyList<string> expected, string needs)
    {
        foreach (string name in expected)
        {
            if (!tensors.ContainsKey(name))
            {
                throw new InvalidDataException($"Missing tensor '{name}': {needs}.");
            }
        }

        var known = new HashSet<string>(expected, StringComparer.Ordinal);
        foreach (string name in tensors.Keys)
        {
            if (!known.Contains(name))
            {
                throw new InvalidDataException($"Unexpected tensor '{SafeTensorsLayout.Shorten(name)}': {needs}.");
            }
        }
    }

    private static void CheckShape(Tensor tensor, int[] expected, string rule)
    {
        if (!tensor.Shape.SequenceEqual(expected))
        {
            throw new InvalidDataException($"Shape mismatch: {tensor.Name} is {SafeTensorsEntry.FormatShape(tensor.Shape)}, but {rule}.");
        }
    }

    private static int ReadCount(IReadOnlyDictionary<string, string> metadata, string key, int min, int max)
    {
        string? text = metadata.GetValueOrDefault(key);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new InvalidDataException($"{key} must be an integer from {min} to {max}, got '{SafeTensorsLayout.Shorten(text ?? "(missing)")}'.");
        }

        return value;
    }

    private static string Require(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.GetValueOrDefault(key) ?? throw new InvalidDataException($"The file has no {key} in its __metadata__.");

    private static string TensorShapesJson(IReadOnlyList<SafeTensorsEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (SafeTensorsEntry entry in entries)
            {
                json.WriteStartArray(entry.Name);
                foreach (int d in entry.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The 8-byte length and the JSON header, padded with spaces to an 8-byte boundary so the data section stays aligned, as SafeTensors.Write does.</summary>
    private static byte[] WriteHeader(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach ((string key, string value) in metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            foreach (SafeTensorsEntry entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", entry.DType);
                json.WriteStartArray("shape");
                foreach (int d in entry.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(entry.Begin);
                json.WriteNumberValue(entry.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        int length = (int)header.Length;
        int padded = (length + 7) / 8 * 8;
        var head = new byte[8 + padded];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(head, (ulong)padded);
        header.GetBuffer().AsSpan(0, length).CopyTo(head.AsSpan(8));
        head.AsSpan(8 + length, padded - length).Fill((byte)' ');
        return head;
    }
}
