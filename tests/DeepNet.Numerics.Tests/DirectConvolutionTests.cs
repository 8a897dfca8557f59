namespace DeepNet.Numerics.Tests;

public class DirectConvolutionTests
{
    // (batch, channels, height, width, filters, kh, kw, padding): LeNet's two layers, odd filter counts, rectangular kernels,
    // padding on a tiny image, a batch smaller than the maximum.
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 3, 1, 28, 28, 6, 5, 5, 2 },
        { 2, 6, 14, 14, 16, 5, 5, 0 },
        { 2, 3, 7, 9, 5, 3, 2, 1 },
        { 1, 2, 4, 4, 1, 4, 4, 3 },
        { 4, 1, 5, 6, 3, 1, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardMatchesANaiveLoop(int n, int c, int h, int w, int f, int kh, int kw, int pad)
    {
        if (!DirectConvolution.IsSupported(1))
        {
            return;
        }

        (float[] x, float[] filters, float[] bias, _) = Inputs(n, c, h, w, f, kh, kw, pad);
        (int oh, int ow) = ConvolutionKernels.OutputSize(h, w, kh, kw, 1, pad);
        double[] expected = NaiveForward(x, n, c, h, w, filters, bias, f, kh, kw, pad);
        float[]? previous = null;
        foreach (SimdWidth width in Widths())
        {
            var conv = new DirectConvolution(c, h, w, f, kh, kw, pad, maxBatch: n + 1) { Width = width };
            var y = new float[n * f * oh * ow];

            conv.Forward(x, n, filters, bias, y);

            AssertClose(expected, y);
            // Every width sums the same taps in the same order with the same FMAs.
            Assert.Equal(previous ?? y, y);
            previous = y;
        }
    }

    /// <summary>The kernel widths this CPU runs (DirectConvolution needs at least 256 bits).</summary>
    private static IEnumerable<SimdWidth> Widths() => Simd.Available.Where(w => w >= SimdWidth.Bits256);

    [Theory]
    [MemberData(nameof(Geometries))]
    public void BackwardMatchesNaiveLoops(int n, int c, int h, int w, int f, int kh, int kw, int pad)
    {
        if (!DirectConvolution.IsSupported(1))
        {
            return;
        }

        (float[] x, float[] filters, float[] bias, float[] dy) = Inputs(n, c, h, w, f, kh, kw, pad);
        (int oh, int ow) = ConvolutionKernels.OutputSize(h, w, kh, kw, 1, pad);
        (double[] dwExpected, double[] dbExpected, double[] dxExpected) = NaiveBackward(x, dy, n, c, h, w, filters, f, kh, kw, pad);
        float[]? previous = null;
        foreach (SimdWidth width in Widths())
        {
            var conv = new DirectConvolution(c, h, w, f, kh, kw, pad, maxBatch: n + 1) { Width = width };
            var dw = new float[filters.Length];
            var db = new float[f];
            var dx = new float[x.Length];
            Array.Fill(dw, float.NaN); // overwritten, not accumulated
            Array.Fill(dx, float.NaN);

            // Twice: the second pass must not depend on what the first left in the workspaces.
            for (int pass = 0; pass < 2; pass++)
            {
                conv.Forward(x, n, filters, bias, new float[n * f * oh * ow]);
                conv.Backward(dy, n, filters, dw, db, dx);
            }

            AssertClose(dwExpected, dw);
            AssertClose(dbExpected, db);
            AssertClose(dxExpected, dx);
            Assert.Equal(previous ?? dx, dx);
            previous = dx;
        }
    }

    [Fact]
    public void BackwardWithoutAnInputGradientStillGivesTheFilterGradient()
    {
        if (!DirectConvolution.IsSupported(1))
        {
            return;
        }

        (float[] x, float[] filters, float[] bias, float[] dy) = Inputs(2, 1, 28, 28, 6, 5, 5, 2);
        var conv = new DirectConvolution(1, 28, 28, 6, 5, 5, 2, maxBatch: 2);
        var dw = new float[filters.Length];
        var db = new float[6];

        conv.Forward(x, 2, filters, bias, new float[2 * 6 * 28 * 28]);
        conv.Backward(dy, 2, filters, dw, db, []);

        (double[] dwExpected, double[] dbExpected, _) = NaiveBackward(x, dy, 2, 1, 28, 28, filters, 6, 5, 5, 2);
        AssertClose(dwExpected, dw);
        AssertClose(dbExpected, db);
    }

    [Fact]
    public void PartitionsRunConcurrentlyGiveBitIdenticalResults()
    {
        if (!DirectConvolution.IsSupported(1))
        {
            return;
        }

        const int n = 7, c = 6, h = 14, w = 14, f = 16, k = 5;
        (float[] x, float[] filters, float[] bias, float[] dy) = Inputs(n, c, h, w, f, k, k, 0);
        int outputs = 10 * 10;
        var sequential = new DirectConvolution(c, h, w, f, k, k, 0, maxBatch: n);
        var y1 = new float[n * f * outputs];
        var dw1 = new float[filters.Length];
        var db1 = new float[f];
        var dx1 = new float[x.Length];
        sequential.Forward(x, n, filters, bias, y1);
        sequential.Backward(dy, n, filters, dw1, db1, dx1);

        var split = new DirectConvolution(c, h, w, f, k, k, 0, maxBatch: n);
        var y2 = new float[y1.Length];
        var dw2 = new float[filters.Length];
        var db2 = new float[f];
        var dx2 = new float[x.Length];
        split.BeginForward(n, filters, bias);
        RunBothAtOnce(p =>
        {
            (int first, int count) = DirectConvolution.PartitionOf(n, p);
            split.ForwardSamples(x, n, first, count, y2, p);
        });
        split.BeginBackward(n, filters, inputGradient: true);
        RunBothAtOnce(p =>
        {
            (int first, int count) = DirectConvolution.PartitionOf(n, p);
            split.BackwardSamples(dy, n, first, count, dx2, p);
        });
        split.EndBackward(dw2, db2);

        Assert.Equal(y1, y2);
        Assert.Equal(dw1, dw2);
        Assert.Equal(db1, db2);
        Assert.Equal(dx1, dx2);
    }

    [Fact]
    public void PartitionsCoverTheBatchOnce()
    {
        foreach (int batch in new[] { 1, 2, 7, 64 })
        {
            (int s0, int c0) = DirectConvolution.PartitionOf(batch, 0);
            (int s1, int c1) = DirectConvolution.PartitionOf(batch, 1);
            Assert.Equal(0, s0);
            Assert.Equal(c0, s1);
            Assert.Equal(batch, c0 + c1);
        }
    }

    private static void RunBothAtOnce(Action<int> partition)
    {
        // Partition 1 first on another thread, partition 0 here: order and interleaving must not matter.
        using var ready = new Barrier(2);
        var other = Task.Run(() =>
        {
            ready.SignalAndWait();
            partition(1);
        });
        ready.SignalAndWait();
        partition(0);
        other.GetAwaiter().GetResult();
    }

    [Fact]
    public void OnlyStrideOneIsSupported()
    {
        Assert.False(DirectConvolution.IsSupported(2));
    }

    private static (float[] X, float[] Filters, float[] Bias, float[] Dy) Inputs(int n, int c, int h, int w, int f, int kh, int kw, int pad)
    {
        (int oh, int ow) = ConvolutionKernels.OutputSize(h, w, kh, kw, 1, pad);
        return (ConvolutionKernelsTests.Random(n * c * h * w, 1), ConvolutionKernelsTests.Random(f * c * kh * kw, 2), ConvolutionKernelsTests.Random(f, 3), ConvolutionKernelsTests.Random(n * f * oh * ow, 4));
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static double[] NaiveForward(float[] x, int n, int c, int h, int w, float[] filters, float[] bias, int f, int kh, int kw, int pad)
    {
        (int oh, int ow) = ConvolutionKernels.OutputSize(h, w, kh, kw, 1, pad);
        var y = new double[n * f * oh * ow];
        for (int s = 0; s < n; s++)
        {
            for (int o = 0; o < f; o++)
            {
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = bias[o];
                        for (int ch = 0; ch < c; ch++)
                        {
                            for (int k = 0; k < kh; k++)
                            {
                                for (int l = 0; l < kw; l++)
                                {
                                    int yy = i + k - pad, xx = j + l - pad;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                                    {
                                        sum += filters[((o * c + ch) * kh + k) * kw + l] * (double)x[((s * c + ch) * h + yy) * w + xx];
                                    }
                                }
                            }
                        }

                        y[((s * f + o) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }

        return y;
    }

    private static (double[] Dw, double[] Db, double[] Dx) NaiveBackward(
        float[] x, float[] dy, int n, int c, int h, int w, float[] filters, int f, int kh, int kw, int pad)
    {
        (int oh, int ow) = ConvolutionKernels.OutputSize(h, w, kh, kw, 1, pad);
        var dw = new double[filters.Length];
        var db = new double[f];
        var dx = new double[x.Length];
        for (int s = 0; s < n; s++)
        {
            for (int o = 0; o < f; o++)
            {
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        double g = dy[((s * f + o) * oh + i) * ow + j];
                        db[o] += g;
                        for (int ch = 0; ch < c; ch++)
                        {
                            for (int k = 0; k < kh; k++)
                            {
                                for (int l = 0; l < kw; l++)
                                {
                                    int yy = i + k - pad, xx = j + l - pad;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                                    {
                                        int wi = ((o * c + ch) * kh + k) * kw + l, xi = ((s * c + ch) * h + yy) * w + xx;
                                        dw[wi] += g * x[xi];
                                        dx[xi] += g * filters[wi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        return (dw, db, dx);
    }
}
