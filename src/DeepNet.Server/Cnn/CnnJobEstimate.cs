using DeepNet.Models.Cnn;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.Cnn;

/// <summary>The cost of a CNN job: forward and backward passes over the training rows every epoch, then the test pass.</summary>
public static class CnnJobEstimate
{
    /// <summary>Parameter-sized arrays of the trainer: weights, gradient, Adam's two moments.</summary>
    private const int TrainerCopies = 4;

    /// <summary>
    /// A checkpoint's copies: the captured weights and moments, and the weights and gradients of the network the
    /// checkpoint file rebuilds for the parameters' names and shapes.
    /// </summary>
    private const int CaptureCopies = 5;

    /// <summary>Per value of a layer's output in a batch: the output, its gradient and the im2col/pooling scratch.</summary>
    private const int ActivationBuffers = 3;

    /// <summary>A backward pass costs about twice the forward one.</summary>
    private const int PassesPerTrainingSample = 3;

    /// <param name="spec">The validated spec with its layers and shapes.</param>
    /// <param name="rows">Rows the data spec selects (training plus validation).</param>
    public static JobEstimate Of(CnnResolvedSpec spec, long rows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        double forwardPerSample = 0;
        long parameters = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var input = spec.Shapes[i];
            var output = spec.Shapes[i + 1];
            (double flops, long weights) = spec.Layers[i] switch
            {
                ConvolutionSpec c => (2.0 * output.Size * input.Channels * c.Kernel * c.Kernel, ((long)input.Channels * c.Kernel * c.Kernel + 1) * c.Filters),
                DenseSpec d => (2.0 * input.Size * d.Units, ((long)input.Size + 1) * d.Units),
                _ => ((double)output.Size, 0L),
            };
            forwardPerSample += flops;
            parameters += weights;
        }

        var options = spec.Spec;
        long training = Math.Max(1, rows - options.Validation);
        long evaluated = options.Validation * (long)options.Epochs + (options.TestLimit ?? 10_000);
        long parameterBytes = JobEstimate.Floats(parameters);
        long dataBytes = JobEstimate.Floats((double)rows * spec.Input.Size);
        long activations = spec.Shapes.Sum(s => (long)s.Size) * options.BatchSize * ActivationBuffers;
        long modelBytes = parameterBytes + JobEstimate.FileOverheadBytes;
        return new JobEstimate(
            JobEstimate.Peak(dataBytes + TrainerCopies * parameterBytes + JobEstimate.Floats(activations), CaptureCopies * parameterBytes, modelBytes),
            modelBytes,
            3 * parameterBytes + JobEstimate.FileOverheadBytes,
            forwardPerSample * ((double)options.Epochs * training * PassesPerTrainingSample + evaluated),
            SizeField: dataBytes > TrainerCopies * parameterBytes ? "data.limit" : "cnn.layers",
            LengthField: "cnn.epochs");
    }
}
