using System.Globalization;
using System.Text;
using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>
/// Reads a data set from CSV: one example per line, comma-separated numbers (invariant culture, '.' decimal point,
/// surrounding spaces allowed), optionally an integer label first. Blank lines are skipped; there is no header row.
/// Values are kept as given (no scaling). Every row must have the first row's column count.
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>At most this many values in all (rows × feature columns).</summary>
    public const long MaxValues = 50_000_000;

    /// <summary>Reads the whole stream (UTF-8, or as its byte-order mark says); not disposed.</summary>
    /// <returns>A data set without image dimensions (Width = Height = 0), labelled when <see cref="CsvOptions.LabelColumn"/>.</returns>
    /// <exception cref="DataFormatException">Empty, ragged, non-numeric, NaN/infinite, bad label, or over a limit; the message names line and column.</exception>
    public static Dataset Read(Stream stream, CsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxColumns);

        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var values = new List<float>();
        var labels = options.LabelColumn ? new List<byte>() : null;
        int expected = -1;
        int rows = 0;
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length > options.MaxColumns)
            {
                throw new DataFormatException($"Line {lineNumber} has {fields.Length} values; at most {options.MaxColumns} columns are allowed.");
            }

            if (expected < 0)
            {
                expected = fields.Length;
                if (options.LabelColumn && expected < 2)
                {
                    throw new DataFormatException(
                        $"Line {lineNumber} has {expected} value; with a label column every row needs the label and at least one feature.");
                }
            }
            else if (fields.Length != expected)
            {
                throw new DataFormatException($"Line {lineNumber} has {fields.Length} values, expected {expected} (as on the first row).");
            }

            if (rows == options.MaxRows)
            {
                throw new DataFormatException($"The file has more than {options.MaxRows} rows (line {lineNumber} is one too many).");
            }

            int features = options.LabelColumn ? expected - 1 : expected;
            if ((long)(rows + 1) * features > MaxValues)
            {
                throw new DataFormatException($"The file has more than {MaxValues} values (reached on line {lineNumber}).");
            }

            int column = 0;
            if (labels is not null)
            {
                labels.Add(ParseLabel(fields[0], lineNumber));
                column = 1;
            }

            for (; column < fields.Length; column++)
            {
                values.Add(ParseValue(fields[column], lineNumber, column + 1));
            }

            rows++;
        }

        if (rows == 0)
        {
            throw new DataFormatException("The CSV file is empty: it has no rows of numbers.");
        }

        int cols = options.LabelColumn ? expected - 1 : expected;
        var matrix = new Matrix(rows, cols, values.ToArray());
        return new Dataset(matrix, labels?.ToArray());
    }

    private static float ParseValue(string field, int line, int column)
    {
        string text = field.Trim();
        if (text.Length == 0)
        {
            throw new DataFormatException($"Line {line} column {column}: the value is empty, expected a number.");
        }

        bool parsed = float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value);
        if (!parsed && text.TrimStart('+', '-').ToLowerInvariant() is "nan" or "inf" or "infinity")
        {
            value = float.NaN;
            parsed = true;
        }

        if (!parsed)
        {
            throw new DataFormatException($"Line {line} column {column}: '{Shorten(text)}' is not a number.");
        }

        if (!float.IsFinite(value))
        {
            throw new DataFormatException($"Line {line} column {column}: '{Shorten(text)}' is not a finite number (NaN and infinity are not allowed).");
        }

        return value;
    }

    private static byte ParseLabel(string field, int line)
    {
        string text = field.Trim();
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int label) || label is < 0 or > 255)
        {
            throw new DataFormatException($"Line {line} column 1: label '{Shorten(text)}' is not an integer from 0 to 255.");
        }

        return (byte)label;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
