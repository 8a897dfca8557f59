namespace DeepNet.Models.Cnn;

/// <summary>
/// A layer of a <see cref="Network"/>. It owns its parameters and preallocated buffers for up to its maximum batch;
/// the spans it returns are views of those buffers, valid until its next call. Batches are NCHW row-major.
/// </summary>
public interface ILayer
{
    /// <summary>As <see cref="LayerSpec.Describe"/>.</summary>
    string Description { get; }

    TensorShape InputShape { get; }

    TensorShape OutputShape { get; }

    int MaxBatch { get; }

    /// <summary>Weights and biases with their gradients (empty for layers without parameters).</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Output (batch × OutputShape) of input (batch × InputShape).</summary>
    ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training);

    /// <summary>
    /// Given the input of the latest <see cref="Forward"/> and the loss gradient with respect to its output
    /// (batch × OutputShape), overwrites the parameters' gradients and returns the gradient with respect to the
    /// input (batch × InputShape), or an empty span when <paramref name="inputGradient"/> is false.
    /// </summary>
    ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient);
}

/// <summary>A named parameter tensor and its gradient (same length); <see cref="Decays"/> says whether weight decay applies.</summary>
public sealed class Parameter
{
    public Parameter(string name, int[] shape, bool decays)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        int length = 1;
        foreach (int d in shape)
        {
            length = checked(length * d);
        }

        Name = name;
        Shape = shape;
        Decays = decays;
        Value = new float[length];
        Gradient = new float[length];
    }

    public string Name { get; }

    public int[] Shape { get; }

    public bool Decays { get; }

    public float[] Value { get; }

    public float[] Gradient { get; }
}

/// <summary>Shared bookkeeping: shapes, the output and input-gradient buffers, batch checks.</summary>
public abstract class LayerBase : ILayer
{
    protected LayerBase(string description, TensorShape input, TensorShape output, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        Description = description;
        InputShape = input;
        OutputShape = output;
        MaxBatch = maxBatch;
        OutputBuffer = new float[checked(maxBatch * output.Size)];
        InputGradientBuffer = new float[checked(maxBatch * input.Size)];
    }

    public string Description { get; }

    public TensorShape InputShape { get; }

    public TensorShape OutputShape { get; }

    public int MaxBatch { get; }

    public virtual IReadOnlyList<Parameter> Parameters => [];

    protected float[] OutputBuffer { get; }

    /// <summary>The output of the latest <see cref="Forward"/> of <paramref name="batch"/> samples.</summary>
    internal ReadOnlySpan<float> OutputView(int batch) => OutputBuffer.AsSpan(0, batch * OutputShape.Size);

    protected float[] InputGradientBuffer { get; }

    public abstract ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training);

    /// <summary>
    /// Whether the layer computes each sample on its own (convolution, pooling, activation), so that
    /// <see cref="ForwardSamples"/> and <see cref="BackwardSamples"/> may run disjoint sample ranges concurrently.
    /// </summary>
    internal virtual bool IsPerSample => false;

    /// <summary>The input gradient buffer of the latest backward pass of <paramref name="batch"/> samples.</summary>
    internal Span<float> InputGradientView(int batch) => InputGradientBuffer.AsSpan(0, batch * InputShape.Size);

    /// <summary>Before the <see cref="ForwardSamples"/> calls of a batch, on one thread.</summary>
    internal virtual void BeginForward(int batch)
    {
    }

    /// <summary>
    /// Forward of samples [first, first + count) of the batch into the output buffer; <paramref name="input"/> is the whole
    /// batch's. <paramref name="partition"/> (0 or 1) names the workspace: calls with different partitions may run concurrently.
    /// </summary>
    internal virtual void ForwardSamples(ReadOnlySpan<float> input, int batch, int first, int count, int partition) =>
        throw new NotSupportedException($"{Description} does not compute samples separately.");

    /// <summary>Before the <see cref="BackwardSamples"/> calls of a batch, on one thread.</summary>
    internal virtual void BeginBackward(int batch, bool inputGradient)
    {
    }

    /// <summary>
    /// Backward of samples [first, first + count): writes their input gradient (when asked for) into the input-gradient buffer
    /// and adds to <paramref name="partition"/>'s parameter-gradient partials. The spans are the whole batch's.
    /// </summary>
    internal virtual void BackwardSamples(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, int first, int count, bool inputGradient, int partition) =>
        throw new NotSupportedException($"{Description} does not compute samples separately.");

    /// <summary>After the <see cref="BackwardSamples"/> calls of a batch, on one thread: the parameter gradients from the partials.</summary>
    internal virtual void EndBackward()
    {
    }

    public abstract ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch, bool inputGradient);

    protected void CheckForward(ReadOnlySpan<float> input, int batch)
    {
        CheckBatch(batch);
        if (input.Length != batch * InputShape.Size)
        {
            throw new ArgumentException($"{Description}: expected {batch}×{InputShape} = {batch * InputShape.Size} inputs, got {input.Length}.", nameof(input));
        }
    }

    protected void CheckBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch)
    {
        CheckForward(input, batch);
        if (outputGradient.Length != batch * OutputShape.Size)
        {
            throw new ArgumentException($"{Description}: expected {batch}×{OutputShape} output gradients, got {outputGradient.Length}.", nameof(outputGradient));
        }
    }

    private void CheckBatch(int batch)
    {
        if (batch < 1 || batch > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"{Description}: batch {batch} is not in [1, {MaxBatch}].");
        }
    }
}
