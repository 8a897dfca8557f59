namespace DeepNet.Data.Tests;

public class IdxReaderTests
{
    [Fact]
    public void ReadReturnsDimensionsAndPayloadOfHandBuiltFile()
    {
        byte[] payload = IdxTestFiles.Sequence(3 * 2 * 4);
        byte[] file = IdxTestFiles.File([3, 2, 4], payload);

        IdxArray array = IdxReader.Read(new MemoryStream(file));

        Assert.Equal([3, 2, 4], array.Dimensions);
        Assert.Equal(payload, array.Data);
    }

    [Fact]
    public void ReadAcceptsOneAndFourDimensionsFromForwardOnlyStream()
    {
        byte[] labels = [5, 0, 4, 1, 9];
        IdxArray one = IdxReader.Read(new ForwardOnlyStream(IdxTestFiles.File([5], labels)));
        Assert.Equal([5], one.Dimensions);
        Assert.Equal(labels, one.Data);

        byte[] payload = IdxTestFiles.Sequence(2 * 3 * 1 * 5);
        IdxArray four = IdxReader.Read(new ForwardOnlyStream(IdxTestFiles.File([2, 3, 1, 5], payload), maxChunk: 3));
        Assert.Equal([2, 3, 1, 5], four.Dimensions);
        Assert.Equal(payload, four.Data);
    }

    [Fact]
    public void ReadGzipRoundTripsCompressedFile()
    {
        byte[] payload = IdxTestFiles.Sequence(10 * 28 * 28);
        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.File([10, 28, 28], payload));

        IdxArray array = IdxReader.ReadGzip(new MemoryStream(gz));

        Assert.Equal([10, 28, 28], array.Dimensions);
        Assert.Equal(payload, array.Data);
    }

    [Fact]
    public void ReadLeavesTheStreamOpen()
    {
        var stream = new MemoryStream(IdxTestFiles.File([2], [1, 2]));
        IdxReader.Read(stream);
        Assert.True(stream.CanRead);

        var gz = new MemoryStream(IdxTestFiles.Gzip(IdxTestFiles.File([2], [1, 2])));
        IdxReader.ReadGzip(gz);
        Assert.True(gz.CanRead);
    }

    [Theory]
    [InlineData(0x01, 0x00)]
    [InlineData(0x00, 0x01)]
    [InlineData(0x1F, 0x8B)]
    public void ReadRejectsMagicWhoseFirstTwoBytesAreNotZero(byte b0, byte b1)
    {
        byte[] file = [.. IdxTestFiles.RawHeader(b0, b1, 0x08, 1, 2), 1, 2];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("magic", ex.Message);
        Assert.Contains("first two bytes must be zero", ex.Message);
    }

    [Theory]
    [InlineData(0x09)]
    [InlineData(0x0B)]
    [InlineData(0x0C)]
    [InlineData(0x0D)]
    [InlineData(0x0E)]
    [InlineData(0x00)]
    public void ReadRejectsTypeCodesOtherThanUnsignedByte(byte typeCode)
    {
        byte[] file = [.. IdxTestFiles.Header(typeCode, 2), 1, 2, 3, 4, 5, 6, 7, 8];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains($"type code 0x{typeCode:X2}", ex.Message);
        Assert.Contains("only 0x08 (unsigned byte)", ex.Message);
    }

    [Fact]
    public void ReadRejectsZeroDimensions()
    {
        byte[] file = IdxTestFiles.RawHeader(0, 0, 0x08, 0);

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("declares 0 dimensions", ex.Message);
    }

    [Fact]
    public void ReadRejectsFiveDimensions()
    {
        byte[] file = [.. IdxTestFiles.Header(0x08, 1, 1, 1, 1, 1), 42];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("declares 5 dimensions", ex.Message);
    }

    [Fact]
    public void ReadRejectsADimensionOfZero()
    {
        byte[] file = IdxTestFiles.Header(0x08, 3, 0, 4);

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("dimension 1 of 3 is 0", ex.Message);
    }

    [Fact]
    public void ReadRejectsADimensionAboveInt32Max()
    {
        byte[] file = IdxTestFiles.Header(0x08, 0x8000_0000u);

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("2147483648", ex.Message);
    }

    [Fact]
    public void ReadRejectsHeaderClaimingTwoToThe31ElementsWithoutAllocatingThePayload()
    {
        // 32768 × 65536 = 2^31 elements (2 GiB); the stream holds just the header.
        byte[] file = IdxTestFiles.Header(0x08, 32768, 65536);
        var stream = new MemoryStream(file);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(stream, maxElements: long.MaxValue));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("32768×65536 = 2147483648 elements", ex.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ReadRejectsHeaderAboveMaxElementsBeforeReadingPayload()
    {
        byte[] file = [.. IdxTestFiles.Header(0x08, 60001, 28, 28), .. new byte[16]];

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("60001×28×28 = 47040784 elements", ex.Message);
        Assert.Contains("maximum of 47040000", ex.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ReadRejectsHeaderWhoseElementCountOverflowsSixtyFourBits()
    {
        byte[] file = IdxTestFiles.Header(0x08, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file), maxElements: long.MaxValue));

        Assert.Contains("overflows", ex.Message);
    }

    [Fact]
    public void ReadRejectsTruncatedPayloadNamingDeclaredAndActualSize()
    {
        byte[] file = [.. IdxTestFiles.Header(0x08, 60000, 28, 28), .. new byte[1200]];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("IDX header declares 60000×28×28 = 47040000 bytes but the file holds 1200", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void ReadRejectsTruncatedPayloadFromForwardOnlyStreamWithoutAllocatingTheDeclaredSize()
    {
        byte[] file = [.. IdxTestFiles.Header(0x08, 60000, 28, 28), .. new byte[1200]];

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new ForwardOnlyStream(file, maxChunk: 4096)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("IDX header declares 60000×28×28 = 47040000 bytes but the file holds 1200", ex.Message);
        Assert.True(allocated < 4_000_000, $"allocated {allocated} bytes for a 1200-byte payload");
    }

    [Fact]
    public void ReadRejectsTruncatedHeader()
    {
        byte[] file = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("header is truncated", ex.Message);
    }

    [Fact]
    public void ReadRejectsTrailingBytesAfterPayload()
    {
        byte[] file = [.. IdxTestFiles.File([2, 2], [1, 2, 3, 4]), 9, 9, 9];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream(file)));

        Assert.Contains("2×2 = 4 bytes", ex.Message);
        Assert.Contains("3 more byte(s)", ex.Message);
        Assert.Contains("trailing", ex.Message);
    }

    [Fact]
    public void ReadRejectsTrailingBytesFromForwardOnlyStream()
    {
        byte[] file = [.. IdxTestFiles.File([2, 2], [1, 2, 3, 4]), 9];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new ForwardOnlyStream(file)));

        Assert.Contains("trailing", ex.Message);
    }

    [Fact]
    public void ReadGzipRejectsTrailingBytesInsideTheCompressedData()
    {
        byte[] gz = IdxTestFiles.Gzip([.. IdxTestFiles.File([3], [1, 2, 3]), 0]);

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadGzip(new MemoryStream(gz)));

        Assert.Contains("trailing", ex.Message);
    }

    [Fact]
    public void ReadRejectsEmptyStream()
    {
        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.Read(new MemoryStream()));

        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void ReadGzipRejectsEmptyStream()
    {
        Assert.Throws<IdxFormatException>(() => IdxReader.ReadGzip(new MemoryStream()));
    }

    [Fact]
    public void ReadGzipWrapsCorruptDeflateDataAsIdxFormatException()
    {
        // A valid gzip member header followed by a deflate block of the reserved type 3.
        byte[] corrupt = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadGzip(new MemoryStream(corrupt)));

        Assert.IsType<InvalidDataException>(ex.InnerException);
        Assert.Contains("gzip", ex.Message);
    }

    [Fact]
    public void ReadGzipRejectsUncompressedIdxData()
    {
        byte[] plain = IdxTestFiles.File([4], [1, 2, 3, 4]);

        var ex = Assert.Throws<IdxFormatException>(() => IdxReader.ReadGzip(new MemoryStream(plain)));

        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public void ReadGzipRejectsTruncatedCompressedFile()
    {
        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.File([100, 28, 28], IdxTestFiles.Sequence(100 * 28 * 28)));

        Assert.Throws<IdxFormatException>(() => IdxReader.ReadGzip(new MemoryStream(gz[..(gz.Length / 2)])));
    }

    [Fact]
    public void ReadRejectsNonPositiveMaxElements()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IdxReader.Read(new MemoryStream(IdxTestFiles.File([1], [0])), maxElements: 0));
    }
}
