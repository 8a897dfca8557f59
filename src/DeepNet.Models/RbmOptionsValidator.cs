namespace DeepNet.Models;

/// <summary>Checks <see cref="RbmOptions"/> against the documented limits; errors are keyed by field path.</summary>
public static class RbmOptionsValidator
{
    public const int MaxHiddenUnits = 4096;
    public const int MaxK = 100;
    public const float MaxLearningRate = 10f;
    public const int MaxBatchSize = 10_000;
    public const int MaxEpochs = 1000;

    /// <summary>Largest weight matrix a job may ask for (visible × hidden).</summary>
    public const long MaxWeights = 16L * 1024 * 1024;

    public static IReadOnlyDictionary<string, string[]> Validate(RbmOptions options, int visibleUnits, string prefix = "rbm")
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, string[]>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors[$"{prefix}.{field}"] = [message];
            }
        }

        Check(options.HiddenUnits is >= 1 and <= MaxHiddenUnits, "hiddenUnits", $"must be between 1 and {MaxHiddenUnits}, got {options.HiddenUnits}.");
        Check(options.K is >= 1 and <= MaxK, "k", $"must be between 1 and {MaxK}, got {options.K}.");
        Check(float.IsFinite(options.LearningRate) && options.LearningRate > 0 && options.LearningRate <= MaxLearningRate,
            "learningRate", $"must be greater than 0 and at most {MaxLearningRate}, got {options.LearningRate}.");
        Check(options.BatchSize is >= 1 and <= MaxBatchSize, "batchSize", $"must be between 1 and {MaxBatchSize}, got {options.BatchSize}.");
        Check(options.Epochs is >= 1 and <= MaxEpochs, "epochs", $"must be between 1 and {MaxEpochs}, got {options.Epochs}.");
        if (!errors.ContainsKey($"{prefix}.hiddenUnits"))
        {
            Check((long)visibleUnits * options.HiddenUnits <= MaxWeights, "hiddenUnits",
                $"{visibleUnits} visible × {options.HiddenUnits} hidden units exceeds the limit of {MaxWeights} weights.");
        }

        return errors;
    }
}
