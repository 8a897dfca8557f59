using DeepNet.Models.Cnn;
using DeepNet.Numerics;

namespace DeepNet.Models.Tests.Cnn;

public class PartitionedPassTests
{
    // Stride-1 convolutions, activations and pooling lead the net, so they run as the two-half per-sample pass.
    private static readonly LayerSpec[] PerSampleLead =
    [
        new ConvolutionSpec(3, 3, Padding: 1),
        new ActivationSpec(ActivationKind.Tanh),
        new AveragePoolSpec(2, 2),
        new ConvolutionSpec(4, 3),
        new ActivationSpec(ActivationKind.Sigmoid),
        new DenseSpec(3),
    ];

    [Theory]
    [InlineData(3)]
    [InlineData(1)] // one half is empty
    public void WholeNetworkGradientsThroughThePerSamplePassMatchFiniteDifferences(int batch)
    {
        var network = new Network(new TensorShape(2, 8, 8), PerSampleLead, maxBatch: 4, seed: 21);
        float[] input = GradientCheck.Random(batch * 2 * 8 * 8, 22);
        int[] labels = [.. Enumerable.Range(0, batch).Select(i => (i * 2) % 3)];
        network.ComputeGradients(input, labels);
        float[][] analytic = [.. network.Parameters.Select(p => (float[])p.Gradient.Clone())];

        for (int p = 0; p < analytic.Length; p++)
        {
            GradientCheck.Compare(network.Parameters[p].Value, analytic[p], () => network.Evaluate(input, labels).Loss, $"parameter {p}", absoluteFloor: 1e-4);
        }
    }

    [Fact]
    public async Task GradientsDoNotDependOnWhichThreadRanWhichHalf()
    {
        // Two networks training at once share the one helper thread: whichever gets it, the other runs both halves itself.
        float[] input = GradientCheck.Random(4 * 2 * 8 * 8, 23);
        int[] labels = [0, 1, 2, 1];
        float[][] Gradients()
        {
            var network = new Network(new TensorShape(2, 8, 8), PerSampleLead, maxBatch: 4, seed: 24);
            for (int step = 0; step < 20; step++)
            {
                network.ComputeGradients(input, labels);
            }

            return [.. network.Parameters.Select(p => (float[])p.Gradient.Clone())];
        }

        float[][] alone = Gradients();
        float[][][] together = await Task.WhenAll(Task.Run(Gradients), Task.Run(Gradients), Task.Run(Gradients));

        foreach (float[][] run in together)
        {
            for (int p = 0; p < alone.Length; p++)
            {
                Assert.Equal(alone[p], run[p]);
            }
        }
    }

    [Theory]
    [InlineData(Transpose.No, Transpose.Yes, 64, 120, 400)]
    [InlineData(Transpose.Yes, Transpose.No, 120, 400, 64)]
    [InlineData(Transpose.No, Transpose.No, 64, 400, 120)]
    [InlineData(Transpose.Yes, Transpose.Yes, 70, 90, 50)]
    public void DenseProductsInSlicesMatchOneProduct(Transpose transA, Transpose transB, int m, int n, int k)
    {
        Assert.True((long)m * n * k > Dense.SliceMultiplyAdds);
        int lda = transA == Transpose.No ? k : m, ldb = transB == Transpose.No ? n : k;
        float[] a = GradientCheck.Random(m * k, 25), b = GradientCheck.Random(k * n, 26);
        float[] expected = GradientCheck.Random(m * n, 27), actual = (float[])expected.Clone();

        Gemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0.5f, expected, n);
        Dense.MultiplyInSlices(transA, transB, m, n, k, a, lda, b, ldb, 0.5f, actual, n);

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-4f);
        }
    }
}
