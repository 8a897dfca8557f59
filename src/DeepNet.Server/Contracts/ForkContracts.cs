using DeepNet.Data;

namespace DeepNet.Server.Contracts;

/// <summary>Request body of <c>POST /api/models/{id}/fork</c>: a new job of the caller that starts from the model's weights.</summary>
public sealed record ForkRequest
{
    /// <summary>
    /// "continue" (an RBM: its hyperparameters and data, <see cref="Epochs"/> more epochs from its weights),
    /// "dbnFirstLayer" (a DBN whose first layer is the RBM, not trained again; the layers above are pre-trained, then the
    /// network fine-tuned) or "fineTune" (a DBN with a classifier: its network fine-tuned globally for <see cref="Epochs"/> epochs).
    /// </summary>
    public string? Mode { get; init; }

    /// <summary>Name of the new job and model, at most 200 characters; default "&lt;parent name&gt; (fork)".</summary>
    public string? Name { get; init; }

    /// <summary>
    /// 1..1000. continue: training epochs (default the parent's); fineTune: fine-tuning epochs (default the parent's);
    /// dbnFirstLayer: fine-tuning epochs (default the spec's).
    /// </summary>
    public int? Epochs { get; init; }

    /// <summary>
    /// dbnFirstLayer only: the DBN (layers bottom first, pre-training, fine-tuning, backprop…); layers[0] stands for the RBM
    /// and must have its hidden units. Default: the RBM plus one layer of 100 units, global fine-tuning.
    /// </summary>
    public DbnJobSpec? Dbn { get; init; }

    /// <summary>
    /// dbnFirstLayer and fineTune: the data to train on (default the parent's data spec); images must have the parent's size.
    /// </summary>
    public DataSpec? Data { get; init; }
}

/// <summary>The values of <see cref="ForkRequest.Mode"/> (each owned by the kind of the job it starts).</summary>
public static class ForkModes
{
    public const string Continue = "continue";
    public const string DbnFirstLayer = "dbnFirstLayer";
    public const string FineTune = "fineTune";
}
