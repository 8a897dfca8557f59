namespace DeepNet.Numerics.Tests;

public class ConvolutionKernelsTests
{
    /// <summary>The convolution tests' inputs: uniform in [−1, 1), reproducible from <paramref name="seed"/>.</summary>
    internal static float[] Random(int length, ulong seed) => DeepNet.Tests.RandomValues.Uniform(length, seed);

    private static float[] NaiveForward(float[] x, int n, int c, int h, int w, float[] filters, float[] bias, int f, int k, int stride, int pad)
    {
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        var y = new float[n * f * oh * ow];
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
                            for (int a = 0; a < k; a++)
                            {
                                for (int b = 0; b < k; b++)
                                {
                                    int yy = i * stride + a - pad, xx = j * stride + b - pad;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                                    {
                                        sum += filters[((o * c + ch) * k + a) * k + b] * x[((s * c + ch) * h + yy) * w + xx];
                                    }
                                }
                            }
                        }

                        y[((s * f + o) * oh + i) * ow + j] = (float)sum;
                    }
                }
            }
        }

        return y;
    }

    [Theory]
    [InlineData(1, 1, 6, 6, 2, 3, 1, 0)]
    [InlineData(3, 2, 7, 5, 4, 3, 2, 1)]
    [InlineData(2, 3, 8, 8, 5, 5, 1, 2)]
    [InlineData(2, 1, 5, 9, 3, 2, 3, 3)]
    public void ForwardMatchesANaiveLoopWithChannelsStrideAndPadding(int n, int c, int h, int w, int f, int k, int stride, int pad)
    {
        float[] x = Random(n * c * h * w, 1);
        float[] filters = Random(f * c * k * k, 2);
        float[] bias = Random(f, 3);
        (int oh, int ow) = ConvolutionKernels.OutputSize(h, w, k, k, stride, pad);
        var y = new float[n * f * oh * ow];
        var columns = new float[c * k * k * n * oh * ow];

        ConvolutionKernels.Forward(x, n, c, h, w, filters, bias, f, k, k, stride, pad, y, columns);

        float[] expected = NaiveForward(x, n, c, h, w, filters, bias, f, k, stride, pad);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(expected[i], y[i], 1e-4f);
        }
    }

    [Theory]
    [InlineData(2, 5, 6, 3, 1, 0)]
    [InlineData(3, 7, 5, 3, 2, 1)]
    [InlineData(1, 4, 4, 5, 1, 2)]
    public void Col2ImIsTheAdjointOfIm2Col(int c, int h, int w, int k, int stride, int pad)
    {
        // ⟨im2col(x), g⟩ = ⟨x, col2im(g)⟩ for every x and g: exactly what the input gradient needs.
        (int oh, int ow) = ConvolutionKernels.OutputSize(h, w, k, k, stride, pad);
        int outputs = oh * ow;
        float[] x = Random(c * h * w, 4);
        float[] g = Random(c * k * k * 2 * outputs, 5);
        var columns = new float[g.Length];
        ConvolutionKernels.Im2Col(x, c, h, w, k, k, stride, pad, columns, 2 * outputs, 1);
        var back = new float[x.Length];
        ConvolutionKernels.Col2Im(g, 2 * outputs, 1, c, h, w, k, k, stride, pad, back);

        double left = 0, right = 0;
        for (int row = 0; row < c * k * k; row++)
        {
            for (int o = 0; o < outputs; o++)
            {
                int index = row * 2 * outputs + outputs + o;
                left += columns[index] * (double)g[index];
            }
        }

        for (int i = 0; i < x.Length; i++)
        {
            right += x[i] * (double)back[i];
        }

        Assert.Equal(left, right, 1e-4);
    }

    [Fact]
    public void ReluBackwardPassesGradientsOnlyWhereTheOutputIsPositiveIncludingTheTail()
    {
        float[] y = Random(37, 6);
        Activations.Relu(y, y);
        float[] dy = Random(37, 7);
        var dx = new float[37];

        Activations.ReluBackward(y, dy, dx);

        for (int i = 0; i < 37; i++)
        {
            Assert.Equal(y[i] > 0 ? dy[i] : 0f, dx[i]);
        }
    }

    [Fact]
    public void SoftmaxCrossEntropyOfEqualLogitsIsLogOfTheClassCount()
    {
        var p = new float[8];
        var g = new float[8];

        double loss = Activations.SoftmaxCrossEntropy(new float[8], [1, 3], 4, p, g);

        Assert.Equal(Math.Log(4), loss, 1e-6);
        Assert.All(p, v => Assert.Equal(0.25f, v, 1e-6f));
        Assert.Equal([0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f], g);
    }

    [Fact]
    public void SoftmaxCrossEntropyStaysFiniteForHugeLogits()
    {
        var p = new float[2];

        double loss = Activations.SoftmaxCrossEntropy([1000f, -1000f], [1], 2, p, []);

        Assert.Equal(2000, loss, 1e-3);
    }
}
