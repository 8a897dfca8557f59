namespace DeepNet.Server.Stepper;

/// <summary>Request body of <c>POST /api/stepper/rbm</c>: one CD-1 update of a tiny Bernoulli RBM on one sample.</summary>
public sealed record RbmStepRequest
{
    /// <summary>x1, the sample: 1..64 values in [0, 1] (binary or grey). Required.</summary>
    public float[]? Visible { get; init; }

    /// <summary>Hidden units, 1..16. Default 3.</summary>
    public int? Hidden { get; init; }

    /// <summary>ε, in (0, 10]. Default 0.1.</summary>
    public float? LearningRate { get; init; }

    /// <summary>The seed of the initial weights and of both samples. Default 1.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Standard deviation of the initial weights W ~ N(0, s²), in [0, 1]. Default 0.1.</summary>
    public float? InitialWeightStdDev { get; init; }
}

/// <summary>
/// One CD-1 update in the lecture's order, every number as the trainer computes it (float32). Matrices are hidden×visible,
/// row j the weights of hidden unit j. A sample is 1 where its uniform u &lt; the probability.
/// </summary>
/// <param name="Seed">The seed used.</param>
/// <param name="LearningRate">ε.</param>
/// <param name="InitialWeightStdDev">s of W ~ N(0, s²) (the trainer's first H·V Gaussian draws, row-major).</param>
/// <param name="Weights">W before the update (H×V).</param>
/// <param name="VisibleBias">b before the update (V); zero at the start of a run.</param>
/// <param name="HiddenBias">c before the update (H); zero at the start of a run.</param>
/// <param name="X1">x1, the sample.</param>
/// <param name="HiddenProbabilities1">Q(h1=1|x1) = sigm(c + W x1) (H).</param>
/// <param name="HiddenUniforms">The uniforms u drawn for h1 (H), in unit order.</param>
/// <param name="H1">h1: 1 where u &lt; Q(h1=1|x1).</param>
/// <param name="VisibleProbabilities2">P(x2=1|h1) = sigm(b + Wᵀ h1) (V).</param>
/// <param name="VisibleUniforms">The uniforms drawn for x2 (V), after those of h1.</param>
/// <param name="X2">x2: 1 where u &lt; P(x2=1|h1).</param>
/// <param name="HiddenProbabilities2">Q(h2=1|x2) = sigm(c + W x2) (H).</param>
/// <param name="WeightDelta">ΔW = ε(h1 x1ᵀ − Q(h2=1|x2) x2ᵀ) (H×V).</param>
/// <param name="VisibleBiasDelta">Δb = ε(x1 − x2) (V).</param>
/// <param name="HiddenBiasDelta">Δc = ε(h1 − Q(h2=1|x2)) (H).</param>
/// <param name="WeightsAfter">W after the update, computed by the trainer's own update (ContrastiveDivergence) from the same state and seed.</param>
/// <param name="VisibleBiasAfter">b after the trainer's update.</param>
/// <param name="HiddenBiasAfter">c after the trainer's update.</param>
/// <param name="ReconstructionError">Σᵢ (x1ᵢ − P(x2ᵢ=1|h1))², the error the trainer reports for this sample.</param>
/// <param name="LargestDisagreement">max |W + ΔW − W_after| over W, b and c: how far the step-by-step numbers are from the trainer's (float rounding only).</param>
public sealed record RbmStepResponse(
    ulong Seed,
    float LearningRate,
    float InitialWeightStdDev,
    float[][] Weights,
    float[] VisibleBias,
    float[] HiddenBias,
    float[] X1,
    float[] HiddenProbabilities1,
    float[] HiddenUniforms,
    float[] H1,
    float[] VisibleProbabilities2,
    float[] VisibleUniforms,
    float[] X2,
    float[] HiddenProbabilities2,
    float[][] WeightDelta,
    float[] VisibleBiasDelta,
    float[] HiddenBiasDelta,
    float[][] WeightsAfter,
    float[] VisibleBiasAfter,
    float[] HiddenBiasAfter,
    double ReconstructionError,
    float LargestDisagreement);

/// <summary>Request body of <c>POST /api/stepper/convolution</c>: the lecture's A_ij = Σ_kl W_kl·X_{i+k, j+l}.</summary>
public sealed record ConvolutionStepRequest
{
    /// <summary>X, row by row: 1..16 rows of 1..16 finite numbers, rectangular. Required.</summary>
    public float[][]? Input { get; init; }

    /// <summary>W, row by row: 1..8 rows of 1..8 finite numbers, rectangular, at most X's size. Required.</summary>
    public float[][]? Kernel { get; init; }
}

/// <summary>The valid convolution (no padding, stride 1): (rows − kh + 1) × (cols − kw + 1), and how each cell was summed.</summary>
/// <param name="Output">A, row by row, computed by the same kernel the filter demos use.</param>
/// <param name="Steps">One per output cell, row-major.</param>
public sealed record ConvolutionStepResponse(float[][] Output, IReadOnlyList<ConvolutionCellStep> Steps);

/// <summary>A_{Row,Col} = Σ Terms, with Terms[k·kw + l] = W_kl·X_{Row+k, Col+l}.</summary>
public sealed record ConvolutionCellStep(int Row, int Col, float[] Terms, float Sum);
