using DeepNet.Data;
using DeepNet.Models;
using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.RbmFamily;

/// <summary>The cost of an RBM or patch-RBM job: contrastive divergence over the data, then the evaluations it asked for.</summary>
public static class RbmJobEstimate
{
    /// <summary>Bytes of a batch's visible and hidden activities the trainer keeps (data, probabilities, samples, negatives, gradients).</summary>
    private const int BatchBuffers = 8;

    /// <summary>Parameter-sized arrays of the trainer: weights, velocity, gradient.</summary>
    private const int TrainerCopies = 3;

    /// <summary>A checkpoint's captured copy: weights and velocity.</summary>
    private const int CaptureCopies = 2;

    /// <param name="data">The training set's shape; ignored for a patch job, which trains on <paramref name="patches"/>.</param>
    public static JobEstimate Of(RbmOptions options, TrainingDataShape data, PatchesSpec? patches, EvaluationSpec? evaluation)
    {
        ArgumentNullException.ThrowIfNull(options);
        long samples = patches?.PatchCount ?? data.Samples;
        long visible = patches is { } p ? (long)p.PatchSize * p.PatchSize : data.Features;
        long hidden = options.HiddenUnits;
        long parameters = visible * hidden + visible + hidden;
        long chains = options.Persistent ? options.PersistentChains : 0;

        long dataBytes = JobEstimate.Floats(samples * visible);
        long parameterBytes = JobEstimate.Floats(parameters);
        long modelBytes = parameterBytes + JobEstimate.FileOverheadBytes;
        // The data and the held-out rows the monitor samples, the trainer's arrays, a batch's activities and the chains.
        long training = dataBytes + JobEstimate.Floats((double)RbmMonitor.MaxSampleRows * visible) + TrainerCopies * parameterBytes
            + JobEstimate.Floats(BatchBuffers * (double)options.BatchSize * (visible + hidden))
            + JobEstimate.Floats(2 * chains * (visible + hidden));

        // Per sample and Gibbs step the two products v·Wᵀ and h·W; the gradient adds two outer products.
        double trainingFlops = (double)options.Epochs * samples * 2 * visible * hidden * (3 + 2 * options.K);
        double aisFlops = evaluation?.Ais is { } ais ? (double)ais.Runs * ais.Betas * 4 * visible * hidden : 0;

        return new JobEstimate(
            JobEstimate.Peak(training, CaptureCopies * parameterBytes + JobEstimate.Floats(chains * visible), modelBytes),
            modelBytes,
            2 * parameterBytes + JobEstimate.Floats(chains * visible) + JobEstimate.FileOverheadBytes,
            trainingFlops + aisFlops,
            SizeField: dataBytes > TrainerCopies * parameterBytes ? (patches is null ? "data.limit" : "patches.patchCount") : "rbm.hiddenUnits",
            LengthField: aisFlops > trainingFlops ? "evaluation.ais.betas" : "rbm.epochs");
    }
}
