using DeepNet.Models;
using DeepNet.Numerics;
using static DeepNet.Models.Tests.RbmTrainerTests;

namespace DeepNet.Models.Tests;

/// <summary>An interrupted and resumed run ends exactly where an uninterrupted run with the same seed ends, for every option.</summary>
public class RbmResumeTests
{
    public enum Interruption
    {
        /// <summary>Cancelled in the middle of epoch 2 (of 3; momentum switches after epoch 2).</summary>
        MidEpoch,

        /// <summary>Cancelled right after the last batch of epoch 2.</summary>
        CancelAtEpochBoundary,

        /// <summary>Resumed from the checkpoint the observer received after epoch 2.</summary>
        EpochCheckpoint,
    }

    public static TheoryData<bool, bool, bool, bool, bool, Interruption> EveryCombination()
    {
        var data = new TheoryData<bool, bool, bool, bool, bool, Interruption>();
        foreach (Interruption interruption in new[] { Interruption.MidEpoch, Interruption.CancelAtEpochBoundary })
        {
            for (int mask = 0; mask < 32; mask++)
            {
                data.Add((mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0, (mask & 8) != 0, (mask & 16) != 0, interruption);
            }
        }

        // The observer's epoch checkpoint is the state a cancel at the boundary captures; check it with everything on.
        data.Add(true, true, true, true, false, Interruption.EpochCheckpoint);
        data.Add(true, true, true, true, true, Interruption.EpochCheckpoint);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void AResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne(
        bool persistent, bool momentum, bool sparsity, bool decays, bool gaussian, Interruption interruption)
    {
        Matrix data = gaussian ? RbmTrainingOptionsTests.GaussianPatterns(3, 16, 35, 0.3f, 4) : FirstRows(BarsAndStripes(4, 5), 35);
        var options = new RbmOptions
        {
            HiddenUnits = 8,
            K = 2,
            BatchSize = 7, // 5 batches per epoch
            Epochs = 3,
            Seed = 11,
            LearningRate = gaussian ? 0.02f : 0.1f,
            VisibleType = gaussian ? VisibleUnitType.Gaussian : VisibleUnitType.Bernoulli,
            Sigma = gaussian ? 0.8f : 1f,
            Persistent = persistent,
            PersistentChains = 5,
            InitialMomentum = momentum ? 0.5f : 0f,
            FinalMomentum = momentum ? 0.9f : 0f,
            MomentumSwitchEpoch = 2,
            SparsityTarget = sparsity ? 0.1f : null,
            SparsityCost = sparsity ? 0.5f : 0f,
            WeightDecay = decays ? 0.01f : 0f,
            LearningRateDecay = decays ? 0.8f : 1f,
        };
        var uninterrupted = new RbmTrainer(options, data);
        var fullObserver = new RecordingObserver();
        uninterrupted.Train(fullObserver, CancellationToken.None);

        RbmTrainingState checkpoint;
        if (interruption == Interruption.EpochCheckpoint)
        {
            checkpoint = fullObserver.Checkpoints[1];
        }
        else
        {
            var interrupted = new RbmTrainer(options, data);
            using var cts = new CancellationTokenSource();
            var observer = new RecordingObserver { CancelAfterBatches = interruption == Interruption.MidEpoch ? 7 : 10, Cancellation = cts };
            Assert.Throws<OperationCanceledException>(() => interrupted.Train(observer, cts.Token));
            checkpoint = interrupted.CaptureState();
        }

        RbmTrainingState restored = RbmTrainingState.FromBytes(checkpoint.ToBytes());
        Assert.Equal(interruption == Interruption.MidEpoch ? 2 : 0, restored.NextBatch);
        Assert.Equal(2, restored.NextEpoch - (interruption == Interruption.MidEpoch ? 0 : 1));
        var resumed = RbmTrainer.Resume(restored, data);
        resumed.Train(new RecordingObserver(), CancellationToken.None);

        Assert.Equal(uninterrupted.Model.Weights.Data, resumed.Model.Weights.Data);
        Assert.Equal(uninterrupted.Model.VisibleBias, resumed.Model.VisibleBias);
        Assert.Equal(uninterrupted.Model.HiddenBias, resumed.Model.HiddenBias);
        Assert.Equal(uninterrupted.Model.VisibleType, resumed.Model.VisibleType);
        Assert.Equal(uninterrupted.History.Select(m => m.ReconstructionError), resumed.History.Select(m => m.ReconstructionError));
        RbmTrainingState expectedEnd = uninterrupted.CaptureState(), actualEnd = resumed.CaptureState();
        Assert.Equal(expectedEnd.PersistentChains?.Data, actualEnd.PersistentChains?.Data);
        Assert.Equal(expectedEnd.SparsityEstimate, actualEnd.SparsityEstimate);
        Assert.Equal(expectedEnd.Optimizer.WeightVelocity?.Data, actualEnd.Optimizer.WeightVelocity?.Data);
        Assert.Equal(persistent, actualEnd.PersistentChains is not null);
        Assert.Equal(momentum, actualEnd.Optimizer.WeightVelocity is not null);
        Assert.Equal(sparsity, actualEnd.SparsityEstimate is not null);
    }

    [Fact]
    public void AVersion1CheckpointStillResumes()
    {
        Matrix data = BarsAndStripes(4, 2);
        var options = new RbmOptions { HiddenUnits = 8, BatchSize = 10, Epochs = 3, Seed = 3 };
        var observer = new RecordingObserver();
        Rbm expected = new RbmTrainer(options, data).Train(observer, CancellationToken.None);

        // The walking skeleton's checkpoints: version "1", the same fields, no optimizer tensors.
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(observer.Checkpoints[0].ToBytes());
        var v1 = new Dictionary<string, string>(metadata) { ["version"] = "1" };
        byte[] old = SafeTensors.Write(tensors.Values.ToList(), v1);
        Rbm actual = RbmTrainer.Resume(RbmTrainingState.FromBytes(old), data).Train(new RecordingObserver(), CancellationToken.None);
        Assert.Equal(expected.Weights.Data, actual.Weights.Data);
    }

    [Fact]
    public void ACheckpointMissingOrCorruptingItsOptimizerStateIsRejected()
    {
        Matrix data = BarsAndStripes(4, 2);
        var options = new RbmOptions
        {
            HiddenUnits = 8, BatchSize = 10, Epochs = 1, Persistent = true, PersistentChains = 4,
            FinalMomentum = 0.5f, MomentumSwitchEpoch = 0, SparsityTarget = 0.2f,
        };
        var trainer = new RbmTrainer(options, data);
        trainer.Train(new RecordingObserver(), CancellationToken.None);
        (IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata) = SafeTensors.Read(trainer.CaptureState().ToBytes());
        Assert.Equal("2", metadata["version"]);
        Assert.Equal(
            ["hidden_bias", "persistent_chains", "sparsity_estimate", "velocity_hidden_bias", "velocity_visible_bias", "velocity_weights", "visible_bias", "weights"],
            tensors.Keys.Order());

        byte[] Rewrite(Func<Tensor, Tensor?> change, Action<Dictionary<string, string>>? meta = null)
        {
            var m = new Dictionary<string, string>(metadata);
            meta?.Invoke(m);
            return SafeTensors.Write(tensors.Values.Select(change).OfType<Tensor>().ToList(), m);
        }

        string Reject(byte[] bytes) => Assert.Throws<InvalidDataException>(() => RbmTrainingState.FromBytes(bytes)).Message;

        Assert.Contains("persistent_chains", Reject(Rewrite(t => t.Name == "persistent_chains" ? null : t)));
        Assert.Contains("velocity_weights", Reject(Rewrite(t => t.Name == "velocity_weights" ? t with { Data = [.. t.Data[..^1], float.NaN] } : t)));
        Assert.Contains("shape", Reject(Rewrite(t => t.Name == "sparsity_estimate" ? t with { Shape = [4], Data = t.Data[..4] } : t)));
        Assert.Contains("do not use", Reject(Rewrite(t => t, m => m["options"] = m["options"].Replace("\"Persistent\":true", "\"Persistent\":false", StringComparison.Ordinal))));
        Assert.Contains("sigma", Reject(Rewrite(t => t, m => m["options"] = m["options"].Replace("\"Sigma\":1", "\"Sigma\":-1", StringComparison.Ordinal))));
        Assert.Throws<InvalidDataException>(() => RbmTrainingState.FromBytes(Rewrite(t => t, m => m["version"] = "3")));
        Assert.Throws<InvalidDataException>(() => RbmTrainingState.FromBytes(Rewrite(t => t, m => m["rng"] = "1,2")));
    }

    private static Matrix FirstRows(Matrix m, int rows) => new(rows, m.Cols, m.RowRange(0, rows).ToArray());
}
