using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using DeepNet.Models.ModelExchange;
using static DeepNet.Models.Tests.ModelExchange.ModelExchangeFiles;
using static DeepNet.Tests.SafeTensorsTestFile;

namespace DeepNet.Models.Tests.ModelExchange;

/// <summary>Every damaged or hostile file is refused with a message that says why.</summary>
public class ModelExchangeHostileFileTests
{
    private static string Refused(byte[] file) => Assert.Throws<InvalidDataException>(() => ModelExchangeFile.Read(file)).Message;

    [Fact]
    public void ATruncatedFileIsRefused()
    {
        byte[] file = RbmFile();

        Assert.Contains("truncated", Refused(file[..^4]));
        Assert.Contains("truncated", Refused(file[..5]));
        Assert.Contains("truncated", Refused([]));
    }

    [Fact]
    public void AFileCutInsideItsHeaderIsRefused()
    {
        byte[] file = RbmFile();

        Assert.Contains("points past the end of the file", Refused(file[..40]));
    }

    [Fact]
    public void AFileLargerThan64MiBIsRefusedBeforeItIsParsed()
    {
        var file = new byte[ModelExchangeFormat.MaxFileBytes + 1];

        Assert.Contains("at most 67108864 bytes (64 MiB)", Refused(file));
    }

    [Theory]
    [InlineData(0UL, "at least 2 bytes")]
    [InlineData(1UL, "at least 2 bytes")]
    [InlineData(ulong.MaxValue, "exceeds the limit")]
    [InlineData(9UL * 1024 * 1024, "exceeds the limit")]
    [InlineData(100_000UL, "points past the end of the file")]
    public void AnInsaneHeaderLengthIsRefused(ulong headerLength, string expected)
    {
        byte[] file = RbmFile();
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength);

        Assert.Contains(expected, Refused(file));
    }

    [Fact]
    public void AHeaderThatIsNotJsonIsRefused()
    {
        byte[] header = Encoding.UTF8.GetBytes("{\"__metadata__\":{\"format_version\":\"1\"},\"weights\":{\"dtype\":\"F32\",");

        Assert.Contains("not valid JSON", Refused(Assemble(header, new byte[8])));
    }

    [Fact]
    public void AHeaderThatIsNotUtf8IsRefused()
    {
        byte[] header = [(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}'];

        Assert.Contains("not valid JSON", Refused(Assemble(header, [])));
    }

    [Fact]
    public void AHeaderThatIsAJsonArrayIsRefused()
    {
        Assert.Contains("must be a JSON object, not an array", Refused(Assemble(Encoding.UTF8.GetBytes("[1,2,3]"), [])));
    }

    [Fact]
    public void MetadataValuesMustBeStrings()
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h)["image_width"] = 3);

        Assert.Contains("Metadata 'image_width' must be a string, not a number", Refused(file));
    }

    [Fact]
    public void ATensorNamedTwiceIsRefused()
    {
        (JsonObject header, byte[] data) = Split(RbmFile());
        string json = header.ToJsonString();
        string weights = "\"weights\":" + header["weights"]!.ToJsonString();
        json = json.Insert(json.Length - 1, "," + weights);

        Assert.Contains("'weights' appears twice", Refused(Assemble(Encoding.UTF8.GetBytes(json), data)));
    }

    [Theory]
    [InlineData("F64")]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("I32")]
    [InlineData("U8")]
    public void ATensorOfAnotherDtypeIsRefused(string dtype)
    {
        byte[] file = Rewrite(RbmFile(), h => h["hidden_bias"]!["dtype"] = dtype);

        Assert.Contains($"Tensor 'hidden_bias' has dtype {dtype}; only F32", Refused(file));
    }

    [Fact]
    public void OverlappingOffsetsAreRefused()
    {
        // visible_bias [48, 72) is moved to [40, 64): it overlaps the weights' last bytes and leaves a gap at the end.
        byte[] file = Rewrite(RbmFile(), h => h["visible_bias"]!["data_offsets"] = new JsonArray(40, 64));

        Assert.Contains("Tensors 'weights' (bytes 0–48) and 'visible_bias' (bytes 40–64) overlap", Refused(file));
    }

    [Fact]
    public void TwoTensorsOnTheSameBytesAreRefused()
    {
        byte[] file = Rewrite(RbmFile(), h =>
        {
            h["hidden_bias"]!["data_offsets"] = new JsonArray(0, 8);
        });

        Assert.Contains("overlap", Refused(file));
    }

    [Fact]
    public void AGapBetweenTensorsIsRefused()
    {
        // hidden_bias is moved 4 bytes on, into 4 extra bytes appended to the data.
        byte[] file = Rewrite(RbmFile(), h => h["hidden_bias"]!["data_offsets"] = new JsonArray(76, 84), d => [.. d, 0, 0, 0, 0]);

        Assert.Contains("Bytes 72–76 of the data section belong to no tensor", Refused(file));
    }

    [Fact]
    public void TrailingBytesAfterTheLastTensorAreRefused()
    {
        byte[] file = Rewrite(RbmFile(), editData: d => [.. d, 1, 2, 3, 4]);

        Assert.Contains("4 trailing bytes belong to no tensor", Refused(file));
    }

    [Fact]
    public void OffsetsThatDisagreeWithTheShapeAreRefused()
    {
        byte[] file = Rewrite(RbmFile(), h => h["weights"]!["shape"] = new JsonArray(2, 5));

        Assert.Contains("Tensor 'weights' of shape [2,5] needs 40 bytes but its data_offsets [0,48] span 48", Refused(file));
    }

    [Fact]
    public void NegativeDimensionsAndOffsetsAreRefused()
    {
        Assert.Contains("invalid dimension -2", Refused(Rewrite(RbmFile(), h => h["weights"]!["shape"] = new JsonArray(-2, 6))));
        Assert.Contains("0 ≤ begin ≤ end", Refused(Rewrite(RbmFile(), h => h["weights"]!["data_offsets"] = new JsonArray(48, 0))));
    }

    [Fact]
    public void AShapeThatClaimsMoreThanTheFileHoldsIsRefusedWithoutAllocatingIt()
    {
        byte[] file = Rewrite(RbmFile(), h => h["weights"]!["shape"] = new JsonArray(2_000_000_000, 2_000_000_000));

        Assert.Contains("needs more bytes than the", Refused(file));
    }

    [Fact]
    public void AVisibleBiasOfTheWrongLengthIsAShapeMismatch()
    {
        // visible_bias [6] → [5] and hidden_bias [2] → [3]: the same bytes, cut differently.
        byte[] file = Rewrite(RbmFile(), h =>
        {
            h["visible_bias"]!["shape"] = new JsonArray(5);
            h["visible_bias"]!["data_offsets"] = new JsonArray(48, 68);
            h["hidden_bias"]!["shape"] = new JsonArray(3);
            h["hidden_bias"]!["data_offsets"] = new JsonArray(68, 80);
            Metadata(h).Remove("tensor_shapes");
        });

        Assert.Contains("Shape mismatch: visible_bias is [5], but weights is [2,6], so visible_bias must be [6]", Refused(file));
    }

    [Fact]
    public void WeightsOfTheWrongRankAreAShapeMismatch()
    {
        byte[] file = Rewrite(RbmFile(), h =>
        {
            h["weights"]!["shape"] = new JsonArray(12);
            Metadata(h).Remove("tensor_shapes");
        });

        Assert.Contains("Shape mismatch: weights is [12]", Refused(file));
    }

    [Fact]
    public void TensorShapesInTheMetadataMustAgreeWithTheTensors()
    {
        byte[] file = Rewrite(RbmFile(), h => h["weights"]!["shape"] = new JsonArray(6, 2));

        Assert.Contains("tensor_shapes in the metadata does not match tensor 'weights' of shape [6,2]", Refused(file));
    }

    [Fact]
    public void AnImageSizeThatDoesNotFitTheVisibleUnitsIsRefused()
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h)["image_width"] = "4");

        Assert.Contains("image_width 4 × image_height 2 = 8 but the model has 6 visible units", Refused(file));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("99999")]
    [InlineData("three")]
    public void AnInvalidImageWidthIsRefused(string width)
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h)["image_width"] = width);

        Assert.Contains("image_width must be an integer from 1 to 4096", Refused(file));
    }

    [Theory]
    [InlineData(0, "weights")]
    [InlineData(13, "visible_bias")]
    [InlineData(19, "hidden_bias")]
    public void NaNInAnyTensorIsRefused(int element, string tensor)
    {
        byte[] file = Rewrite(RbmFile(), editData: SetFloat(element, float.NaN));

        Assert.Contains($"Tensor '{tensor}' holds NaN", Refused(file));
    }

    [Fact]
    public void InfinityIsRefused()
    {
        Assert.Contains("Tensor 'weights' holds +infinity at element 5 of 12", Refused(Rewrite(RbmFile(), editData: SetFloat(5, float.PositiveInfinity))));
        Assert.Contains("Tensor 'hidden_bias' holds -infinity at element 1 of 2", Refused(Rewrite(RbmFile(), editData: SetFloat(19, float.NegativeInfinity))));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("1.0")]
    [InlineData("")]
    public void AnUnknownFormatVersionIsRefused(string version)
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h)["format_version"] = version);

        Assert.Contains($"Unknown format_version '{version}': this server reads format version 1", Refused(file));
    }

    [Fact]
    public void AFileWithoutFormatVersionIsRefused()
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h).Remove("format_version"));

        Assert.Contains("no format_version", Refused(file));
    }

    [Fact]
    public void AChangedWeightBreaksTheChecksum()
    {
        byte[] file = Rewrite(RbmFile(), editData: SetFloat(3, 42f), fixChecksum: false);

        string message = Refused(file);
        Assert.Contains("Checksum mismatch", message);
        Assert.Contains("altered or damaged", message);
    }

    [Fact]
    public void AFlippedBitInTheDataBreaksTheChecksum()
    {
        byte[] file = RbmFile();
        file[^1] ^= 0x01;

        Assert.Contains("Checksum mismatch", Refused(file));
    }

    [Fact]
    public void AFileWithoutChecksumIsRefused()
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h).Remove("checksum"));

        Assert.Contains("no checksum", Refused(file));
    }

    [Theory]
    [InlineData("md5:0123")]
    [InlineData("sha256:xyz")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void AMalformedChecksumIsRefused(string checksum)
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h)["checksum"] = checksum, fixChecksum: false);

        Assert.Contains("must be \"sha256:\" followed by 64 hex digits", Refused(file));
    }

    [Fact]
    public void AnUnknownModelTypeIsRefused()
    {
        Assert.Contains("Unknown model_type 'transformer'", Refused(Rewrite(RbmFile(), h => Metadata(h)["model_type"] = "transformer")));
        Assert.Contains("no model_type", Refused(Rewrite(RbmFile(), h => Metadata(h).Remove("model_type"))));
    }

    [Theory]
    [InlineData("weights")]
    [InlineData("visible_bias")]
    [InlineData("hidden_bias")]
    public void AnRbmWithoutOneOfItsTensorsIsRefused(string missing)
    {
        // The tensor is dropped with its bytes: the rest is moved down so the file stays contiguous.
        (JsonObject header, byte[] data) = Split(RbmFile());
        var entries = new[] { "weights", "visible_bias", "hidden_bias" };
        var kept = new List<byte>();
        long offset = 0;
        foreach (string name in entries)
        {
            JsonArray offsets = header[name]!["data_offsets"]!.AsArray();
            long begin = (long)offsets[0]!;
            long end = (long)offsets[1]!;
            if (name == missing)
            {
                header.Remove(name);
                continue;
            }

            header[name]!["data_offsets"] = new JsonArray(offset, offset + end - begin);
            kept.AddRange(data[(int)begin..(int)end]);
            offset += end - begin;
        }

        Metadata(header).Remove("tensor_shapes");
        Metadata(header)["checksum"] = ModelExchangeFormat.Checksum(kept.ToArray());
        byte[] file = Assemble(Encoding.UTF8.GetBytes(header.ToJsonString()), [.. kept]);

        Assert.Contains($"Missing tensor '{missing}': an rbm file needs weights [hidden, visible], visible_bias [visible] and hidden_bias [hidden]", Refused(file));
    }

    [Fact]
    public void AnRbmWithAnExtraTensorIsRefused()
    {
        byte[] file = Rewrite(RbmFile(), h =>
        {
            h["extra"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(1), ["data_offsets"] = new JsonArray(80, 84) };
            Metadata(h).Remove("tensor_shapes");
        }, d => [.. d, 0, 0, 0, 0]);

        Assert.Contains("Unexpected tensor 'extra'", Refused(file));
    }

    [Fact]
    public void AnUnknownTensorFieldIsRefused()
    {
        byte[] file = Rewrite(RbmFile(), h => h["weights"]!["code"] = "import os");

        Assert.Contains("Tensor 'weights' has an unknown field 'code'", Refused(file));
    }

    [Fact]
    public void AnInvalidSigmaIsRefused()
    {
        byte[] file = Rewrite(RbmFile(), h => Metadata(h)["sigma"] = "-1");

        Assert.Contains("sigma must be a positive finite number", Refused(file));
    }

    [Fact]
    public void ADbnWithoutAClassifierTensorIsRefused()
    {
        byte[] file = Rewrite(DbnFile().File, h =>
        {
            h.Remove("classifier.2.bias");
            Metadata(h).Remove("tensor_shapes");
        }, d => d[..^8]);

        Assert.Contains("Missing tensor 'classifier.2.bias'", Refused(file));
    }

    [Fact]
    public void ADbnWhoseLayersDoNotFitIsRefused()
    {
        // Layer 1 claims 3 visible units (and 4 hidden) while layer 0 has 4 hidden units; the byte ranges stay the same.
        byte[] file = Rewrite(DbnFile().File, h =>
        {
            h["layers.1.weight"]!["shape"] = new JsonArray(4, 3);
            var b = h["layers.1.visible_bias"]!;
            var c = h["layers.1.hidden_bias"]!;
            long vb = (long)b["data_offsets"]![0]!;
            long hb = (long)c["data_offsets"]![0]!;
            (long first, long second) = vb < hb ? (vb, hb) : (hb, vb);
            // visible_bias and hidden_bias swap sizes: [4] and [3] become [3] and [4].
            b["shape"] = new JsonArray(3);
            c["shape"] = new JsonArray(4);
            if (vb < hb)
            {
                b["data_offsets"] = new JsonArray(first, first + 12);
                c["data_offsets"] = new JsonArray(first + 12, first + 28);
            }
            else
            {
                c["data_offsets"] = new JsonArray(first, first + 16);
                b["data_offsets"] = new JsonArray(first + 16, first + 28);
            }

            Metadata(h).Remove("tensor_shapes");
        });

        Assert.Contains("RBM 1 has 3 visible units but RBM 0 has 4 hidden units", Refused(file));
    }

    [Fact]
    public void ADbnWithAnInvalidLayerCountIsRefused()
    {
        Assert.Contains("dbn_layers must be an integer from 1 to 64", Refused(Rewrite(DbnFile().File, h => Metadata(h)["dbn_layers"] = "100000")));
    }

    [Fact]
    public void ACnnWhoseWeightsDoNotFitItsLayersIsRefused()
    {
        byte[] file = Rewrite(CnnFile().File, h =>
        {
            h["param.0.weight"]!["shape"] = new JsonArray(2, 1, 9);
            Metadata(h).Remove("tensor_shapes");
        });

        Assert.Contains("Shape mismatch: 'param.0.weight' is [2,1,9] but cnn_layers need [2,1,3,3]", Refused(file));
    }

    [Fact]
    public void ACnnWithLayersThatDoNotFitTogetherIsRefused()
    {
        byte[] file = Rewrite(CnnFile().File, h =>
            Metadata(h)["cnn_layers"] = "[{\"type\":\"conv\",\"Filters\":2,\"Kernel\":30,\"Stride\":1,\"Padding\":0}]");

        Assert.Contains("cnn_layers do not fit together", Refused(file));
    }

    [Fact]
    public void ACnnWithAHugeLayerIsRefusedBeforeAnythingIsAllocated()
    {
        byte[] file = Rewrite(CnnFile().File, h =>
            Metadata(h)["cnn_layers"] = "[{\"type\":\"dense\",\"Units\":2000000000}]");

        Assert.Contains("is too large", Refused(file));
    }

    [Fact]
    public void ACnnWithUnreadableLayersIsRefused()
    {
        byte[] file = Rewrite(CnnFile().File, h => Metadata(h)["cnn_layers"] = "[{\"type\":\"lambda\",\"code\":\"rm -rf /\"}]");

        Assert.Contains("cnn_input / cnn_layers do not describe a network", Refused(file));
    }
}
