using DeepNet.Server.Contracts;
using DeepNet.Server.Jobs;

namespace DeepNet.Server.Dbn;

/// <summary>The cost of a DBN job: each layer's pre-training, then the fine-tuning, over the data propagated up the stack.</summary>
public static class DbnJobEstimate
{
    private const int Classes = 10;

    /// <summary>Network-sized arrays of the fine-tuning (bounding a layer's pre-training): weights, velocity, gradient.</summary>
    private const int TrainerCopies = 3;

    /// <summary>A checkpoint's captured copy of the fine-tuning: weights and velocity.</summary>
    private const int CaptureCopies = 2;

    /// <param name="spec">A validated spec with its defaults applied (at least one layer).</param>
    public static JobEstimate Of(DbnJobSpec spec, TrainingDataShape data)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var layers = spec.Layers ?? [];
        long samples = Math.Max(1, data.Samples - spec.Validation);
        long stackFloats = 0;
        long networkFloats = 0;
        long widest = data.Features;
        long fineTuneProducts = 0;
        int widestBatch = spec.Backprop.BatchSize;
        var stages = new List<(string Field, double Flops)>();
        long below = data.Features;
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            long products = below * layer.HiddenUnits;
            stackFloats += products + below + layer.HiddenUnits;
            networkFloats += products + layer.HiddenUnits;
            fineTuneProducts += products;
            widest = Math.Max(widest, layer.HiddenUnits);
            widestBatch = Math.Max(widestBatch, layer.BatchSize);
            double perSample = spec.Pretraining switch
            {
                DbnSpecNames.Rbm => 2.0 * products * (3 + 2 * layer.K),
                DbnSpecNames.AutoEncoder => 2.0 * products * 4,
                DbnSpecNames.Supervised => 2.0 * (products + layer.HiddenUnits * Classes) * 3,
                _ => 0,
            };
            // Every layer first propagates the data through the layers below it.
            stages.Add(($"dbn.layers[{l}].epochs", (double)layer.Epochs * samples * perSample + 2.0 * samples * (fineTuneProducts - products)));
            below = layer.HiddenUnits;
        }

        long top = below * Classes;
        networkFloats += top + Classes;
        double fineTunePerSample = spec.FineTuning switch
        {
            DbnSpecNames.Global => 2.0 * (fineTuneProducts + top) * 3,
            DbnSpecNames.ClassifierOnTop => 2.0 * top * 3,
            _ => 0,
        };
        int fineTuneEpochs = spec.FineTuning == DbnSpecNames.None ? 0 : spec.Backprop.Epochs + spec.Backprop.TopLayerOnlyEpochs;
        stages.Add(("dbn.backprop.epochs", (double)fineTuneEpochs * samples * fineTunePerSample + 2.0 * (samples + (spec.TestLimit ?? 10_000)) * (fineTuneProducts + top)));

        // The pre-trained stack (RBMs with their visible biases) and, with fine-tuning, the unrolled network: the model holds both.
        long stackBytes = JobEstimate.Floats(stackFloats);
        long networkBytes = JobEstimate.Floats(networkFloats);
        long modelBytes = stackBytes + (spec.FineTuning == DbnSpecNames.None ? 0 : networkBytes) + JobEstimate.FileOverheadBytes;
        long dataBytes = JobEstimate.Floats((double)samples * data.Features);
        // The data, the widest layer's propagated copy and its next, the stack, the trainer's arrays and a batch's activations.
        long training = dataBytes + 2 * JobEstimate.Floats((double)samples * widest) + stackBytes + TrainerCopies * networkBytes
            + JobEstimate.Floats(8.0 * widestBatch * (data.Features + layers.Sum(l => (long)l.HiddenUnits)));
        return new JobEstimate(
            JobEstimate.Peak(training, CaptureCopies * networkBytes, modelBytes),
            modelBytes,
            stackBytes + CaptureCopies * networkBytes + JobEstimate.FileOverheadBytes,
            stages.Sum(s => s.Flops),
            SizeField: dataBytes > TrainerCopies * networkBytes ? "data.limit" : "dbn.layers",
            LengthField: stages.MaxBy(s => s.Flops).Field);
    }
}
