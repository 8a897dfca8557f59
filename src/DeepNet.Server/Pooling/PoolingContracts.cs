namespace DeepNet.Server.Pooling;

/// <summary>Request body of <c>POST /api/pooling/matrix</c>: a small matrix and the pooling to apply.</summary>
public sealed record PoolMatrixRequest
{
    /// <summary>The input, row by row: 1..64 rows of 1..64 finite numbers each, every row the same length. Required.</summary>
    public float[][]? Values { get; init; }

    /// <summary>"max" or "average". Default "max".</summary>
    public string? Mode { get; init; }

    /// <summary>Side of the square pooling window, 1..16 and at most the input's rows and columns. Default 2.</summary>
    public int? Window { get; init; }

    /// <summary>Step between windows, 1..16. Default: the window (non-overlapping windows, as in the lecture).</summary>
    public int? Stride { get; init; }
}

/// <summary>The pooled matrix: ⌊(rows − window) / stride⌋ + 1 by ⌊(cols − window) / stride⌋ + 1.</summary>
/// <param name="Values">The result, row by row.</param>
/// <param name="Mode">"max" or "average".</param>
/// <param name="Window">Side of the square window.</param>
/// <param name="Stride">Step between windows.</param>
/// <param name="InputRows">Rows of the input.</param>
/// <param name="InputCols">Columns of the input.</param>
/// <param name="OutputRows">Rows of the result.</param>
/// <param name="OutputCols">Columns of the result.</param>
/// <param name="Steps">
/// For inputs of at most 16×16: one entry per output cell, row-major, naming the window that produced it (and the
/// position of its maximum for max pooling). Null for larger inputs.
/// </param>
public sealed record PoolMatrixResponse(
    float[][] Values,
    string Mode,
    int Window,
    int Stride,
    int InputRows,
    int InputCols,
    int OutputRows,
    int OutputCols,
    IReadOnlyList<PoolingStep>? Steps);

/// <summary>
/// How one output cell was computed: out[Row, Col] pools input rows Top..Top + window − 1 and columns
/// Left..Left + window − 1 (Top = Row·stride, Left = Col·stride).
/// </summary>
/// <param name="Row">Output row.</param>
/// <param name="Col">Output column.</param>
/// <param name="Top">First input row of the window.</param>
/// <param name="Left">First input column of the window.</param>
/// <param name="ArgmaxRow">Max pooling: input row of the window's (first) maximum; null for average pooling.</param>
/// <param name="ArgmaxCol">Max pooling: input column of the window's (first) maximum; null for average pooling.</param>
public sealed record PoolingStep(int Row, int Col, int Top, int Left, int? ArgmaxRow, int? ArgmaxCol);

/// <summary>
/// JSON request body of <c>POST /api/pooling/image</c> (the same fields, plus <c>file</c> instead of <c>image</c>,
/// are accepted as multipart/form-data).
/// </summary>
public sealed record PoolImageRequest
{
    /// <summary>"builtin:&lt;name&gt;" (builtin:chelsea, builtin:coffee, builtin:rocket) or an uploaded image's id. Required.</summary>
    public string? Image { get; init; }

    /// <summary>Resize the (grayscale) image to resize×resize first, 4..1024; null = keep its size. The lecture: 200.</summary>
    public int? Resize { get; init; }

    /// <summary>"max" or "average". Default "max".</summary>
    public string? Mode { get; init; }

    /// <summary>Side of the square pooling window, 1..16. Default 2.</summary>
    public int? Window { get; init; }

    /// <summary>Step between windows, 1..16. Default: the window.</summary>
    public int? Stride { get; init; }
}

/// <summary>The answer of <c>POST /api/pooling/image?format=json</c>: both images and their sizes.</summary>
/// <param name="Mode">"max" or "average".</param>
/// <param name="Window">Side of the square window.</param>
/// <param name="Stride">Step between windows.</param>
/// <param name="Resize">The side the image was resized to before pooling, or null.</param>
/// <param name="InputWidth">Width of the pooled input (after the resize).</param>
/// <param name="InputHeight">Height of the pooled input (after the resize).</param>
/// <param name="OutputWidth">Width of the result: ⌊(InputWidth − window) / stride⌋ + 1.</param>
/// <param name="OutputHeight">Height of the result: ⌊(InputHeight − window) / stride⌋ + 1.</param>
/// <param name="InputPng">Base64 grayscale PNG of the input as pooled (converted to gray and resized).</param>
/// <param name="OutputPng">Base64 grayscale PNG of the result.</param>
public sealed record PoolImageResponse(
    string Mode,
    int Window,
    int Stride,
    int? Resize,
    int InputWidth,
    int InputHeight,
    int OutputWidth,
    int OutputHeight,
    string InputPng,
    string OutputPng);
