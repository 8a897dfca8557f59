namespace DeepNet.Data;

/// <summary>Checks a <see cref="DataSpec"/>; errors are keyed by field ("data.classes") like ASP.NET Core validation problems.</summary>
public static class DataSpecValidator
{
    public const string MnistDataset = "mnist";
    public const string UserDataset = "user";
    public const string TrainSplit = "train";
    public const string TestSplit = "test";
    public const int MaxLimit = 60_000;

    /// <summary>Upper bound of Limit for a user data set (whose real size is the server's check).</summary>
    public const int MaxUserLimit = 1_000_000;

    /// <summary>Returns the errors per field, keyed "{prefix}.{field}" with camelCase field names; empty when the spec is valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(DataSpec spec, string prefix = "data")
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(prefix);

        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            string key = prefix.Length == 0 ? field : $"{prefix}.{field}";
            if (!errors.TryGetValue(key, out List<string>? list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }

        bool user = spec.Dataset == UserDataset;
        if (spec.Dataset is null)
        {
            Add("dataset", $"is required; must be \"{MnistDataset}\" or \"{UserDataset}\" (with datasetId)");
        }
        else if (spec.Dataset != MnistDataset && !user)
        {
            Add("dataset", $"unknown dataset \"{spec.Dataset}\"; must be \"{MnistDataset}\" or \"{UserDataset}\" (with datasetId)");
        }

        if (user && (spec.DatasetId is null || spec.DatasetId == Guid.Empty))
        {
            Add("datasetId", $"is required when dataset is \"{UserDataset}\"");
        }
        else if (!user && spec.DatasetId is not null)
        {
            Add("datasetId", $"must be omitted unless dataset is \"{UserDataset}\"");
        }

        if (spec.Split is not (TrainSplit or TestSplit))
        {
            Add("split", spec.Split is null
                ? $"is required; must be \"{TrainSplit}\" or \"{TestSplit}\""
                : $"unknown split \"{spec.Split}\"; must be \"{TrainSplit}\" or \"{TestSplit}\"");
        }

        if (spec.Classes is { } classes)
        {
            if (classes.Length == 0)
            {
                Add("classes", "must list at least one digit 0..9 (omit it to use all ten)");
            }

            int[] outOfRange = classes.Where(c => c is < 0 or > 9).Distinct().ToArray();
            if (outOfRange.Length > 0)
            {
                Add("classes", $"must be digits between 0 and 9; got {string.Join(", ", outOfRange)}");
            }

            int[] duplicates = classes.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
            if (duplicates.Length > 0)
            {
                Add("classes", $"must be distinct; repeated: {string.Join(", ", duplicates)}");
            }
        }

        int maxLimit = user ? MaxUserLimit : MaxLimit;
        if (spec.Limit is int limit && (limit < 1 || limit > maxLimit))
        {
            Add("limit", $"must be between 1 and {maxLimit}; got {limit}");
        }

        if (!user && spec.ImageSize is not (28 or 16))
        {
            Add("imageSize", $"must be 28 (MNIST as stored) or 16 (downscaled); got {spec.ImageSize}");
        }

        if (spec.BinarizeThreshold is float threshold && !(threshold is >= 0f and <= 1f))
        {
            Add("binarizeThreshold", $"must be between 0 and 1 (or omitted for grey levels); got {threshold}");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }
}
