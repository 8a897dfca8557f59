namespace DeepNet.Numerics.Tests;

public class PoolingTests
{
    // The lecture's example, 4×4 in row-major order.
    private static readonly float[] LectureMatrix = [1, 2, 0, 3, 4, 3, 6, 5, 3, 4, 1, 2, 2, 7, 2, 0];

    [Fact]
    public void MaxPoolingOfTheLectureExampleGivesFourSixSevenTwo()
    {
        var output = new float[4];
        var argmax = new int[4];

        Pooling.MaxForward(LectureMatrix, 1, 4, 4, 2, 2, output, argmax);

        Assert.Equal([4, 6, 7, 2], output);
        Assert.Equal([4, 6, 13, 11], argmax); // ties keep the first maximum in row-major order
    }

    [Fact]
    public void AveragePoolingOfTheLectureExampleGivesItsQuarterSums()
    {
        var output = new float[4];

        Pooling.AverageForward(LectureMatrix, 1, 4, 4, 2, 2, output);

        Assert.Equal([2.5f, 3.5f, 4f, 1.25f], output);
    }

    [Fact]
    public void FourByFourStrideFourPoolingTakesTwoHundredSquareToFifty()
    {
        Assert.Equal((50, 50), Pooling.OutputSize(200, 200, 4, 4));
        var image = new float[200 * 200];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = i % 200; // the column index
        }

        var max = new float[50 * 50];
        var mean = new float[50 * 50];
        Pooling.MaxForward(image, 1, 200, 200, 4, 4, max, new int[50 * 50]);
        Pooling.AverageForward(image, 1, 200, 200, 4, 4, mean);

        // Window j covers columns 4j..4j+3.
        Assert.Equal(4 * 7 + 3, max[7 * 50 + 7]);
        Assert.Equal(4 * 7 + 1.5f, mean[3 * 50 + 7]);
    }

    [Fact]
    public void MaxBackwardSendsEachGradientToItsWindowsMaximum()
    {
        var output = new float[4];
        var argmax = new int[4];
        Pooling.MaxForward(LectureMatrix, 1, 4, 4, 2, 2, output, argmax);
        var dx = new float[16];
        dx.AsSpan().Fill(9f);

        Pooling.MaxBackward([1, 2, 3, 4], argmax, 1, 4, 4, 2, 2, dx);

        float[] expected = new float[16];
        expected[4] = 1;
        expected[6] = 2;
        expected[13] = 3;
        expected[11] = 4;
        Assert.Equal(expected, dx);
    }

    [Fact]
    public void AverageBackwardSpreadsOverlappingWindowsAdditively()
    {
        // 3×3 input, 2×2 windows, stride 1: the centre belongs to all four windows.
        var dx = new float[9];

        Pooling.AverageBackward([4, 8, 12, 16], 1, 3, 3, 2, 1, dx);

        Assert.Equal([1, 3, 2, 4, 10, 6, 3, 7, 4], dx);
    }

    [Fact]
    public void PoolingsMatchANaiveLoopOnSeveralPlanes()
    {
        const int planes = 3, h = 9, w = 7, window = 3, stride = 2;
        var rng = new Xoshiro256StarStar(5);
        var input = new float[planes * h * w];
        rng.FillUniform(input);
        (int oh, int ow) = Pooling.OutputSize(h, w, window, stride);
        var max = new float[planes * oh * ow];
        var mean = new float[max.Length];

        Pooling.MaxForward(input, planes, h, w, window, stride, max, new int[max.Length]);
        Pooling.AverageForward(input, planes, h, w, window, stride, mean);

        for (int p = 0; p < planes; p++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    float best = float.NegativeInfinity;
                    double sum = 0;
                    for (int k = 0; k < window; k++)
                    {
                        for (int l = 0; l < window; l++)
                        {
                            float v = input[(p * h + i * stride + k) * w + j * stride + l];
                            best = Math.Max(best, v);
                            sum += v;
                        }
                    }

                    Assert.Equal(best, max[(p * oh + i) * ow + j]);
                    Assert.Equal(sum / (window * window), mean[(p * oh + i) * ow + j], 1e-5);
                }
            }
        }
    }

    [Theory]
    [InlineData(28, 28)]
    [InlineData(7, 9)]
    public void TwoByTwoMaxPoolingMatchesANaiveLoopIncludingTiesAndOddSizes(int h, int w)
    {
        // Values from {0, 1, 2} make ties common: the argmax must be the first maximum in row-major window order.
        const int planes = 5;
        var rng = new Xoshiro256StarStar(11);
        var input = new float[planes * h * w];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = rng.NextFloat() < 0.5f ? 2f : MathF.Floor(rng.NextFloat() * 3f);
        }

        (int oh, int ow) = Pooling.OutputSize(h, w, 2, 2);
        var max = new float[planes * oh * ow];
        var argmax = new int[max.Length];

        Pooling.MaxForward(input, planes, h, w, 2, 2, max, argmax);

        for (int p = 0; p < planes; p++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    float best = float.NegativeInfinity;
                    int bestIndex = -1;
                    for (int k = 0; k < 2; k++)
                    {
                        for (int l = 0; l < 2; l++)
                        {
                            int index = (2 * i + k) * w + 2 * j + l;
                            if (input[p * h * w + index] > best)
                            {
                                best = input[p * h * w + index];
                                bestIndex = index;
                            }
                        }
                    }

                    Assert.Equal(best, max[(p * oh + i) * ow + j]);
                    Assert.Equal(bestIndex, argmax[(p * oh + i) * ow + j]);
                }
            }
        }
    }

    [Fact]
    public void AWindowLargerThanTheInputIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => Pooling.OutputSize(3, 5, 4, 4));
        Assert.Contains("does not fit", error.Message);
    }
}
