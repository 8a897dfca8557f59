namespace DeepNet.Models;

/// <summary>Checks <see cref="RbmOptions"/> against the documented limits; errors are keyed by field path.</summary>
public static class RbmOptionsValidator
{
    public const int MaxHiddenUnits = 4096;
    public const int MaxK = 100;
    public const float MaxLearningRate = 10f;
    public const int MaxBatchSize = 10_000;
    public const int MaxEpochs = 1000;
    public const float MaxSigma = 100f;
    public const int MaxPersistentChains = 10_000;
    public const int MaxMomentumSwitchEpoch = 1000;
    public const float MaxSparsityCost = 100f;

    /// <summary>Largest weight matrix a job may ask for (visible × hidden); also the limit for the persistent chains' states.</summary>
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
        Check(Enum.IsDefined(options.VisibleType), "visibleType", $"must be Bernoulli or Gaussian, got {options.VisibleType}.");
        Check(float.IsFinite(options.Sigma) && options.Sigma > 0 && options.Sigma <= MaxSigma,
            "sigma", $"must be greater than 0 and at most {MaxSigma}, got {options.Sigma}.");
        Check(options.PersistentChains is >= 1 and <= MaxPersistentChains,
            "persistentChains", $"must be between 1 and {MaxPersistentChains}, got {options.PersistentChains}.");
        Check(IsMomentum(options.InitialMomentum), "initialMomentum", $"must be at least 0 and less than 1, got {options.InitialMomentum}.");
        Check(IsMomentum(options.FinalMomentum), "finalMomentum", $"must be at least 0 and less than 1, got {options.FinalMomentum}.");
        Check(options.MomentumSwitchEpoch is >= 0 and <= MaxMomentumSwitchEpoch,
            "momentumSwitchEpoch", $"must be between 0 and {MaxMomentumSwitchEpoch}, got {options.MomentumSwitchEpoch}.");
        Check(float.IsFinite(options.WeightDecay) && options.WeightDecay is >= 0 and <= 1,
            "weightDecay", $"must be between 0 and 1, got {options.WeightDecay}.");
        Check(options.SparsityTarget is null || (float.IsFinite(options.SparsityTarget.Value) && options.SparsityTarget.Value is > 0 and < 1),
            "sparsityTarget", $"must be greater than 0 and less than 1 (or null for none), got {options.SparsityTarget}.");
        Check(float.IsFinite(options.SparsityCost) && options.SparsityCost >= 0 && options.SparsityCost <= MaxSparsityCost,
            "sparsityCost", $"must be between 0 and {MaxSparsityCost}, got {options.SparsityCost}.");
        Check(float.IsFinite(options.SparsityDecay) && options.SparsityDecay is >= 0 and < 1,
            "sparsityDecay", $"must be at least 0 and less than 1, got {options.SparsityDecay}.");
        Check(float.IsFinite(options.LearningRateDecay) && options.LearningRateDecay is > 0 and <= 1,
            "learningRateDecay", $"must be greater than 0 and at most 1, got {options.LearningRateDecay}.");
        Check(float.IsFinite(options.InitialWeightStdDev) && options.InitialWeightStdDev is > 0 and <= 1,
            "initialWeightStdDev", $"must be greater than 0 and at most 1, got {options.InitialWeightStdDev}.");
        if (!errors.ContainsKey($"{prefix}.hiddenUnits"))
        {
            Check((long)visibleUnits * options.HiddenUnits <= MaxWeights, "hiddenUnits",
                $"{visibleUnits} visible × {options.HiddenUnits} hidden units exceeds the limit of {MaxWeights} weights.");
        }

        if (options.Persistent && !errors.ContainsKey($"{prefix}.persistentChains"))
        {
            // The chains hold chains×visible states and chains×hidden probabilities; both share the weight limit.
            long widest = Math.Max(visibleUnits, Math.Min(options.HiddenUnits, MaxHiddenUnits));
            Check((long)options.PersistentChains * widest <= MaxWeights, "persistentChains",
                $"{options.PersistentChains} chains × {widest} units exceeds the limit of {MaxWeights} values.");
        }

        return errors;
    }

    private static bool IsMomentum(float value) => float.IsFinite(value) && value is >= 0 and < 1;
}
