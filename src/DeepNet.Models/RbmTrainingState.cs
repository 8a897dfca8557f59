using System.Text.Json;
using DeepNet.Numerics;

namespace DeepNet.Models;

/// <summary>
/// Everything needed to continue an RBM run exactly where it stopped: options, parameters, RNG state,
/// position (next epoch and batch, and the epoch's sample order when stopped mid-epoch), the history, and the
/// optimizer's state — persistent chains, momentum buffers and the sparsity estimate, whichever the options use.
/// Stored as a safetensors file: big arrays as tensors, the small fields in the metadata.
/// </summary>
public sealed class RbmTrainingState : ISafeTensorsState
{
    private const string Format = "deepnet-rbm-checkpoint";

    /// <summary>Version 2 adds visible type, persistent chains, velocities and the sparsity estimate; version 1 files still load.</summary>
    private const string Version = "2";
    private const string PersistentChainsName = "persistent_chains";
    private const string WeightVelocityName = "velocity_weights";
    private const string VisibleBiasVelocityName = "velocity_visible_bias";
    private const string HiddenBiasVelocityName = "velocity_hidden_bias";
    private const string SparsityEstimateName = "sparsity_estimate";
    private static readonly ScheduleStateFormat ScheduleFormat = new(RngAsJsonArray: false, "epoch_error_sum", EpochTallyKey: null);

    internal RbmTrainingState(RbmOptions options, Rbm rbm, ScheduleState schedule, IReadOnlyList<EpochMetrics> history, OptimizerState optimizer)
    {
        Options = options;
        Rbm = rbm;
        Schedule = schedule;
        History = history;
        Optimizer = optimizer;
    }

    public RbmOptions Options { get; }

    /// <summary>A copy of the parameters at the checkpoint.</summary>
    public Rbm Rbm { get; }

    public int SampleCount => Schedule.SampleCount;

    /// <summary>1-based epoch that runs next (Options.Epochs + 1 when training is complete).</summary>
    public int NextEpoch => Schedule.NextEpoch;

    /// <summary>0-based batch of <see cref="NextEpoch"/> that runs next.</summary>
    public int NextBatch => Schedule.NextBatch;

    public int CompletedEpochs => NextEpoch - 1;

    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>A copy of persistent CD's fantasy particles (chains×V visible states); null for CD-k.</summary>
    public Matrix? PersistentChains => Optimizer.PersistentChains;

    /// <summary>A copy of the running mean-activation estimate of each hidden unit (length H); null without a sparsity target.</summary>
    public float[]? SparsityEstimate => Optimizer.SparsityEstimate;

    /// <summary>The generator, position and the epoch's summed reconstruction error.</summary>
    internal ScheduleState Schedule { get; }

    internal OptimizerState Optimizer { get; }

    public byte[] ToBytes() => SafeTensorsState.Write(this);

    public void AppendTo(SafeTensorsContents contents)
    {
        contents.SetFormat(Format, Version);
        contents["options"] = JsonSerializer.Serialize(Options);
        Schedule.WriteTo(contents, ScheduleFormat);
        contents["history"] = JsonSerializer.Serialize(History);
        RbmModelFile.AddTensors(Rbm, contents);
        OptimizerState o = Optimizer;
        if (o.PersistentChains is not null)
        {
            contents.Add(PersistentChainsName, [o.PersistentChains.Rows, o.PersistentChains.Cols], o.PersistentChains.Data);
        }

        if (o.WeightVelocity is not null)
        {
            contents.Add(WeightVelocityName, [o.WeightVelocity.Rows, o.WeightVelocity.Cols], o.WeightVelocity.Data);
            contents.Add(VisibleBiasVelocityName, [o.VisibleBiasVelocity!.Length], o.VisibleBiasVelocity);
            contents.Add(HiddenBiasVelocityName, [o.HiddenBiasVelocity!.Length], o.HiddenBiasVelocity);
        }

        if (o.SparsityEstimate is not null)
        {
            contents.Add(SparsityEstimateName, [o.SparsityEstimate.Length], o.SparsityEstimate);
        }
    }

    /// <summary>Restores a state written by <see cref="ToBytes"/>; throws <see cref="InvalidDataException"/> on anything inconsistent.</summary>
    public static RbmTrainingState FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(bytes);
        string? version = metadata.GetValueOrDefault("version");
        if (metadata.GetValueOrDefault("format") != Format || version is not ("1" or Version))
        {
            throw new InvalidDataException($"Not a {Format} file of version 1 or {Version}.");
        }

        try
        {
            RbmOptions options = JsonSerializer.Deserialize<RbmOptions>(metadata["options"])
                ?? throw new InvalidDataException("Checkpoint options are missing.");
            Rbm rbm = RbmModelFile.FromTensors(tensors, options.VisibleType, options.Sigma);
            if (RbmOptionsValidator.Validate(options, rbm.VisibleUnits) is { Count: > 0 } errors)
            {
                throw new InvalidDataException($"The checkpoint's options are invalid: {string.Join(" ", errors.Select(e => $"{e.Key} {e.Value[0]}"))}");
            }

            ScheduleState schedule = ScheduleState.ReadFrom(metadata, ScheduleFormat);
            List<EpochMetrics> history = JsonSerializer.Deserialize<List<EpochMetrics>>(metadata["history"]) ?? [];
            if (options.HiddenUnits != rbm.HiddenUnits)
            {
                throw new InvalidDataException("The checkpoint's fields are inconsistent.");
            }

            OptimizerState optimizer = ReadOptimizer(tensors, options, rbm);
            return new RbmTrainingState(options, rbm, schedule, history, optimizer);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The checkpoint is corrupt: {e.Message}", e);
        }
    }

    /// <summary>Reads exactly the optimizer tensors the options call for, with the shapes they imply.</summary>
    private static OptimizerState ReadOptimizer(IReadOnlyDictionary<string, Tensor> tensors, RbmOptions options, Rbm rbm)
    {
        int v = rbm.VisibleUnits;
        int h = rbm.HiddenUnits;
        bool momentum = options.InitialMomentum > 0 || options.FinalMomentum > 0;
        var expected = new Dictionary<string, int[]>
        {
            [RbmModelFile.WeightsName] = [h, v],
            [RbmModelFile.VisibleBiasName] = [v],
            [RbmModelFile.HiddenBiasName] = [h],
        };
        if (options.Persistent)
        {
            expected[PersistentChainsName] = [options.PersistentChains, v];
        }

        if (momentum)
        {
            expected[WeightVelocityName] = [h, v];
            expected[VisibleBiasVelocityName] = [v];
            expected[HiddenBiasVelocityName] = [h];
        }

        if (options.SparsityTarget is not null)
        {
            expected[SparsityEstimateName] = [h];
        }

        foreach (string name in tensors.Keys.Union(expected.Keys))
        {
            if (!expected.TryGetValue(name, out int[]? shape))
            {
                throw new InvalidDataException($"The checkpoint has a '{name}' tensor its options do not use.");
            }

            Tensor tensor = RbmModelFile.Require(tensors, name, shape.Length);
            if (!tensor.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new InvalidDataException(
                    $"Tensor '{name}' has shape [{string.Join(",", tensor.Shape)}]; the options need [{string.Join(",", shape)}].");
            }

            if (!tensor.Data.All(float.IsFinite))
            {
                throw new InvalidDataException($"Tensor '{name}' contains NaN or infinity.");
            }
        }

        Matrix? AsMatrix(string name) => tensors.TryGetValue(name, out Tensor? t) ? new Matrix(t.Shape[0], t.Shape[1], t.Data) : null;
        float[]? AsVector(string name) => tensors.TryGetValue(name, out Tensor? t) ? t.Data : null;
        return new OptimizerState(
            AsMatrix(PersistentChainsName), AsMatrix(WeightVelocityName), AsVector(VisibleBiasVelocityName),
            AsVector(HiddenBiasVelocityName), AsVector(SparsityEstimateName));
    }
}

/// <summary>Copies of <see cref="ContrastiveDivergence"/>'s state; each is null when the options do not use it.</summary>
internal sealed record OptimizerState(
    Matrix? PersistentChains, Matrix? WeightVelocity, float[]? VisibleBiasVelocity, float[]? HiddenBiasVelocity, float[]? SparsityEstimate)
{
    public static OptimizerState CopyOf(ContrastiveDivergence cd) => new(
        cd.PersistentChains?.Clone(), cd.WeightVelocity?.Clone(), (float[]?)cd.VisibleBiasVelocity?.Clone(),
        (float[]?)cd.HiddenBiasVelocity?.Clone(), (float[]?)cd.SparsityEstimate?.Clone());

    /// <summary>Copies this state into <paramref name="cd"/>'s buffers (which the same options allocated).</summary>
    public void RestoreInto(ContrastiveDivergence cd)
    {
        static void Copy(ReadOnlySpan<float> source, Span<float> destination, string name)
        {
            if (source.Length != destination.Length)
            {
                throw new ArgumentException($"The checkpoint's {name} does not match the options.");
            }

            source.CopyTo(destination);
        }

        if ((PersistentChains is null) != (cd.PersistentChains is null) || (WeightVelocity is null) != (cd.WeightVelocity is null)
            || (SparsityEstimate is null) != (cd.SparsityEstimate is null))
        {
            throw new ArgumentException("The checkpoint's optimizer state does not match its options.");
        }

        if (PersistentChains is not null)
        {
            Copy(PersistentChains.Data, cd.PersistentChains!.Data, "persistent chains");
        }

        if (WeightVelocity is not null)
        {
            Copy(WeightVelocity.Data, cd.WeightVelocity!.Data, "weight velocity");
            Copy(VisibleBiasVelocity, cd.VisibleBiasVelocity, "visible-bias velocity");
            Copy(HiddenBiasVelocity, cd.HiddenBiasVelocity, "hidden-bias velocity");
        }

        if (SparsityEstimate is not null)
        {
            Copy(SparsityEstimate, cd.SparsityEstimate, "sparsity estimate");
        }
    }
}
