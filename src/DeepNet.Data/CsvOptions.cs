namespace DeepNet.Data;

/// <summary>How <see cref="CsvDatasetReader"/> reads a CSV file.</summary>
/// <param name="LabelColumn">The first column is an integer class label 0..255 (not a feature).</param>
/// <param name="MaxRows">At most this many data rows.</param>
/// <param name="MaxColumns">At most this many columns per row (the label column included).</param>
public sealed record CsvOptions(bool LabelColumn = false, int MaxRows = 100_000, int MaxColumns = 10_000);
