namespace DeepNet.Numerics.Tests;

public class ConvolutionTests
{
    // The lecture's definition, literally: A_ij = Σ_kl W_kl X_{i+k, j+l}.
    private static float[] NaiveCorrelation(float[] image, int width, int height, float[] filters, int filterCount, int kh, int kw)
    {
        int oh = height - kh + 1;
        int ow = width - kw + 1;
        var maps = new float[filterCount * oh * ow];
        for (int f = 0; f < filterCount; f++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    double sum = 0;
                    for (int k = 0; k < kh; k++)
                    {
                        for (int l = 0; l < kw; l++)
                        {
                            sum += filters[f * kh * kw + k * kw + l] * image[(i + k) * width + (j + l)];
                        }
                    }

                    maps[(f * oh + i) * ow + j] = (float)sum;
                }
            }
        }

        return maps;
    }

    [Fact]
    public void Im2ColPlacesEachWindowInOneColumn()
    {
        // 3 wide, 2 high: X = [[0,1,2],[3,4,5]]; 2×2 kernel → 1×2 outputs.
        float[] image = [0, 1, 2, 3, 4, 5];
        var columns = new float[Convolution.ColumnsLength(3, 2, 2, 2)];

        Convolution.Im2Col(image, 3, 2, 2, 2, columns);

        // Rows are kernel taps (k,l) = (0,0),(0,1),(1,0),(1,1); columns are outputs (0,0),(0,1).
        Assert.Equal([0, 1, 1, 2, 3, 4, 4, 5], columns);
    }

    [Theory]
    [InlineData(13, 9, 3, 5, 4)]
    [InlineData(7, 11, 5, 3, 1)]
    [InlineData(17, 15, 1, 1, 3)]
    [InlineData(9, 9, 9, 9, 2)]
    [InlineData(31, 23, 7, 4, 5)]
    public void ValidCorrelationMatchesTheNaiveLoopOnOddSizes(int width, int height, int kh, int kw, int filterCount)
    {
        float[] image = ConvolutionKernelsTests.Random(width * height, 1);
        float[] filters = ConvolutionKernelsTests.Random(filterCount * kh * kw, 2);
        int oh = height - kh + 1;
        int ow = width - kw + 1;
        var maps = new float[filterCount * oh * ow];

        Convolution.ValidCorrelation(image, width, height, filters, filterCount, kh, kw, maps);

        float[] expected = NaiveCorrelation(image, width, height, filters, filterCount, kh, kw);
        for (int i = 0; i < maps.Length; i++)
        {
            Assert.True(Math.Abs(maps[i] - expected[i]) < 1e-4f, $"map value {i}: {maps[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void ValidCorrelationOfA175ImageWith49TenByTenFiltersGives49MapsOf166()
    {
        float[] image = ConvolutionKernelsTests.Random(175 * 175, 3);
        float[] filters = ConvolutionKernelsTests.Random(49 * 100, 4);
        Assert.Equal((166, 166), Convolution.OutputSize(175, 175, 10, 10));
        var maps = new float[49 * 166 * 166];

        Convolution.ValidCorrelation(image, 175, 175, filters, 49, 10, 10, maps);

        float[] expected = NaiveCorrelation(image, 175, 175, filters, 49, 10, 10);
        float worst = 0;
        for (int i = 0; i < maps.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(maps[i] - expected[i]));
        }

        Assert.True(worst < 1e-3f, $"largest difference {worst}");
    }

    [Fact]
    public void ValidCorrelationWithCallerWorkspaceEqualsThePooledVersion()
    {
        float[] image = ConvolutionKernelsTests.Random(20 * 14, 5);
        float[] filters = ConvolutionKernelsTests.Random(3 * 3 * 4, 6);
        var pooled = new float[3 * 12 * 17];
        var owned = new float[pooled.Length];
        var workspace = new float[Convolution.ColumnsLength(20, 14, 3, 4) + 10];
        workspace.AsSpan().Fill(float.NaN);

        Convolution.ValidCorrelation(image, 20, 14, filters, 3, 3, 4, pooled);
        Convolution.ValidCorrelation(image, 20, 14, filters, 3, 3, 4, owned, workspace);

        Assert.Equal(pooled, owned);
    }

    [Fact]
    public void ValidCorrelationOfAShiftedDeltaFilterCopiesTheShiftedImage()
    {
        float[] image = ConvolutionKernelsTests.Random(8 * 6, 7);
        var filter = new float[3 * 3];
        filter[1 * 3 + 2] = 1f; // W_{1,2} = 1 → A_ij = X_{i+1, j+2}
        var map = new float[4 * 6];

        Convolution.ValidCorrelation(image, 8, 6, filter, 1, 3, 3, map);

        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                Assert.Equal(image[(i + 1) * 8 + j + 2], map[i * 6 + j]);
            }
        }
    }

    [Fact]
    public void ValidCorrelationRejectsKernelsLargerThanTheImageAndWrongLengths()
    {
        var image = new float[5 * 4];
        Assert.Throws<ArgumentException>(() => Convolution.ValidCorrelation(image, 5, 4, new float[5 * 5], 1, 5, 5, new float[1]));
        Assert.Throws<ArgumentException>(() => Convolution.ValidCorrelation(image, 5, 4, new float[9], 1, 3, 3, new float[5]));
        Assert.Throws<ArgumentException>(() => Convolution.ValidCorrelation(image, 5, 4, new float[8], 1, 3, 3, new float[6]));
        Assert.Throws<ArgumentException>(() => Convolution.Im2Col(new float[19], 5, 4, 3, 3, new float[54]));
        Assert.Throws<ArgumentException>(() => Convolution.ValidCorrelation(image, 5, 4, new float[9], 1, 3, 3, new float[6], new float[53]));
    }
}
