namespace DeepNet.Server.RbmFamily;

/// <summary>The RBM kinds' names, and the names of the evaluations an RBM job can run after training.</summary>
public static class RbmKinds
{
    /// <summary>An RBM on MNIST or an uploaded data set.</summary>
    public const string Rbm = "rbm";

    /// <summary>A Gaussian RBM on standardized patches of one image (homework 2).</summary>
    public const string RbmPatches = "rbm-patches";

    /// <summary>Learning rate of a patch job submitted without RBM options: Gaussian units need a smaller step than binary ones.</summary>
    public const float PatchLearningRate = 0.01f;

    public const string AisEvaluation = "ais";
    public const string PerClassEvaluation = "perClass";
    public const string PatchReconstructionEvaluation = "patchReconstruction";
}
