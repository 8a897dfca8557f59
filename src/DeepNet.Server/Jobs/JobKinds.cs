namespace DeepNet.Server.Jobs;

/// <summary>Job and model kinds, and the names of the evaluations a job can run after training.</summary>
public static class JobKinds
{
    /// <summary>An RBM on MNIST or an uploaded data set.</summary>
    public const string Rbm = "rbm";

    /// <summary>A Gaussian RBM on standardized patches of one image (homework 2).</summary>
    public const string RbmPatches = "rbm-patches";

    /// <summary>A deep belief network: greedy layer-wise pre-training, then fine-tuning (issue 4).</summary>
    public const string Dbn = "dbn";

    /// <summary>A convolutional network (issue 5).</summary>
    public const string Cnn = "cnn";

    /// <summary>DataSpec.Dataset of an uploaded data set (with DataSpec.DatasetId).</summary>
    public const string UserDataset = "user";

    /// <summary>Learning rate of a patch job submitted without RBM options: Gaussian units need a smaller step than binary ones.</summary>
    public const float PatchLearningRate = 0.01f;

    public const string AisEvaluation = "ais";
    public const string PerClassEvaluation = "perClass";
    public const string PatchReconstructionEvaluation = "patchReconstruction";
}
