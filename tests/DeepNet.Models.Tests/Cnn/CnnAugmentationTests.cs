using DeepNet.Models.Cnn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Cnn;

public class CnnAugmentationTests
{
    private static readonly TensorShape Shape = new(1, OrientedBars.Size, OrientedBars.Size);

    private static float[] Bars(int count, ulong seed) => OrientedBars.Generate(count, seed).Images;

    [Fact]
    public void ZeroDistortionLeavesEveryImageUnchangedBitForBit()
    {
        float[] batch = Bars(20, 1);
        float[] original = (float[])batch.Clone();
        var distortion = new AffineDistortion(Shape, new CnnAugmentation(0f, 0f, 0f));
        var rng = new Xoshiro256StarStar(3);

        distortion.Apply(batch, 20, rng);

        Assert.Equal(original, batch);
        // Still four draws per sample, so switching distortions off does not change later draws.
        var reference = new Xoshiro256StarStar(3);
        for (int i = 0; i < 80; i++)
        {
            reference.NextFloat();
        }

        Assert.Equal(reference.GetState(), rng.GetState());
    }

    [Fact]
    public void TheSameSeedGivesTheSameDistortionsAndAnotherSeedOthers()
    {
        var distortion = new AffineDistortion(Shape, new CnnAugmentation(15f, 0.15f, 2f));
        float[] a = Bars(10, 2);
        float[] b = (float[])a.Clone();
        float[] c = (float[])a.Clone();

        distortion.Apply(a, 10, new Xoshiro256StarStar(9));
        distortion.Apply(b, 10, new Xoshiro256StarStar(9));
        distortion.Apply(c, 10, new Xoshiro256StarStar(10));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(Bars(10, 2), a);
    }

    [Fact]
    public void AWholePixelShiftMovesTheImage()
    {
        var distortion = new AffineDistortion(Shape, new CnnAugmentation());
        float[] image = new float[Shape.Size];
        image[5 * OrientedBars.Size + 4] = 1f;

        distortion.Transform(image, 0f, 1f, 2f, -1f);

        Assert.Equal(1f, image[4 * OrientedBars.Size + 6], 5);
        Assert.Equal(1f, image.Sum(), 5);
    }

    [Fact]
    public void SmallDistortionsKeepABarsOrientationAndARightAngleTurnsIt()
    {
        var distortion = new AffineDistortion(Shape, new CnnAugmentation());
        float[] horizontal = new float[Shape.Size];
        for (int x = 3; x <= 8; x++)
        {
            horizontal[6 * OrientedBars.Size + x] = 1f;
        }

        float[] small = (float[])horizontal.Clone();
        distortion.Transform(small, 10f * MathF.PI / 180f, 1.1f, 0.5f, -0.5f);
        float[] turned = (float[])horizontal.Clone();
        distortion.Transform(turned, MathF.PI / 2, 1f, 0f, 0f);

        (double spreadX, double spreadY) = Spread(small);
        Assert.True(spreadX > 4 * spreadY, $"spread x {spreadX}, y {spreadY}");
        Assert.InRange(small.Sum(), 4.5f, 8f);
        (spreadX, spreadY) = Spread(turned);
        Assert.True(spreadY > 4 * spreadX, $"spread x {spreadX}, y {spreadY}");
    }

    private static (double X, double Y) Spread(float[] image)
    {
        int size = OrientedBars.Size;
        double mass = 0, mx = 0, my = 0;
        for (int i = 0; i < image.Length; i++)
        {
            mass += image[i];
            mx += image[i] * (i % size);
            my += image[i] * (i / size);
        }

        mx /= mass;
        my /= mass;
        double vx = 0, vy = 0;
        for (int i = 0; i < image.Length; i++)
        {
            vx += image[i] * Math.Pow((i % size) - mx, 2);
            vy += image[i] * Math.Pow((i / size) - my, 2);
        }

        return (vx / mass, vy / mass);
    }

    [Fact]
    public void OutOfRangeDistortionsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new CnnAugmentation(RotationDegrees: -1f).Validate());
        Assert.Throws<ArgumentException>(() => new CnnAugmentation(Scale: 0.9f).Validate());
        Assert.Throws<ArgumentException>(() => new CnnOptions(Augmentation: new CnnAugmentation(Shift: float.NaN)).Validate());
    }

    [Fact]
    public void AnAugmentedRunResumedMidEpochGivesTheSameWeightsBitForBit()
    {
        (float[] images, int[] labels) = OrientedBars.Generate(200, 4);
        var data = new Matrix(200, Shape.Size, images);
        LayerSpec[] layers = [new ConvolutionSpec(4, 3), new ActivationSpec(ActivationKind.Relu), new MaxPoolSpec(2, 2), new DropoutSpec(0.2f), new DenseSpec(OrientedBars.Classes)];
        var options = new CnnOptions(Epochs: 2, BatchSize: 32, LearningRate: 0.01f, Seed: 11, Augmentation: new CnnAugmentation(12f, 0.1f, 1.5f));
        var straight = new CnnTrainer(Shape, layers, options, data, labels);
        straight.Train(new CancelAfter(int.MaxValue, null), CancellationToken.None);

        using var cancel = new CancellationTokenSource();
        var first = new CnnTrainer(Shape, layers, options, data, labels);
        Assert.Throws<OperationCanceledException>(() => first.Train(new CancelAfter(10, cancel), cancel.Token));
        var resumed = CnnTrainer.Resume(CnnCheckpointFile.FromBytes(CnnCheckpointFile.ToBytes(first.CaptureState())), data, labels);
        Assert.Equal(options, resumed.Options);
        resumed.Train(new CancelAfter(int.MaxValue, null), CancellationToken.None);

        for (int p = 0; p < straight.Model.Parameters.Count; p++)
        {
            Assert.Equal(straight.Model.Parameters[p].Value, resumed.Model.Parameters[p].Value);
        }

        // And the distortions did change training: without them the weights differ.
        var plain = new CnnTrainer(Shape, layers, options with { Augmentation = null }, data, labels);
        plain.Train(new CancelAfter(int.MaxValue, null), CancellationToken.None);
        Assert.NotEqual(straight.Model.Parameters[0].Value, plain.Model.Parameters[0].Value);
    }

    [Fact]
    public void InitializationCanBeChosen()
    {
        LayerSpec[] layers = [new ConvolutionSpec(6, 5), new ActivationSpec(ActivationKind.Relu), new DenseSpec(10)];
        var input = new TensorShape(1, 12, 12);
        var auto = new Network(input, layers, 1, seed: 4);
        var he = new Network(input, layers, 1, seed: 4, CnnInitialization.He);
        var glorot = new Network(input, layers, 1, seed: 4, CnnInitialization.Glorot);

        // Auto: He for the conv (followed by ReLU), Glorot for the output layer.
        Assert.Equal(auto.Parameters[0].Value, he.Parameters[0].Value);
        Assert.NotEqual(auto.Parameters[0].Value, glorot.Parameters[0].Value);
        float limit = MathF.Sqrt(6f / (25 + 6 * 25));
        Assert.All(glorot.Parameters[0].Value, w => Assert.InRange(w, -limit, limit));
        Assert.Contains(he.Parameters[0].Value, w => MathF.Abs(w) > limit);
    }

    private sealed class CancelAfter(int batches, CancellationTokenSource? cancel) : ICnnTrainingObserver
    {
        private int _batches;

        public void OnBatchCompleted(CnnBatchProgress progress, Network model)
        {
            if (++_batches == batches)
            {
                cancel?.Cancel();
            }
        }

        public void OnEpochCompleted(CnnEpochMetrics metrics, Network model, CnnTrainingState checkpoint)
        {
        }
    }
}
