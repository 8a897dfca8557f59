using DeepNet.Models;
using DeepNet.Numerics;
using static DeepNet.Models.Tests.RbmTrainerTests;

namespace DeepNet.Models.Tests;

/// <summary>Each training option changes a real run the way it should.</summary>
public class RbmTrainingOptionsTests
{
    private static readonly RbmOptions Base = new() { HiddenUnits = 16, LearningRate = 0.05f, BatchSize = 10, Epochs = 8, Seed = 5 };

    [Fact]
    public void WithoutTheNewOptionsTheTrainerRunsThePlainLectureUpdate()
    {
        // Replays the trainer by hand: W ~ 0.01·N(0,1), zero biases, per epoch a shuffle, then plain CD-1 per batch.
        Matrix data = BarsAndStripes(4, 1);
        var options = new RbmOptions { HiddenUnits = 6, BatchSize = 10, Epochs = 2, Seed = 12, InitializeVisibleBiasFromData = false };
        Rbm trained = new RbmTrainer(options, data).Train(new RecordingObserver(), CancellationToken.None);

        var rng = new Xoshiro256StarStar(12);
        var rbm = new Rbm(16, 6);
        for (int i = 0; i < rbm.Weights.Length; i++)
        {
            rbm.Weights.Data[i] = 0.01f * rng.NextGaussian();
        }

        var cd = new ContrastiveDivergence(rbm, 10, 1, 0.1f, sampleReconstruction: true);
        var order = new int[data.Rows];
        var batch = new float[10 * 16];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            rng.Shuffle(order);
            for (int start = 0; start < data.Rows; start += 10)
            {
                int count = Math.Min(10, data.Rows - start);
                for (int r = 0; r < count; r++)
                {
                    data.Row(order[start + r]).CopyTo(batch.AsSpan(r * 16, 16));
                }

                cd.Step(batch, count, rng);
            }
        }

        Assert.Equal(rbm.Weights.Data, trained.Weights.Data);
        Assert.Equal(rbm.VisibleBias, trained.VisibleBias);
        Assert.Equal(rbm.HiddenBias, trained.HiddenBias);
    }

    [Fact]
    public void MomentumChangesTheTrajectoryAndSpeedsUpLearningOnBarsAndStripes()
    {
        Matrix data = BarsAndStripes(4, 10);
        var plain = new RbmTrainer(Base, data);
        var fast = new RbmTrainer(Base with { InitialMomentum = 0.5f, FinalMomentum = 0.9f, MomentumSwitchEpoch = 2 }, data);
        plain.Train(new RecordingObserver(), CancellationToken.None);
        fast.Train(new RecordingObserver(), CancellationToken.None);

        Assert.NotEqual(plain.Model.Weights.Data, fast.Model.Weights.Data);
        float plainError = plain.History[^1].ReconstructionError;
        float fastError = fast.History[^1].ReconstructionError;
        Assert.True(fastError < 0.8f * plainError, $"with momentum {fastError}, without {plainError}");
    }

    [Fact]
    public void TheMomentumScheduleSwitchesAfterTheConfiguredEpoch()
    {
        var options = new RbmOptions { InitialMomentum = 0.5f, FinalMomentum = 0.9f, MomentumSwitchEpoch = 2 };
        Assert.Equal([0.5f, 0.5f, 0.9f, 0.9f], Enumerable.Range(1, 4).Select(e => RbmTrainer.MomentumAt(options, e)));
        Assert.Equal(0.9f, RbmTrainer.MomentumAt(options with { MomentumSwitchEpoch = 0 }, 1));
    }

    [Fact]
    public void WeightDecayShrinksTheWeightsComparedWithNone()
    {
        Matrix data = BarsAndStripes(4, 10);
        var plain = new RbmTrainer(Base, data);
        var decayed = new RbmTrainer(Base with { WeightDecay = 0.05f }, data);
        plain.Train(new RecordingObserver(), CancellationToken.None);
        decayed.Train(new RecordingObserver(), CancellationToken.None);

        double plainNorm = Norm(plain.Model.Weights.Data);
        double decayedNorm = Norm(decayed.Model.Weights.Data);
        Assert.True(decayedNorm < 0.9 * plainNorm, $"‖W‖ with decay {decayedNorm}, without {plainNorm}");
    }

    [Fact]
    public void ASparsityTargetPullsTheMeanHiddenActivationTowardTheTarget()
    {
        Matrix data = BarsAndStripes(4, 10);
        const float Target = 0.05f;
        var plain = new RbmTrainer(Base, data);
        var sparse = new RbmTrainer(Base with { SparsityTarget = Target, SparsityCost = 2f, SparsityDecay = 0.9f }, data);
        plain.Train(new RecordingObserver(), CancellationToken.None);
        sparse.Train(new RecordingObserver(), CancellationToken.None);

        double plainMean = MeanHiddenActivation(plain.Model, data);
        double sparseMean = MeanHiddenActivation(sparse.Model, data);
        Assert.True(Math.Abs(sparseMean - Target) < 0.5 * Math.Abs(plainMean - Target), $"mean activation {sparseMean} with the target, {plainMean} without");
        float[] estimate = sparse.CaptureState().SparsityEstimate!;
        Assert.Equal(sparseMean, estimate.Average(), 0.05);
    }

    [Fact]
    public void LearningRateDecayShrinksTheParameterChangeOfEachEpoch()
    {
        Matrix data = BarsAndStripes(4, 10);
        double[] plain = ChangePerEpoch(Base, data);
        double[] decayed = ChangePerEpoch(Base with { LearningRateDecay = 0.5f }, data);

        Assert.Equal(plain[0], decayed[0], 1e-6);
        for (int e = 2; e < decayed.Length; e++)
        {
            Assert.True(decayed[e] < decayed[e - 1], $"epoch {e + 1} moved W by {decayed[e]}, epoch {e} by {decayed[e - 1]}");
        }

        Assert.True(decayed[^1] < 0.1 * plain[^1], $"last epoch moved W by {decayed[^1]} with decay, {plain[^1]} without");
        Assert.Equal(0.05f * 0.25f, RbmTrainer.LearningRateAt(Base with { LearningRateDecay = 0.5f }, 3), 1e-7f);
    }

    [Fact]
    public void VisibleBiasesStartAtTheLogOddsOfTheDataMeans()
    {
        // Column means 0.75, 0.25, 0 (clamped to 0.001) and 1 (clamped to 0.999).
        var data = new Matrix(4, 4, [1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1]);
        var trainer = new RbmTrainer(new RbmOptions { HiddenUnits = 3 }, data);
        double[] p = [0.75, 0.25, 0.001, 0.999];
        Assert.Equal(p.Select(v => (float)Math.Log(v / (1 - v))), trainer.Model.VisibleBias);
        Assert.All(trainer.Model.HiddenBias, c => Assert.Equal(0f, c));

        var zero = new RbmTrainer(new RbmOptions { HiddenUnits = 3, InitializeVisibleBiasFromData = false }, data);
        Assert.All(zero.Model.VisibleBias, b => Assert.Equal(0f, b));

        var gaussian = new RbmTrainer(new RbmOptions { HiddenUnits = 3, VisibleType = VisibleUnitType.Gaussian }, new Matrix(2, 2, [1, -3, 2, 5]));
        Assert.Equal([1.5f, 1f], gaussian.Model.VisibleBias);
    }

    [Fact]
    public void InitialWeightsHaveTheConfiguredStandardDeviation()
    {
        Matrix data = BarsAndStripes(4, 1);
        foreach (float std in new[] { 0.01f, 0.3f })
        {
            float[] w = new RbmTrainer(new RbmOptions { HiddenUnits = 200, InitialWeightStdDev = std }, data).Model.Weights.Data;
            double measured = Math.Sqrt(w.Select(x => (double)x * x).Average());
            Assert.Equal(std, measured, std * 0.05);
        }
    }

    [Fact]
    public void PersistentCdLearnsBarsAndStripes()
    {
        Matrix data = BarsAndStripes(4, 10);
        var trainer = new RbmTrainer(Base with { Persistent = true, PersistentChains = 10, LearningRate = 0.2f, Epochs = 15 }, data);
        trainer.Train(new RecordingObserver(), CancellationToken.None);
        float first = trainer.History[0].ReconstructionError;
        float last = trainer.History[^1].ReconstructionError;
        Assert.True(last < 0.5f * first, $"reconstruction error went from {first} to {last}");
    }

    [Fact]
    public void PersistentChainsCarryOverFromBatchToBatchAndDifferFromCd()
    {
        Matrix data = BarsAndStripes(4, 2);
        RbmOptions options = Base with { Persistent = true, PersistentChains = 7, Epochs = 2 };
        var pcd = new RbmTrainer(options, data);
        Matrix start = pcd.CaptureState().PersistentChains!;
        Assert.Equal((7, 16), (start.Rows, start.Cols));
        Assert.All(Enumerable.Range(0, 7), r => Assert.Contains(Enumerable.Range(0, data.Rows), i => data.Row(i).SequenceEqual(start.Row(r))));

        var observer = new ChainObserver(pcd);
        pcd.Train(observer, CancellationToken.None);
        // Every batch advances the same chains: each snapshot differs from the one before.
        Assert.Equal(12, observer.Chains.Count);
        Assert.NotEqual(start.Data, observer.Chains[0]);
        for (int i = 1; i < observer.Chains.Count; i++)
        {
            Assert.NotEqual(observer.Chains[i - 1], observer.Chains[i]);
        }

        var cd = new RbmTrainer(options with { Persistent = false }, data);
        cd.Train(new RecordingObserver(), CancellationToken.None);
        Assert.Null(cd.CaptureState().PersistentChains);
        Assert.NotEqual(cd.Model.Weights.Data, pcd.Model.Weights.Data);
    }

    [Fact]
    public void AGaussianRbmLearnsStandardizedMixturesOfGaussianPatterns()
    {
        Matrix data = GaussianPatterns(patterns: 4, dimension: 16, samples: 400, noise: 0.3f, seed: 9);
        var trainer = new RbmTrainer(
            new RbmOptions { VisibleType = VisibleUnitType.Gaussian, HiddenUnits = 16, LearningRate = 0.05f, BatchSize = 20, Epochs = 15, Seed = 2 },
            data);
        trainer.Train(new RecordingObserver(), CancellationToken.None);

        Assert.Equal(VisibleUnitType.Gaussian, trainer.Model.VisibleType);
        float first = trainer.History[0].ReconstructionError;
        float last = trainer.History[^1].ReconstructionError;
        // Standardized data: predicting the mean scores 16 per sample.
        Assert.True(last < 0.4f * first && last < 6, $"reconstruction error went from {first} to {last}");
    }

    /// <summary>Samples of a few random N(0,1) patterns plus noise, standardized per feature (mean 0, variance 1).</summary>
    [Fact]
    public void ADivergingRunStopsWithAMessageSayingToLowerTheLearningRate()
    {
        Matrix data = GaussianPatterns(patterns: 4, dimension: 16, samples: 200, noise: 0.3f, seed: 9);
        var trainer = new RbmTrainer(
            new RbmOptions { VisibleType = VisibleUnitType.Gaussian, HiddenUnits = 16, LearningRate = 10f, BatchSize = 20, Epochs = 50, Seed = 2 }, data);

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Train(new RecordingObserver(), CancellationToken.None));
        Assert.Contains("Lower the learning rate", error.Message);
        Assert.True(trainer.History.Count < 50);
    }

    internal static Matrix GaussianPatterns(int patterns, int dimension, int samples, float noise, ulong seed)
    {
        var rng = new Xoshiro256StarStar(seed);
        var centers = new float[patterns, dimension];
        for (int p = 0; p < patterns; p++)
        {
            for (int i = 0; i < dimension; i++)
            {
                centers[p, i] = rng.NextGaussian();
            }
        }

        var data = new Matrix(samples, dimension);
        for (int s = 0; s < samples; s++)
        {
            int p = rng.NextInt(patterns);
            for (int i = 0; i < dimension; i++)
            {
                data[s, i] = centers[p, i] + noise * rng.NextGaussian();
            }
        }

        for (int i = 0; i < dimension; i++)
        {
            double mean = 0, square = 0;
            for (int s = 0; s < samples; s++)
            {
                mean += data[s, i];
                square += (double)data[s, i] * data[s, i];
            }

            mean /= samples;
            double std = Math.Sqrt(square / samples - mean * mean);
            for (int s = 0; s < samples; s++)
            {
                data[s, i] = (float)((data[s, i] - mean) / std);
            }
        }

        return data;
    }

    private static double[] ChangePerEpoch(RbmOptions options, Matrix data)
    {
        var trainer = new RbmTrainer(options, data);
        var observer = new WeightObserver(trainer.Model.Weights.Data);
        trainer.Train(observer, CancellationToken.None);
        return observer.Changes.ToArray();
    }

    private static double Norm(float[] values) => Math.Sqrt(values.Sum(v => (double)v * v));

    private static double MeanHiddenActivation(Rbm rbm, Matrix data)
    {
        var q = new float[data.Rows * rbm.HiddenUnits];
        rbm.HiddenProbabilities(data.Data, data.Rows, q);
        return q.Average();
    }

    private sealed class WeightObserver(float[] initial) : IRbmTrainingObserver
    {
        private float[] _previous = (float[])initial.Clone();

        public List<double> Changes { get; } = [];

        public void OnBatchCompleted(TrainingProgress progress, Rbm model)
        {
        }

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
            Changes.Add(Math.Sqrt(model.Weights.Data.Zip(_previous, (a, b) => (double)(a - b) * (a - b)).Sum()));
            _previous = (float[])model.Weights.Data.Clone();
        }
    }

    private sealed class ChainObserver(RbmTrainer trainer) : IRbmTrainingObserver
    {
        public List<float[]> Chains { get; } = [];

        public void OnBatchCompleted(TrainingProgress progress, Rbm model) =>
            Chains.Add((float[])trainer.Step.PersistentChains!.Data.Clone());

        public void OnEpochCompleted(EpochMetrics metrics, Rbm model, RbmTrainingState checkpoint)
        {
        }
    }
}
