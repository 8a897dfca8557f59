using DeepNet.Numerics;

namespace DeepNet.Data;

/// <summary>Checks a <see cref="DataSpec"/>; errors are keyed by field ("data.classes") like ASP.NET Core validation problems.</summary>
public static class DataSpecValidator
{
    public const string MnistDataset = "mnist";
    public const string UserDataset = "user";
    public const string TrainSplit = "train";
    public const string TestSplit = "test";
    public const int MaxLimit = Mnist.TrainCount;

    /// <summary>Upper bound of Limit for a user data set (whose real size is the server's check).</summary>
    public const int MaxUserLimit = 1_000_000;

    /// <summary>Limit of an MNIST spec (the default data set).</summary>
    public static readonly FieldLimit Limit = FieldLimit.Integers(1, MaxLimit);

    public static readonly FieldLimit UserLimit = FieldLimit.Integers(1, MaxUserLimit);

    public static readonly FieldLimit BinarizeThreshold = FieldLimit.Reals(0, 1);

    /// <summary>The first N digits of MNIST's test split that a test error or log-probability is measured on.</summary>
    public static readonly FieldLimit TestLimit = FieldLimit.Integers(1, Mnist.TestCount);

    /// <summary>The numeric fields of an MNIST spec (a user data set's limit is <see cref="UserLimit"/>); defaults are <see cref="DataSpec"/>'s.</summary>
    public static IReadOnlyList<FieldRule<DataSpec>> Rules => [LimitRule, BinarizeThresholdRule];

    private static readonly FieldRule<DataSpec> LimitRule = new("limit", Limit, s => s.Limit);
    private static readonly FieldRule<DataSpec> UserLimitRule = LimitRule with { Limit = UserLimit };
    private static readonly FieldRule<DataSpec> BinarizeThresholdRule =
        new("binarizeThreshold", BinarizeThreshold, s => s.BinarizeThreshold, "(or omitted for grey levels)");

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

        (user ? UserLimitRule : LimitRule).Check(spec, "", Add);
        BinarizeThresholdRule.Check(spec, "", Add);

        if (!user && spec.ImageSize is not (28 or 16))
        {
            Add("imageSize", $"must be 28 (MNIST as stored) or 16 (downscaled); got {spec.ImageSize}");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }
}
