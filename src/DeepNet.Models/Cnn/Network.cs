using System.Numerics.Tensors;
using DeepNet.Numerics;

namespace DeepNet.Models.Cnn;

/// <summary>
/// A sequence of layers ending in K logits, trained with softmax cross-entropy. Built from an architecture as data
/// (<see cref="LayerSpec"/>s) after <see cref="InferShapes"/> has checked that every layer fits its input.
/// Weights are initialized from the seeded generator in layer order: He normal (σ = √(2/fanIn)) for a layer followed
/// by ReLU, Glorot uniform (±√(6/(fanIn + fanOut))) otherwise; biases 0. The same generator drives dropout.
/// </summary>
public sealed class Network
{
    private readonly ILayer[] _layers;
    private readonly SoftmaxCrossEntropyLoss _loss;
    private readonly Xoshiro256StarStar _rng;
    private readonly int _perSample; // leading layers that compute each sample on its own (convolution, activation, pooling)
    private readonly PerSamplePass _pass;

    public Network(TensorShape input, IReadOnlyList<LayerSpec> layers, int maxBatch, ulong seed)
        : this(input, layers, maxBatch, new Xoshiro256StarStar(seed), initialize: true)
    {
    }

    /// <summary>A new network whose weights are drawn as <paramref name="initialization"/> says.</summary>
    public Network(TensorShape input, IReadOnlyList<LayerSpec> layers, int maxBatch, ulong seed, CnnInitialization initialization)
        : this(input, layers, maxBatch, new Xoshiro256StarStar(seed), initialize: true, initialization)
    {
    }

    private Network(TensorShape input, IReadOnlyList<LayerSpec> layers, int maxBatch, Xoshiro256StarStar rng, bool initialize,
        CnnInitialization initialization = CnnInitialization.Auto)
    {
        IReadOnlyList<TensorShape> shapes = InferShapes(input, layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        _rng = rng;
        _layers = new ILayer[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            _layers[i] = layers[i] switch
            {
                ConvolutionSpec c => new Conv2d(shapes[i], c, maxBatch),
                MaxPoolSpec m => new MaxPool2d(shapes[i], m, maxBatch),
                AveragePoolSpec a => new AvgPool2d(shapes[i], a, maxBatch),
                ActivationSpec a => new Activation(shapes[i], a, maxBatch),
                DenseSpec d => new Dense(shapes[i], d, maxBatch),
                DropoutSpec d => new Dropout(shapes[i], d, maxBatch, _rng),
                _ => throw new ArgumentException($"layer {i + 1}: unknown layer type {layers[i].GetType().Name}.", nameof(layers)),
            };
        }

        Specs = [.. layers];
        InputShape = input;
        MaxBatch = maxBatch;
        Classes = shapes[^1].Size;
        _loss = new SoftmaxCrossEntropyLoss(Classes, maxBatch);
        Parameters = [.. _layers.SelectMany(l => l.Parameters)];
        while (_perSample < _layers.Length && ((LayerBase)_layers[_perSample]).IsPerSample)
        {
            _perSample++;
        }

        _pass = new PerSamplePass(this);
        if (initialize)
        {
            Initialize(initialization);
        }
    }

    /// <summary>
    /// Rebuilds a network from saved parameter values (in <see cref="Parameters"/> order) and generator state,
    /// without drawing initial weights.
    /// </summary>
    public static Network Restore(TensorShape input, IReadOnlyList<LayerSpec> layers, int maxBatch, ReadOnlySpan<ulong> rngState, IReadOnlyList<float[]> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var network = new Network(input, layers, maxBatch, Xoshiro256StarStar.FromState(rngState), initialize: false);
        if (parameters.Count != network.Parameters.Count)
        {
            throw new ArgumentException($"Expected {network.Parameters.Count} parameter tensors, got {parameters.Count}.", nameof(parameters));
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = network.Parameters[i];
            if (parameters[i].Length != p.Value.Length)
            {
                throw new ArgumentException($"Parameter {i} ({p.Name}) needs {p.Value.Length} values, got {parameters[i].Length}.", nameof(parameters));
            }

            parameters[i].CopyTo(p.Value, 0);
        }

        return network;
    }

    public TensorShape InputShape { get; }

    public int MaxBatch { get; }

    /// <summary>K, the size of the last layer's output.</summary>
    public int Classes { get; }

    public IReadOnlyList<LayerSpec> Specs { get; }

    public IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>All layers' parameters in layer order (weight then bias).</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The generator that initialized the weights and draws dropout masks; part of a trainer's state.</summary>
    public Xoshiro256StarStar Random => _rng;

    /// <summary>Key in <see cref="Exception.Data"/> of an <see cref="InferShapes"/> error: the 0-based index of the layer that does not fit.</summary>
    public const string LayerIndexKey = "LayerIndex";

    /// <summary>
    /// The shape after each layer: element 0 is <paramref name="input"/>, element i the output of layer i (1-based).
    /// Throws an <see cref="ArgumentException"/> naming the first layer that does not fit, e.g.
    /// "layer 3 (conv 16@5×5): input 6×4×4 is smaller than the kernel".
    /// </summary>
    public static IReadOnlyList<TensorShape> InferShapes(TensorShape input, IReadOnlyList<LayerSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (input.Channels < 1 || input.Height < 1 || input.Width < 1)
        {
            throw new ArgumentException($"The input shape {input} must be positive in every dimension.", nameof(input));
        }

        if (layers.Count == 0)
        {
            throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        }

        var shapes = new List<TensorShape>(layers.Count + 1) { input };
        TensorShape shape = input;
        for (int i = 0; i < layers.Count; i++)
        {
            LayerSpec spec = layers[i] ?? throw new ArgumentException($"layer {i + 1} is missing.", nameof(layers));
            string Fail(string what) => $"layer {i + 1} ({spec.Describe()}): {what}";
            try
            {
                shape = spec switch
                {
                    ConvolutionSpec c when c.Filters < 1 || c.Kernel < 1 || c.Stride < 1 || c.Padding < 0 =>
                        throw new ArgumentException(Fail("filters, kernel and stride must be at least 1 and padding at least 0."), nameof(layers)),
                    ConvolutionSpec c when c.Kernel > shape.Height + 2 * c.Padding || c.Kernel > shape.Width + 2 * c.Padding =>
                        throw new ArgumentException(Fail($"input {shape} is smaller than the kernel."), nameof(layers)),
                    ConvolutionSpec c => Conv2d.OutputShapeOf(shape, c),
                    MaxPoolSpec { Window: var w, Stride: var s } => PoolShape(shape, w, s, Fail),
                    AveragePoolSpec { Window: var w, Stride: var s } => PoolShape(shape, w, s, Fail),
                    ActivationSpec a when !Enum.IsDefined(a.Kind) =>
                        throw new ArgumentException(Fail("unknown activation."), nameof(layers)),
                    ActivationSpec => shape,
                    DenseSpec d when d.Units < 1 => throw new ArgumentException(Fail("units must be at least 1."), nameof(layers)),
                    DenseSpec d => new TensorShape(d.Units, 1, 1),
                    DropoutSpec d when !(d.Rate >= 0f && d.Rate < 1f) =>
                        throw new ArgumentException(Fail("the rate must be in [0, 1)."), nameof(layers)),
                    DropoutSpec => shape,
                    _ => throw new ArgumentException(Fail("unknown layer type."), nameof(layers)),
                };
            }
            catch (ArgumentException e)
            {
                e.Data[LayerIndexKey] = i;
                throw;
            }

            shapes.Add(shape);
        }

        if (shape.Size < 2)
        {
            var e = new ArgumentException($"layer {layers.Count} ({layers[^1].Describe()}): output {shape} gives fewer than 2 classes.", nameof(layers));
            e.Data[LayerIndexKey] = layers.Count - 1;
            throw e;
        }

        return shapes;
    }

    private static TensorShape PoolShape(TensorShape shape, int window, int stride, Func<string, string> fail)
    {
        if (window < 1 || stride < 1)
        {
            throw new ArgumentException(fail("window and stride must be at least 1."), "layers");
        }

        if (window > shape.Height || window > shape.Width)
        {
            throw new ArgumentException(fail($"input {shape} is smaller than the {window}×{window} window."), "layers");
        }

        return MaxPool2d.OutputShapeOf(shape, window, stride);
    }

    /// <summary>Logits (batch × K) of input (batch × InputShape, NCHW); <paramref name="training"/> turns dropout on.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> input, int batch, bool training = false)
    {
        ReadOnlySpan<float> x = input;
        int first = 0;
        if (_perSample > 0)
        {
            ForwardPerSampleLayers(input, batch);
            x = LayerOutput(_perSample - 1, batch);
            first = _perSample;
        }

        for (int i = first; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(x, batch, training);
        }

        return x;
    }

    // The leading per-sample layers run the batch as two fixed halves, one per core (PartitionWorker): the halves never share
    // data, and the convolutions' gradient partials are summed in half order, so results do not depend on thread timing.
    private unsafe void ForwardPerSampleLayers(ReadOnlySpan<float> input, int batch)
    {
        if (batch < 1 || batch > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"batch {batch} is not in [1, {MaxBatch}].");
        }

        if (input.Length != batch * InputShape.Size)
        {
            throw new ArgumentException($"Expected {batch}×{InputShape} = {batch * InputShape.Size} inputs, got {input.Length}.", nameof(input));
        }

        for (int i = 0; i < _perSample; i++)
        {
            ((LayerBase)_layers[i]).BeginForward(batch);
        }

        fixed (float* x = input)
        {
            _pass.Prepare(backward: false, batch, x, input.Length, null, 0);
            PartitionWorker.Run(_pass);
        }
    }

    private unsafe void BackwardPerSampleLayers(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int batch)
    {
        for (int i = 0; i < _perSample; i++)
        {
            ((LayerBase)_layers[i]).BeginBackward(batch, inputGradient: i > 0);
        }

        fixed (float* x = input)
        fixed (float* dy = outputGradient)
        {
            _pass.Prepare(backward: true, batch, x, input.Length, dy, outputGradient.Length);
            PartitionWorker.Run(_pass);
        }

        for (int i = 0; i < _perSample; i++)
        {
            ((LayerBase)_layers[i]).EndBackward();
        }
    }

    /// <summary>One half of the per-sample layers' forward or backward pass; reused for every batch (no allocation).</summary>
    private sealed unsafe class PerSamplePass(Network network) : IPartitionedWork
    {
        private bool _backward;
        private int _batch;
        private float* _input;
        private int _inputLength;
        private float* _gradient;
        private int _gradientLength;

        public void Prepare(bool backward, int batch, float* input, int inputLength, float* gradient, int gradientLength)
        {
            _backward = backward;
            _batch = batch;
            _input = input;
            _inputLength = inputLength;
            _gradient = gradient;
            _gradientLength = gradientLength;
        }

        public void Run(int partition)
        {
            (int first, int count) = DirectConvolution.PartitionOf(_batch, partition);
            if (count == 0)
            {
                return;
            }

            ILayer[] layers = network._layers;
            var input = new ReadOnlySpan<float>(_input, _inputLength);
            if (!_backward)
            {
                ReadOnlySpan<float> x = input;
                for (int i = 0; i < network._perSample; i++)
                {
                    var layer = (LayerBase)layers[i];
                    layer.ForwardSamples(x, _batch, first, count, partition);
                    x = layer.OutputView(_batch);
                }

                return;
            }

            ReadOnlySpan<float> gradient = new(_gradient, _gradientLength);
            for (int i = network._perSample - 1; i >= 0; i--)
            {
                var layer = (LayerBase)layers[i];
                ReadOnlySpan<float> layerInput = i == 0 ? input : ((LayerBase)layers[i - 1]).OutputView(_batch);
                layer.BackwardSamples(layerInput, gradient, _batch, first, count, inputGradient: i > 0, partition);
                gradient = layer.InputGradientView(_batch);
            }
        }
    }

    /// <summary>
    /// One training forward and backward pass: returns the mean cross-entropy of the batch and leaves
    /// d loss / d θ in every <see cref="Parameter.Gradient"/>.
    /// </summary>
    /// <param name="input">N × InputShape, NCHW.</param>
    /// <param name="labels">N class indices.</param>
    public double ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> labels) => ComputeGradients(input, labels, out _);

    /// <summary>As <see cref="ComputeGradients(ReadOnlySpan{float}, ReadOnlySpan{int})"/>; also counts the batch's correct argmax predictions.</summary>
    public double ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, out int correct)
    {
        int batch = labels.Length;
        ReadOnlySpan<float> logits = Forward(input, batch, training: true);
        double loss = _loss.Forward(logits, labels);
        correct = CountCorrect(logits, labels);
        ReadOnlySpan<float> gradient = _loss.Gradient(batch);
        for (int i = _layers.Length - 1; i >= _perSample; i--)
        {
            ReadOnlySpan<float> layerInput = i == 0 ? input : LayerOutput(i - 1, batch);
            gradient = _layers[i].Backward(layerInput, gradient, batch, inputGradient: i > 0);
        }

        if (_perSample > 0)
        {
            BackwardPerSampleLayers(input, gradient, batch);
        }

        return loss;
    }

    /// <summary>Mean cross-entropy (evaluation mode) and the number of correct argmax predictions of a batch.</summary>
    public (double Loss, int Correct) Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels)
    {
        int batch = labels.Length;
        ReadOnlySpan<float> logits = Forward(input, batch);
        double loss = _loss.Forward(logits, labels);
        return (loss, CountCorrect(logits, labels));
    }

    private int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            if (TensorPrimitives.IndexOfMax(logits.Slice(n * Classes, Classes)) == labels[n])
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>
    /// Mean cross-entropy (evaluation mode) of a batch; writes each sample's argmax class into
    /// <paramref name="predictions"/> (length ≥ batch).
    /// </summary>
    public double Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, Span<int> predictions)
    {
        int batch = labels.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(predictions.Length, batch, nameof(predictions));
        ReadOnlySpan<float> logits = Forward(input, batch);
        double loss = _loss.Forward(logits, labels);
        for (int n = 0; n < batch; n++)
        {
            predictions[n] = TensorPrimitives.IndexOfMax(logits.Slice(n * Classes, Classes));
        }

        return loss;
    }

    /// <summary>The output of layer <paramref name="index"/> (0-based) from the latest <see cref="Forward"/> of <paramref name="batch"/> samples.</summary>
    public ReadOnlySpan<float> ActivationsOf(int index, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _layers.Length);
        return LayerOutput(index, batch);
    }

    /// <summary>Writes the argmax class of each of the batch's samples into <paramref name="predictions"/> (length batch).</summary>
    public void Predict(ReadOnlySpan<float> input, int batch, Span<int> predictions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(predictions.Length, batch, nameof(predictions));
        ReadOnlySpan<float> logits = Forward(input, batch);
        for (int n = 0; n < batch; n++)
        {
            predictions[n] = TensorPrimitives.IndexOfMax(logits.Slice(n * Classes, Classes));
        }
    }

    private ReadOnlySpan<float> LayerOutput(int index, int batch) =>
        // Forward left each layer's output in its buffer; re-reading it costs nothing (Forward returns that same view).
        ((LayerBase)_layers[index]).OutputView(batch);

    private void Initialize(CnnInitialization initialization)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            (Parameter? weights, int fanIn, int fanOut) = _layers[i] switch
            {
                Conv2d c => (c.Weights, c.InputShape.Channels * c.Spec.Kernel * c.Spec.Kernel, c.Spec.Filters * c.Spec.Kernel * c.Spec.Kernel),
                Dense d => (d.Weights, d.InputShape.Size, d.Units),
                _ => ((Parameter?)null, 0, 0),
            };
            if (weights is null)
            {
                continue;
            }

            bool relu = initialization switch
            {
                CnnInitialization.He => true,
                CnnInitialization.Glorot => false,
                _ => i + 1 < _layers.Length && _layers[i + 1] is Activation { Kind: ActivationKind.Relu },
            };
            Span<float> w = weights.Value;
            if (relu)
            {
                float std = MathF.Sqrt(2f / fanIn);
                for (int j = 0; j < w.Length; j++)
                {
                    w[j] = std * _rng.NextGaussian();
                }
            }
            else
            {
                float limit = MathF.Sqrt(6f / (fanIn + fanOut));
                for (int j = 0; j < w.Length; j++)
                {
                    w[j] = limit * (2f * _rng.NextFloat() - 1f);
                }
            }
        }
    }
}
