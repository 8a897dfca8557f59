using System.Text;

namespace DeepNet.Data.Tests;

public class CsvDatasetReaderTests
{
    private static Dataset Read(string text, CsvOptions? options = null) =>
        CsvDatasetReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), options ?? new CsvOptions());

    private static string Error(string text, CsvOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => Read(text, options)).Message;

    [Fact]
    public void ReadKeepsValuesAsGivenAndSkipsBlankLines()
    {
        Dataset data = Read("1, 2.5,-3e2\n\n 4,5,6 \r\n");

        Assert.Equal((2, 3), (data.Count, data.FeatureCount));
        Assert.Equal([1f, 2.5f, -300f, 4f, 5f, 6f], data.Features.Data);
        Assert.False(data.HasLabels);
        Assert.Equal((0, 0), (data.Width, data.Height));
    }

    [Fact]
    public void ReadTakesTheFirstColumnAsLabelWhenAsked()
    {
        Dataset data = Read("3,0.1,0.2\n7,0.3,0.4\n", new CsvOptions(LabelColumn: true));

        Assert.True(data.HasLabels);
        Assert.Equal([3, 7], data.Labels);
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f], data.Features.Data);
    }

    [Fact]
    public void ReadRejectsRaggedRowsNamingTheLine()
    {
        Assert.Contains("Line 3 has 2 values, expected 3", Error("1,2,3\n4,5,6\n7,8\n"));
    }

    [Fact]
    public void ReadRejectsNonNumbersNamingLineAndColumn()
    {
        Assert.Contains("Line 2 column 3: 'abc' is not a number", Error("1,2,3\n4,5,abc\n"));
        Assert.Contains("Line 1 column 2: the value is empty", Error("1,,3\n"));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-inf")]
    [InlineData("1e39")]
    public void ReadRejectsNaNAndInfinity(string value)
    {
        string message = Error($"1,2\n3,{value}\n");

        Assert.Contains("Line 2 column 2", message);
        Assert.Contains("not a finite number", message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    public void ReadRejectsAnEmptyFile(string text)
    {
        Assert.Contains("empty", Error(text));
    }

    [Fact]
    public void ReadEnforcesTheRowAndColumnLimits()
    {
        Assert.Contains("more than 2 rows", Error("1\n2\n3\n", new CsvOptions(MaxRows: 2)));
        Assert.Contains("Line 1 has 4 values; at most 3 columns", Error("1,2,3,4\n", new CsvOptions(MaxColumns: 3)));
    }

    [Fact]
    public void ReadRejectsBadLabels()
    {
        Assert.Contains("Line 2 column 1: label '2.5'", Error("1,0\n2.5,0\n", new CsvOptions(LabelColumn: true)));
        Assert.Contains("label '300'", Error("300,0\n", new CsvOptions(LabelColumn: true)));
        Assert.Contains("at least one feature", Error("1\n2\n", new CsvOptions(LabelColumn: true)));
    }

    [Fact]
    public void ReadRejectsBinaryGarbage()
    {
        byte[] garbage = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF, 0x10];
        var ex = Assert.Throws<DataFormatException>(() => CsvDatasetReader.Read(new MemoryStream(garbage), new CsvOptions()));
        Assert.Contains("Line 1 column 1", ex.Message);
    }
}
