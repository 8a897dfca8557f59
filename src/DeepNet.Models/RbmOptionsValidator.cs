using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>Checks <see cref="RbmOptions"/> against the documented limits; errors are keyed by field path.</summary>
public static class RbmOptionsValidator
{
    public const int MaxHiddenUnits = 4096;

    /// <summary>Largest weight matrix a job may ask for (visible × hidden); also the limit for the persistent chains' states.</summary>
    public const long MaxWeights = 16L * 1024 * 1024;

    public static readonly FieldLimit HiddenUnits = FieldLimit.Integers(1, MaxHiddenUnits);
    public static readonly FieldLimit K = FieldLimit.Integers(1, 100);
    public static readonly FieldLimit LearningRate = FieldLimit.Reals(0, 10, minExclusive: true);
    public static readonly FieldLimit BatchSize = FieldLimit.Integers(1, 10_000);
    public static readonly FieldLimit Epochs = FieldLimit.Integers(1, 1000);
    public static readonly FieldLimit Sigma = FieldLimit.Reals(0, 100, minExclusive: true);
    public static readonly FieldLimit PersistentChains = FieldLimit.Integers(1, 10_000);
    public static readonly FieldLimit Momentum = FieldLimit.Reals(0, 1, maxExclusive: true);

    /// <summary>0 uses the final momentum throughout; any epoch up to the longest run.</summary>
    public static readonly FieldLimit MomentumSwitchEpoch = new(0, Epochs.Max);

    public static readonly FieldLimit WeightDecay = FieldLimit.Reals(0, 1);
    public static readonly FieldLimit SparsityTarget = FieldLimit.Reals(0, 1, minExclusive: true, maxExclusive: true);
    public static readonly FieldLimit SparsityCost = FieldLimit.Reals(0, 100);
    public static readonly FieldLimit SparsityDecay = FieldLimit.Reals(0, 1, maxExclusive: true);
    public static readonly FieldLimit LearningRateDecay = FieldLimit.Reals(0, 1, minExclusive: true);
    public static readonly FieldLimit InitialWeightStdDev = FieldLimit.Reals(0, 1, minExclusive: true);

    /// <summary>Any unsigned 64-bit seed.</summary>
    public static readonly FieldLimit Seed = FieldLimit.Integers(0);

    /// <summary>The range of every numeric option; defaults are <see cref="RbmOptions"/>'s initializers.</summary>
    public static IReadOnlyList<FieldRule<RbmOptions>> Rules { get; } =
    [
        new("hiddenUnits", HiddenUnits, o => o.HiddenUnits),
        new("k", K, o => o.K),
        new("learningRate", LearningRate, o => o.LearningRate),
        new("batchSize", BatchSize, o => o.BatchSize),
        new("epochs", Epochs, o => o.Epochs),
        new("seed", Seed, o => o.Seed),
        new("sigma", Sigma, o => o.Sigma),
        new("persistentChains", PersistentChains, o => o.PersistentChains),
        new("initialMomentum", Momentum, o => o.InitialMomentum),
        new("finalMomentum", Momentum, o => o.FinalMomentum),
        new("momentumSwitchEpoch", MomentumSwitchEpoch, o => o.MomentumSwitchEpoch),
        new("weightDecay", WeightDecay, o => o.WeightDecay),
        new("sparsityTarget", SparsityTarget, o => o.SparsityTarget, "(or null for none)"),
        new("sparsityCost", SparsityCost, o => o.SparsityCost),
        new("sparsityDecay", SparsityDecay, o => o.SparsityDecay),
        new("learningRateDecay", LearningRateDecay, o => o.LearningRateDecay),
        new("initialWeightStdDev", InitialWeightStdDev, o => o.InitialWeightStdDev),
    ];

    public static IReadOnlyDictionary<string, string[]> Validate(RbmOptions options, int visibleUnits, string prefix = "rbm")
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, string[]>();
        void Add(string key, string message) => errors[key] = [message];
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                Add($"{prefix}.{field}", message);
            }
        }

        Rules.Check(options, prefix, Add);
        Check(Enum.IsDefined(options.VisibleType), "visibleType", $"must be Bernoulli or Gaussian, got {options.VisibleType}.");
        if (!errors.ContainsKey($"{prefix}.hiddenUnits") && WeightsError(visibleUnits, options.HiddenUnits) is { } tooMany)
        {
            Add($"{prefix}.hiddenUnits", tooMany);
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

    /// <summary>The error when <paramref name="inputs"/> × <paramref name="hiddenUnits"/> weights exceed <see cref="MaxWeights"/>, else null.</summary>
    public static string? WeightsError(int inputs, int hiddenUnits) =>
        (long)inputs * hiddenUnits <= MaxWeights ? null : $"{inputs} visible × {hiddenUnits} hidden units exceeds the limit of {MaxWeights} weights.";
}
