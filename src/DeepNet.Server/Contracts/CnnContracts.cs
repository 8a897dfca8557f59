namespace DeepNet.Server.Contracts;

/// <summary>
/// A convolutional network job (kind "cnn"): the layers (a preset or a list), the optimizer and the training schedule.
/// The softmax cross-entropy output is implied: the last layer is a dense layer with one unit per class (added when the
/// list does not end in a dense layer).
/// </summary>
public sealed record CnnJobSpec
{
    /// <summary>"lenet5" (C1 6@5×5 pad 2, S2, C3 16@5×5, S4, F5 120, F6 84, output) or "small" (conv 8@5×5, ReLU, max-pool 2×2, output); used when <see cref="Layers"/> is null.</summary>
    public string? Preset { get; init; }

    /// <summary>The layers in order; null takes <see cref="Preset"/> (default "small"). At most 20 layers.</summary>
    public IReadOnlyList<CnnLayerDto>? Layers { get; init; }

    /// <summary>"adam" (default) or "sgd" (with momentum).</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>ε, (0, 10]. Default 0.001 (Adam); use about 0.05 with SGD.</summary>
    public float LearningRate { get; init; } = 0.001f;

    /// <summary>SGD momentum, [0, 1).</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>L2 weight decay λ on weights (not biases), [0, 1].</summary>
    public float WeightDecay { get; init; }

    /// <summary>ε of epoch e is learningRate · learningRateDecay^(e − 1); (0, 1].</summary>
    public float LearningRateDecay { get; init; } = 1f;

    /// <summary>Minibatch size, 1..1024.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over the training rows, 1..200.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>"he" (normal, σ = √(2/fanIn)), "glorot" (uniform ±√(6/(fanIn + fanOut))) or null: He before ReLU, Glorot otherwise.</summary>
    public string? Init { get; init; }

    /// <summary>Random affine distortions of every training minibatch; null for none.</summary>
    public CnnAugmentDto? Augment { get; init; }

    /// <summary>The last N training rows are held out as a validation set (0 = none).</summary>
    public int Validation { get; init; }

    /// <summary>Test digits the test error is measured on: the first N of the MNIST test split (1..10000), or null for all 10000.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Seed of initialization, shuffling, distortions and dropout.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// One layer. type: "conv" (filters, kernel, stride = 1, padding = 0), "maxPool" / "avgPool" (window, stride = window),
/// "relu", "tanh", "sigmoid", "dense" (units), "dropout" (rate in [0, 0.9]).
/// </summary>
public sealed record CnnLayerDto
{
    public string? Type { get; init; }

    /// <summary>conv: number of kernels (feature maps), 1..256.</summary>
    public int? Filters { get; init; }

    /// <summary>conv: kernel side, 1..15.</summary>
    public int? Kernel { get; init; }

    /// <summary>conv: 1..8 (default 1); pooling: 1..8 (default the window).</summary>
    public int? Stride { get; init; }

    /// <summary>conv: zero padding on every side, 0..7 (default 0).</summary>
    public int? Padding { get; init; }

    /// <summary>pooling: window side, 1..8.</summary>
    public int? Window { get; init; }

    /// <summary>dense: units, 1..4096.</summary>
    public int? Units { get; init; }

    /// <summary>dropout: probability of dropping a value, [0, 0.9].</summary>
    public float? Rate { get; init; }
}

/// <summary>Per training sample: a rotation uniform in ±rotation degrees, a scale in 1 ± scale, a shift in ±shift pixels per axis.</summary>
public sealed record CnnAugmentDto
{
    /// <summary>Degrees, [0, 45].</summary>
    public float Rotation { get; init; } = 10f;

    /// <summary>Relative, [0, 0.5].</summary>
    public float Scale { get; init; } = 0.1f;

    /// <summary>Pixels, [0, 8].</summary>
    public float Shift { get; init; } = 2f;
}

/// <summary>The feature maps of one test image (GET /api/jobs/{id}/feature-maps?index=N).</summary>
/// <param name="Index">Test image index.</param>
/// <param name="Label">Its true class.</param>
/// <param name="Predicted">The network's class.</param>
/// <param name="Rows">One label per image row: the input, then each layer with its output shape.</param>
/// <param name="PngBase64">The PNG: one row of tiles per layer (at most 16 maps each), every tile the input's size.</param>
public sealed record CnnFeatureMapsDto(int Index, int Label, int Predicted, IReadOnlyList<string> Rows, string PngBase64);
